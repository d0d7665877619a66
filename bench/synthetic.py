"""Make a larger, valid copy of the method for build-time benchmarks.

`multiply_method(src, dst, factor)` writes a method folder to `dst` in which
every scenario appears `factor` times: copy k of scenario A1 is A1x{k}, with
its impacts renamed the same way, its own base points, and a copy of every
question (`stage` -> `stage_x{k}`) whose points and `activates` lists point
at the copied scenarios. Everything else (sections, actions, flowcharts,
country profiles) is kept as it is. The result must pass the engine's own
checks; `python bench/synthetic.py SRC DST FACTOR` runs them.
"""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys

import yaml

EFFECT_MAPS = ("likelihood", "impact", "reduce_likelihood", "reduce_impact")


def _load(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _dump(data, path):
    with open(path, "w", encoding="utf-8") as handle:
        yaml.safe_dump(data, handle, sort_keys=False, allow_unicode=True, width=1000)


def multiply_method(src: str, dst: str, factor: int) -> dict:
    """Write a method folder with `factor` copies of each scenario and question; return counts."""
    if os.path.exists(dst):
        shutil.rmtree(dst)
    shutil.copytree(src, dst)
    if factor <= 1:
        return {"factor": 1}
    matrix_path = os.path.join(dst, "matrix.yaml")
    questions_path = os.path.join(dst, "questions.yaml")
    scoring_path = os.path.join(dst, "scoring.yaml")
    matrix, questions, scoring = _load(matrix_path), _load(questions_path), _load(scoring_path)

    originals = matrix["scenarios"]
    original_questions = questions["questionnaire"]["questions"]
    base = scoring["scoring"]["base"]
    new_scenarios, new_questions = [], []
    for k in range(2, factor + 1):
        scenario_id = {s["id"]: f"{s['id']}x{k}" for s in originals}
        impact_id = {i["id"]: f"{i['id']}x{k}" for s in originals for i in s["impacts"]}
        question_id = {q["id"]: f"{q['id']}_x{k}" for q in original_questions}
        for scenario in originals:
            clone = copy.deepcopy(scenario)
            clone["id"] = scenario_id[scenario["id"]]
            clone["name"] = f"{scenario['name']} (copy {k})"
            for impact in clone["impacts"]:
                impact["id"] = impact_id[impact["id"]]
            new_scenarios.append(clone)
            base[clone["id"]] = dict(base[scenario["id"]])
        for question in original_questions:
            clone = copy.deepcopy(question)
            clone["id"] = question_id[question["id"]]
            clone["short"] = f"{question['short']} (copy {k})"
            clone["text"] = f"{question['text']} (copy {k})"
            clone.pop("screen", None)  # the short screen holds at most 8 questions: the originals
            if "show_if" in clone:
                clone["show_if"]["question"] = question_id[clone["show_if"]["question"]]
            for option in clone["options"]:
                for key in EFFECT_MAPS:
                    if key in option:
                        option[key] = {scenario_id[s]: v for s, v in option[key].items()}
                if "activates" in option:
                    option["activates"] = [impact_id[i] for i in option["activates"]]
            new_questions.append(clone)
    matrix["scenarios"] = originals + new_scenarios
    questions["questionnaire"]["questions"] = original_questions + new_questions
    _dump(matrix, matrix_path)
    _dump(questions, questions_path)
    _dump(scoring, scoring_path)
    return {
        "factor": factor,
        "scenarios": len(matrix["scenarios"]),
        "questions": len(questions["questionnaire"]["questions"]),
    }


def check_method(folder: str, python: str = sys.executable) -> str:
    """Run the engine's validator on a method folder; return its summary line or raise."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    result = subprocess.run([python, "-m", "engine", "--method", folder, "check"],
                            cwd=root, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"the synthetic method at {folder} fails the engine's checks:\n{result.stderr}")
    return result.stdout.strip()


if __name__ == "__main__":
    source, target, times = sys.argv[1], sys.argv[2], int(sys.argv[3])
    print(multiply_method(source, target, times))
    print(check_method(target))
