"""Terms that change under an open ticket apply from the moment of the change (SPEC)."""

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from sla.calendar import to_us
from sla.clock import Event, evaluate
from sla.terms import Terms, TermsTimeline, default_terms

UTC3 = timezone(timedelta(hours=3))
H = timedelta(hours=1)
ADVANCED = default_terms("advanced")
OPENED = datetime(2026, 11, 18, 10, 0, tzinfo=UTC3)  # a Wednesday, incident hours 09-18


def with_p3(terms: Terms, *, reaction: timedelta, resolution: timedelta) -> Terms:
    target = replace(terms.target("incident", 3), reaction=reaction, resolution=resolution)
    return Terms(targets={**terms.targets, ("incident", 3): target}, extension=terms.extension)


def timeline(change: datetime, new: Terms) -> TermsTimeline:
    return TermsTimeline(((None, ADVANCED), (to_us(change), new)))


def p3(terms, *, events=(), as_of=None):
    return evaluate(
        terms, type="incident", priority=3, opened_at=OPENED, events=events, as_of=as_of
    )


def test_a_longer_target_moves_the_due_and_keeps_the_time_counted():
    # P3 resolution 8 h; at 12:00 (2 h counted) the target becomes 12 h
    change = OPENED + 2 * H
    state = p3(
        timeline(change, with_p3(ADVANCED, reaction=4 * H, resolution=12 * H)), as_of=change + H
    )
    assert state.resolution_due == datetime(2026, 11, 19, 13, 0, tzinfo=UTC3)  # 8 h + 4 h
    assert state.resolution_elapsed == 3 * H


def test_a_target_shorter_than_the_time_counted_breaches_at_the_change():
    change = OPENED + 5 * H  # 15:00, 5 h counted of 8
    state = p3(
        timeline(change, with_p3(ADVANCED, reaction=H, resolution=4 * H)),
        as_of=change + timedelta(minutes=1),
    )
    assert state.resolution_breached_at == OPENED + 4 * H
    assert state.reaction_breached_at == OPENED + 4 * H  # the old 4 h target, at 14:00


def test_a_breach_before_a_longer_target_stays():
    change = OPENED + 5 * H  # reaction (4 h) already breached at 14:00
    state = p3(timeline(change, with_p3(ADVANCED, reaction=6 * H, resolution=12 * H)), as_of=change)
    assert state.reaction_breached_at == OPENED + 4 * H
    assert state.reaction_due == OPENED + 6 * H


def test_a_resolved_ticket_keeps_its_figures():
    resolve = Event(at=OPENED + 3 * H, kind="resolve")
    before = p3(ADVANCED, events=[resolve])
    after = p3(
        timeline(OPENED + 4 * H, with_p3(ADVANCED, reaction=H, resolution=H)),
        events=[resolve],
        as_of=OPENED + 5 * H,
    )
    assert (after.resolution_due, after.resolution_met) == (
        before.resolution_due,
        before.resolution_met,
    )


def test_a_reopen_after_the_change_runs_on_the_new_terms():
    events = [
        Event(at=OPENED + H, kind="first_response"),
        Event(at=OPENED + 2 * H, kind="resolve"),
        Event(at=OPENED + 4 * H, kind="reopen"),
    ]
    terms = timeline(OPENED + 3 * H, with_p3(ADVANCED, reaction=4 * H, resolution=10 * H))
    state = p3(terms, events=events, as_of=OPENED + 4 * H)
    # 2 h counted before the resolve; 8 h more from 14:00 on 09-18 hours: 13:00 next day
    assert state.resolution_due == datetime(2026, 11, 19, 13, 0, tzinfo=UTC3)


@given(
    change_minutes=st.integers(1, 60 * 48),
    resolution_hours=st.integers(1, 30),
    look_minutes=st.integers(0, 60 * 72),
)
def test_the_past_is_never_recounted(change_minutes, resolution_hours, look_minutes):
    """Before the change, the state is what it was without the change."""
    change = OPENED + timedelta(minutes=change_minutes)
    new = with_p3(ADVANCED, reaction=4 * H, resolution=resolution_hours * H)
    look = min(change - timedelta(microseconds=1), OPENED + timedelta(minutes=look_minutes))
    assert p3(timeline(change, new), as_of=look) == p3(ADVANCED, as_of=look)
