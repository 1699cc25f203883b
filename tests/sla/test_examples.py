"""Every worked case of shared/sla/examples.jsonl through the pure engine, and the line adapter."""

import json
from datetime import datetime
from pathlib import Path

import pytest

from sla.clock import InvalidEvent, evaluate
from sla.jsonl import evaluate_line, format_result, parse_case
from sla.terms import default_terms

_COPY = Path(__file__).resolve().parent / "data" / "examples.jsonl"
_SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "sla" / "examples.jsonl"


def _cases():
    """The repo's copy first; cases added to shared/ later (when it sits beside the repo) too."""
    seen, params = set(), []
    for path in (_COPY, _SHARED):
        if not path.exists():
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            example = json.loads(line)
            case_id = example["case"]["id"]
            if case_id not in seen:
                seen.add(case_id)
                params.append(pytest.param(example, n, id=case_id))
    return params


CASES = _cases()


def _same(expected, got):
    """Times compare as instants; the rest as values."""
    if isinstance(expected, str) and isinstance(got, str) and expected[:4].isdigit():
        return datetime.fromisoformat(expected) == datetime.fromisoformat(got)
    return expected == got


def test_the_copy_is_there():
    assert _COPY.exists()
    assert len(CASES) >= 25


@pytest.mark.parametrize(("example", "line_no"), CASES)
def test_example(example, line_no):
    case_id, package, kwargs = parse_case(example["case"], line_no)
    got = format_result(case_id, evaluate(default_terms(package), **kwargs))
    expected = example["expect"]
    assert got.keys() == expected.keys()
    diffs = {k: (expected[k], got[k]) for k in expected if not _same(expected[k], got[k])}
    assert not diffs, diffs


def test_output_is_in_the_calendar_zone():
    line = json.dumps(
        {
            "id": "z",
            "package": "pro",
            "type": "incident",
            "priority": 1,
            "opened_at": "2026-11-25T07:00:00Z",
        }
    )
    assert evaluate_line(line, 1, default_terms) == {
        "id": "z",
        "reaction_due": "2026-11-25T10:30:00+03:00",
        "resolution_due": "2026-11-25T12:00:00+03:00",
        "reaction_met": None,
        "resolution_met": None,
    }


BASE = {
    "id": "b",
    "package": "advanced",
    "type": "incident",
    "priority": 1,
    "opened_at": "2026-11-25T10:00:00+03:00",
}


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("{not json", "line"),
        ("[1, 2]", "line"),
        (json.dumps({**BASE, "id": None}), "id"),
        (json.dumps({**BASE, "package": "gold"}), "package"),
        (json.dumps({k: v for k, v in BASE.items() if k != "type"}), "type"),
        (json.dumps({**BASE, "priority": "1"}), "priority"),
        (json.dumps({**BASE, "priority": 1.0}), "priority"),
        (json.dumps({**BASE, "priority": None}), "priority"),
        (json.dumps({**BASE, "opened_at": "2026-11-25T10:00:00"}), "opened_at"),
        (json.dumps({**BASE, "opened_at": "yesterday"}), "opened_at"),
        (json.dumps({**BASE, "events": {}}), "events"),
        (json.dumps({**BASE, "events": ["pause"]}), "events[0]"),
        (json.dumps({**BASE, "events": [{"kind": "pause"}]}), "events[0].at"),
        (json.dumps({**BASE, "events": [{"at": "2026-11-25T11:00:00+03:00"}]}), "events[0].kind"),
        (
            json.dumps(
                {
                    **BASE,
                    "events": [
                        {
                            "at": "2026-11-25T11:00:00+03:00",
                            "kind": "priority",
                            "priority": 2,
                            "workaround": "yes",
                        }
                    ],
                }
            ),
            "events[0].workaround",
        ),
        (
            json.dumps(
                {
                    **BASE,
                    "events": [
                        {"at": "2026-11-25T11:00:00+03:00", "kind": "pause"},
                        {"at": "2026-11-25T10:30:00+03:00", "kind": "resume"},
                    ],
                }
            ),
            "events[1].at",
        ),
        (
            json.dumps({**BASE, "events": [{"at": "2026-11-25T11:00:00+03:00", "kind": "resume"}]}),
            "events[0].kind",
        ),
    ],
)
def test_bad_lines_name_line_and_field(text, field):
    with pytest.raises(InvalidEvent) as info:
        evaluate_line(text, 7, default_terms)
    assert (info.value.field, info.value.line) == (field, 7)
    assert str(info.value).startswith(f"line 7: {field}: ")
