"""The command-line adapter on many inputs: valid cases always answer, broken ones are refused
with InvalidEvent naming a field, and nothing else ever escapes (no traceback)."""

import json
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from bench.cases import random_case
from sla.clock import InvalidEvent
from sla.jsonl import evaluate_line
from sla.terms import default_terms

TERMS = {"advanced": default_terms("advanced"), "pro": default_terms("pro")}


def terms_for(package):
    return TERMS[package]


@settings(max_examples=300, deadline=None)
@given(seed=st.integers(0, 2**32))
def test_valid_cases_always_answer(seed):
    case = random_case(random.Random(seed), "c")

    result = evaluate_line(json.dumps(case), 1, terms_for)

    assert result["id"] == "c"
    assert result["reaction_due"] is not None
    resolved = any(e["kind"] == "resolve" for e in case["events"][-1:])
    assert (result["resolution_met"] is not None) == resolved


JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 10), st.text(max_size=30),
    st.just("2026-11-25T10:00:00"), st.just("2026-11-25T10:00:00+03:00"),
    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=5), st.integers(),
                                                         max_size=2),
)


@settings(max_examples=400, deadline=None)
@given(seed=st.integers(0, 2**32), where=st.integers(0, 50), junk=JUNK, drop=st.booleans())
def test_broken_cases_are_refused_with_a_field(seed, where, junk, drop):
    case = random_case(random.Random(seed), "c")
    targets = [(case, key) for key in list(case)]
    for event in case["events"]:
        targets += [(event, key) for key in list(event)]
    holder, key = targets[where % len(targets)]
    if drop:
        del holder[key]
    else:
        holder[key] = junk

    try:
        evaluate_line(json.dumps(case), 7, terms_for)
    except InvalidEvent as exc:
        assert exc.line == 7
        assert exc.field
        assert str(exc).startswith("line 7: ")
