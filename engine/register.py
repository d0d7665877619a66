"""The register file: every partnership a city keeps in its browser, with the
dated assessments (versions) of each, exported as one JSON file.

    {"format": "crossroads-register", "method_version": "2.0.0",
     "exported_at": "2026-11-30T09:00:00Z",
     "partnerships": [{"id": "p-2026-4f3a9c", "versions": [assessment document, ...]}]}

`check_register` refuses a foreign or malformed file with one message that
names the place ('partnerships[1].versions[0]: ...'), and returns the checked
register, each version as a full assessment document of this method version
(older versions are carried over, as single files are).
"""

from __future__ import annotations

from .errors import InputError, RequestError, quote
from .evaluate import _check_text, _describe, check_id, check_request
from .model import Method

REGISTER_FORMAT = "crossroads-register"
REGISTER_KEYS = ("format", "method_version", "exported_at", "partnerships")
PARTNERSHIP_ENTRY_KEYS = ("id", "versions")
# The largest register read: a few hundred assessments with long notes.
MAX_REGISTER_BYTES = 16 * 1024 * 1024
REGISTER_TOO_LARGE = "the register file is larger than 16 MiB, far larger than a register of hundreds of assessments."


def saved_document(method: Method, original: dict, checked: dict) -> dict:
    """A checked assessment as a document of this method version, with the keys
    the original had (so that a document without "profile" still takes the
    site's default)."""
    document = {"format": "crossroads-assessment", "method_version": method.version}
    for key in ("id", "saved_at"):
        if key in checked:
            document[key] = checked[key]
    if "profile" in original:
        document["profile"] = checked["profile"]
    document["partnership"] = checked["partnership"]
    document["answers"] = checked["answers"]
    document["notes"] = checked["notes"]
    for key in ("decision", "plan"):
        if key in checked:
            document[key] = checked[key]
    return document


def check_register(method: Method, doc) -> dict:
    """Check a parsed register file; return the checked register, or raise
    RequestError naming the place of the first problem."""
    if not isinstance(doc, dict):
        raise RequestError(f"a register must be a JSON object with 'format': '{REGISTER_FORMAT}', got {_describe(doc)}.")
    fmt = doc.get("format")
    if fmt == "crossroads-assessment":
        raise RequestError("this file is a single assessment, not a register; open it as an assessment instead.")
    if fmt != REGISTER_FORMAT:
        shown = "missing" if "format" not in doc else (quote(fmt) if isinstance(fmt, str) else _describe(fmt))
        raise RequestError(f"this file is not a Crossroads register: 'format' is {shown}, expected '{REGISTER_FORMAT}'.")
    for key in doc:
        if key not in REGISTER_KEYS:
            raise RequestError(f"unknown key {quote(key)} in the register; expected only: {', '.join(REGISTER_KEYS)}.")
    version = doc.get("method_version")
    if version is not None and not isinstance(version, str):
        raise RequestError(f"'method_version' must be a string such as {method.version!r}, got {_describe(version)}.")
    exported_at = _check_text(doc.get("exported_at", ""), "'exported_at'")
    partnerships = doc.get("partnerships")
    if not isinstance(partnerships, list):
        raise RequestError(f"'partnerships' must be a list of partnerships, got {_describe(partnerships) if 'partnerships' in doc else 'nothing'}.")
    checked_partnerships = []
    seen_partnerships: dict[str, int] = {}
    for index, entry in enumerate(partnerships):
        where = f"partnerships[{index}]"
        if not isinstance(entry, dict):
            raise RequestError(f"{where} must be an object {{\"id\", \"versions\"}}, got {_describe(entry)}.")
        for key in entry:
            if key not in PARTNERSHIP_ENTRY_KEYS:
                raise RequestError(f"unknown key {quote(key)} in {where}; expected only: {', '.join(PARTNERSHIP_ENTRY_KEYS)}.")
        if "id" not in entry:
            raise RequestError(f"{where} has no 'id'; every partnership of a register has one.")
        pid = check_id(entry["id"], f"{where}.id")
        if pid in seen_partnerships:
            raise RequestError(f"{where}.id: {quote(pid)} is also the id of partnerships[{seen_partnerships[pid]}]; ids must be unique.")
        seen_partnerships[pid] = index
        versions = entry.get("versions")
        if not isinstance(versions, list):
            raise RequestError(f"{where}.versions must be a list of assessments, got {_describe(versions) if 'versions' in entry else 'nothing'}.")
        checked_versions = []
        seen_versions: dict[str, int] = {}
        for number, document in enumerate(versions):
            place = f"{where}.versions[{number}]"
            if isinstance(document, dict) and "method_version" not in document and version is not None:
                # A version without its own method version was made with the register's.
                document = dict(document, method_version=version)
            try:
                checked = check_request(method, document)
            except InputError as error:
                raise RequestError(f"{place}: {error.message}", error.question) from None
            own = checked["partnership"].get("id")
            if own != pid:
                shown = quote(own) if own is not None else "missing"
                raise RequestError(f"{place}: partnership.id is {shown}, expected {quote(pid)}, the id of its partnership.")
            vid = checked.get("id")
            if vid is not None:
                if vid in seen_versions:
                    raise RequestError(f"{place}.id: {quote(vid)} is also the id of {where}.versions[{seen_versions[vid]}]; "
                                       "each version has its own id.")
                seen_versions[vid] = number
            checked_versions.append(saved_document(method, document, checked))
        checked_partnerships.append({"id": pid, "versions": checked_versions})
    return {"format": REGISTER_FORMAT, "method_version": method.version, "exported_at": exported_at,
            "partnerships": checked_partnerships}
