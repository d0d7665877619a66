"""Crossroads evaluator: the city diplomacy risk method as data, and its scoring.

Standard library only; runs on CPython 3.11+ and in the browser on Pyodide.
The YAML reader (`engine.source`) is the one part used only at build time.
"""

from .api import Assessment, Engine, assess, assess_json, assessment, questions_document
from .errors import AnswerError, CrossroadsError, InputError, MethodError, Problem, RequestError
from .evaluate import check_answers, check_request, evaluate, visible_questions
from .model import Method, compile_method

__all__ = [
    "AnswerError", "Assessment", "CrossroadsError", "Engine", "InputError", "Method", "MethodError", "Problem", "RequestError",
    "assess", "assess_json", "assessment", "check_answers", "check_request", "compile_method", "evaluate", "questions_document",
    "visible_questions",
]
