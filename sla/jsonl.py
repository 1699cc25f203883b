"""The JSON-lines case format of ``manage.py sla_deadlines`` (SPEC "The SLA engine on the command
line"), pure: parse a case into ``evaluate`` arguments and format the state back.

Every bad input raises InvalidEvent with ``field`` naming the culprit, so the command can report
"line N, field F" and exit 2 without a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from sla.clock import Event, InvalidEvent, SlaState, evaluate
from sla.terms import Terms

__all__ = ["evaluate_line", "format_result", "numbered_lines", "parse_case"]


def _bad(
    message: str, field: str, index: int | None = None, line: int | None = None
) -> InvalidEvent:
    return InvalidEvent(message, field=field, index=index, line=line)


def _instant(value: Any, field: str, index: int | None, line: int | None) -> datetime:
    if not isinstance(value, str):
        raise _bad(f"expected an ISO 8601 time with an offset, got {value!r}", field, index, line)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _bad(f"not an ISO 8601 time: {value!r}", field, index, line) from None
    if parsed.utcoffset() is None:
        raise _bad(f"time without an offset: {value!r}", field, index, line)
    return parsed


def _optional_int(value: Any, field: str, index: int | None, line: int | None) -> int | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise _bad(f"expected an integer or null, got {value!r}", field, index, line)


def _string(value: Any, field: str, index: int | None, line: int | None) -> str:
    if not isinstance(value, str):
        raise _bad(f"expected a string, got {value!r}", field, index, line)
    return value


def _event(raw: Any, i: int, line: int | None) -> Event:
    where = f"events[{i}]"
    if not isinstance(raw, dict):
        raise _bad(f"an event must be an object, got {raw!r}", where, i, line)
    if "at" not in raw:
        raise _bad("missing", f"{where}.at", i, line)
    if "kind" not in raw:
        raise _bad("missing", f"{where}.kind", i, line)
    workaround = raw.get("workaround", False)
    if not isinstance(workaround, bool):
        raise _bad(f"expected true or false, got {workaround!r}", f"{where}.workaround", i, line)
    type_ = raw.get("type")
    return Event(
        at=_instant(raw["at"], f"{where}.at", i, line),
        kind=_string(raw["kind"], f"{where}.kind", i, line),
        priority=_optional_int(raw.get("priority"), f"{where}.priority", i, line),
        type=None if type_ is None else _string(type_, f"{where}.type", i, line),
        workaround=workaround,
    )


def parse_case(obj: Any, line_no: int | None = None) -> tuple[Any, str, dict[str, Any]]:
    """A decoded input line as ``(case_id, package, evaluate kwargs)``.

    Checks shape and syntax only; the rules (order, pause while paused, ...) are ``evaluate``'s.
    """
    if not isinstance(obj, dict):
        raise _bad("a case must be a JSON object", "line", None, line_no)
    case_id = obj.get("id")
    if not isinstance(case_id, (str, int)) or isinstance(case_id, bool):
        raise _bad(f"expected a string id, got {case_id!r}", "id", None, line_no)
    if "package" not in obj:
        raise _bad("missing", "package", None, line_no)
    package = _string(obj["package"], "package", None, line_no)
    if "type" not in obj:
        raise _bad("missing", "type", None, line_no)
    if "opened_at" not in obj:
        raise _bad("missing", "opened_at", None, line_no)
    raw_events = obj.get("events")
    if raw_events is None:
        raw_events = []
    if not isinstance(raw_events, list):
        raise _bad("expected a list of events", "events", None, line_no)
    kwargs = {
        "type": _string(obj["type"], "type", None, line_no),
        "priority": _optional_int(obj.get("priority"), "priority", None, line_no),
        "opened_at": _instant(obj["opened_at"], "opened_at", None, line_no),
        "events": tuple(_event(raw, i, line_no) for i, raw in enumerate(raw_events)),
    }
    return case_id, package, kwargs


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def format_result(case_id: Any, state: SlaState) -> dict[str, Any]:
    """The output line: ISO times with the offset of each target's calendar zone."""
    return {
        "id": case_id,
        "reaction_due": _iso(state.reaction_due),
        "resolution_due": _iso(state.resolution_due),
        "reaction_met": state.reaction_met,
        "resolution_met": state.resolution_met,
    }


def numbered_lines(source: Iterable[bytes | str]) -> Iterator[tuple[int, str]]:
    """``(line number, text)`` for each line, decoded one line at a time.

    Lines are read as bytes (a file opened "rb", ``sys.stdin.buffer``) so that bytes which are
    not UTF-8 make *their* line bad, after every line before it was handed out: a decoder that
    reads ahead in blocks would fail many lines early. A text line that carries undecodable
    bytes as lone surrogates (standard input under ``surrogateescape``) is just as bad.
    """
    for line_no, raw in enumerate(source, start=1):
        try:
            text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            if not isinstance(raw, bytes):
                text.encode("utf-8")  # lone surrogates are not text
        except UnicodeError as exc:
            raise _bad(
                f"not UTF-8 text ({exc.reason} at position {exc.start + 1})", "line", None, line_no
            ) from None
        yield line_no, text


def evaluate_line(text: str, line_no: int, terms_for: Callable[[str], Terms]) -> dict[str, Any]:
    """One input line to its output dict; InvalidEvent (with ``line`` set) for any bad input.

    ``terms_for(package)`` returns the package's terms and raises ValueError or LookupError for
    an unknown package.
    """
    try:
        obj = json.loads(text)
    except ValueError as exc:  # JSONDecodeError and bad unicode
        raise _bad(f"not JSON: {exc}", "line", None, line_no) from None
    case_id, package, kwargs = parse_case(obj, line_no)
    try:
        terms = terms_for(package)
    except (ValueError, LookupError):
        raise _bad(f"unknown package {package!r}", "package", None, line_no) from None
    try:
        state = evaluate(terms, **kwargs)
    except InvalidEvent as exc:
        exc.line = line_no
        raise
    return format_result(case_id, state)
