"""The engine's ``withdraw``: the ticket ends unresolved (SPEC, "Ending a ticket").

Its clocks stop: nothing breaches afterwards, a breach that already happened stays (as not met),
a met reaction stays met, and anything still unmet is neither met nor breached (None).
"""

import json
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sla.clock import Event, InvalidEvent, evaluate
from sla.jsonl import evaluate_line
from sla.terms import default_terms

MSK = timezone(timedelta(hours=3))
H, MIN = timedelta(hours=1), timedelta(minutes=1)
ADV = default_terms("advanced")
OPENED = datetime(2026, 11, 25, 10, tzinfo=MSK)  # a Wednesday, inside incident hours
LATER = OPENED + 30 * 24 * H


def run(events, *, priority=1, as_of=LATER, type="incident"):
    return evaluate(
        ADV,
        type=type,
        priority=priority if type == "incident" else None,
        opened_at=OPENED,
        events=events,
        as_of=as_of,
    )


def at(minutes, kind, **kw):
    return Event(OPENED + minutes * MIN, kind, **kw)


def test_withdrawn_before_any_due_is_neither_met_nor_breached_however_late():
    # Given a P1 (reaction due 11:00, resolution 12:00) withdrawn at 10:20
    state = run([at(20, "withdraw")])
    # Then a month later nothing breached and nothing is met
    assert state.withdrawn and not state.resolved and not state.paused
    assert (state.reaction_met, state.reaction_breached_at) == (None, None)
    assert (state.resolution_met, state.resolution_breached_at) == (None, None)
    assert state.reaction_at_risk_at is None and state.resolution_at_risk_at is None
    # the due times stay as they were when it ended, for the record
    assert state.reaction_due == OPENED + H and state.resolution_due == OPENED + 2 * H
    assert state.resolution_elapsed == 20 * MIN


def test_a_breach_before_withdrawal_stays_as_not_met():
    state = run([at(70, "withdraw")])  # reaction was due at 11:00
    assert (state.reaction_met, state.reaction_breached_at) == (False, OPENED + H)
    assert (state.resolution_met, state.resolution_breached_at) == (None, None)


def test_a_met_reaction_stays_met_and_a_resolution_breach_stays():
    state = run([at(10, "first_response"), at(150, "withdraw")])
    assert state.reaction_met is True
    assert (state.resolution_met, state.resolution_breached_at) == (False, OPENED + 2 * H)


def test_withdrawn_while_paused_has_no_due_and_never_breaches():
    state = run([at(10, "first_response"), at(20, "pause"), at(30, "withdraw")])
    assert state.resolution_due is None and not state.paused
    assert (state.resolution_met, state.resolution_breached_at) == (None, None)
    assert state.resolution_elapsed == 20 * MIN


@pytest.mark.parametrize(
    "kind", ["withdraw", "reopen", "first_response", "pause", "resume", "extend", "resolve"]
)
def test_nothing_follows_a_withdrawal(kind):
    with pytest.raises(InvalidEvent, match="after withdraw") as caught:
        run([at(10, "withdraw"), at(20, kind)])
    assert caught.value.field == "events[1].kind"


def test_a_resolved_ticket_is_not_withdrawn():
    with pytest.raises(InvalidEvent, match="after resolve") as caught:
        run([at(10, "resolve"), at(20, "withdraw")])
    assert caught.value.field == "events[1].kind"


def test_sla_deadlines_accepts_withdraw_as_an_extension():
    line = json.dumps(
        {
            "id": "w1",
            "package": "advanced",
            "type": "incident",
            "priority": 1,
            "opened_at": "2026-11-25T10:00:00+03:00",
            "events": [
                {"at": "2026-11-25T11:10:00+03:00", "kind": "withdraw"},
            ],
        }
    )
    result = evaluate_line(line, 1, default_terms)
    assert result["reaction_met"] is False  # breached at 11:00, before the withdrawal
    assert result["resolution_met"] is None
    assert result["resolution_due"] == "2026-11-25T12:00:00+03:00"


# --- property: withdrawing never turns a breach into met and never creates one ----------------


@st.composite
def histories(draw):
    """A valid event log (minutes after the opening) and a withdrawal instant after it."""
    events, minute, paused, replied = [], 0, False, False
    for _ in range(draw(st.integers(0, 6))):
        minute += draw(st.integers(0, 600))
        choices = ["priority"] + (["resume"] if paused else ["pause"])
        if not replied:
            choices.append("first_response")
        kind = draw(st.sampled_from(choices))
        if kind == "priority":
            events.append(
                at(minute, kind, priority=draw(st.integers(1, 3)), workaround=draw(st.booleans()))
            )
            continue
        paused = {"pause": True, "resume": False}.get(kind, paused)
        replied = replied or kind == "first_response"
        events.append(at(minute, kind))
    withdrawn = minute + draw(st.integers(0, 3000))
    return events, withdrawn, draw(st.integers(0, 30 * 24 * 60))


@given(histories())
def test_withdrawing_freezes_what_was_met_and_breached(history):
    events, withdraw_minute, wait = history
    withdraw_at = OPENED + withdraw_minute * MIN
    before = run(events, priority=3, as_of=withdraw_at)
    after = run(
        [*events, Event(withdraw_at, "withdraw")], priority=3, as_of=withdraw_at + wait * MIN
    )
    # No new breach, however long after the withdrawal; the old ones stay
    assert after.reaction_breached_at == before.reaction_breached_at
    assert after.resolution_breached_at == before.resolution_breached_at
    # A reply's outcome stays; unreplied, a breach is "not met" and the rest is neither
    if before.first_response_at is not None:
        assert after.reaction_met is before.reaction_met
    else:
        assert after.reaction_met is (False if before.reaction_breached_at else None)
    # Withdrawal is never a resolution: only a breach leaves a figure (not met)
    assert after.resolution_met is (False if before.resolution_breached_at else None)
    assert after.withdrawn and after.reaction_at_risk_at is None
