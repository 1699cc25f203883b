"""Clock rules, one test per rule, and every kind of invalid event naming its field."""

from datetime import datetime, timedelta, timezone

import pytest

from sla.calendar import INCIDENT_HOURS, BusinessCalendar
from sla.clock import Event, InvalidEvent, evaluate
from sla.terms import Target, Terms, default_terms

MSK = timezone(timedelta(hours=3))
H = timedelta(hours=1)
ADV, PRO = default_terms("advanced"), default_terms("pro")


def t(day, h, mi=0):
    """An instant in November 2026 (Wednesday the 25th), UTC+03:00."""
    return datetime(2026, 11, day, h, mi, tzinfo=MSK)


def ev(day, h, mi, kind, **kw):
    return Event(t(day, h, mi), kind, **kw)


def run(terms=ADV, type="incident", priority=3, opened=None, events=(), as_of=None):
    return evaluate(
        terms,
        type=type,
        priority=priority,
        opened_at=opened or t(25, 10),
        events=events,
        as_of=as_of,
    )


class TestReaction:
    def test_reply_at_exactly_the_due_is_met(self):
        s = run(priority=1, events=[ev(25, 11, 0, "first_response")])
        assert (s.reaction_due, s.reaction_met, s.reaction_breached_at) == (t(25, 11), True, None)

    def test_late_reply_is_breached_at_the_due(self):
        s = run(priority=1, events=[ev(25, 11, 1, "first_response")])
        assert (s.reaction_met, s.reaction_breached_at) == (False, t(25, 11))
        assert s.first_response_at == t(25, 11, 1)

    def test_priority_change_before_reply_recomputes_from_opening(self):
        s = run(priority=3, events=[ev(25, 10, 30, "priority", priority=2)])
        assert s.reaction_due == t(25, 12)

    def test_due_frozen_after_reply(self):
        s = run(
            priority=3,
            events=[ev(25, 10, 30, "first_response"), ev(25, 10, 40, "priority", priority=1)],
        )
        assert (s.reaction_due, s.reaction_met) == (t(25, 14), True)

    def test_raise_past_the_new_due_breaches_at_once(self):
        s = run(priority=3, events=[ev(25, 11, 30, "priority", priority=1)])
        assert (s.reaction_due, s.reaction_breached_at, s.reaction_met) == (
            t(25, 11),
            t(25, 11),
            None,
        )

    def test_second_reply_is_ignored(self):
        s = run(
            priority=1, events=[ev(25, 10, 30, "first_response"), ev(25, 12, 0, "first_response")]
        )
        assert (s.first_response_at, s.reaction_met) == (t(25, 10, 30), True)

    def test_as_of_records_unmet_breach_strictly_after_due(self):
        assert run(priority=1, as_of=t(25, 11)).reaction_breached_at is None
        assert run(priority=1, as_of=t(25, 11, 1)).reaction_breached_at == t(25, 11)

    def test_reaction_at_risk_at_eighty_percent(self):
        assert run(priority=3).reaction_at_risk_at == t(25, 13, 12)  # 80 % of 4 h
        assert run(priority=3, events=[ev(25, 10, 5, "first_response")]).reaction_at_risk_at is None


class TestResolutionClock:
    def test_pause_stops_and_hides_the_due(self):
        s = run(events=[ev(25, 12, 0, "pause")], as_of=t(27, 12))
        assert (s.paused, s.resolution_due, s.resolution_at_risk_at) == (True, None, None)
        assert s.resolution_elapsed == 2 * H and s.resolution_breached_at is None

    def test_resume_continues_with_what_is_left(self):
        s = run(events=[ev(25, 12, 0, "pause"), ev(26, 11, 0, "resume")])
        assert s.resolution_due == t(26, 17)
        assert s.resolution_at_risk_at == t(26, 15, 24)  # 6.4 h consumed: 2 h + 4.4 h after 11:00

    def test_elapsed_counts_business_time_to_as_of(self):
        assert run(as_of=t(26, 10)).resolution_elapsed == 9 * H

    def test_resolve_while_paused_ends_the_pause(self):
        s = run(events=[ev(25, 12, 0, "pause"), ev(27, 12, 0, "resolve")])
        assert (s.resolution_due, s.resolution_met, s.paused, s.resolved) == (
            t(27, 18),
            True,
            False,
            True,
        )

    def test_reopen_resumes_the_same_clock_and_clears_met(self):
        s = run(events=[ev(25, 13, 0, "resolve"), ev(26, 10, 0, "reopen")])
        assert (s.resolution_due, s.resolution_met, s.resolved) == (t(26, 15), None, False)
        assert s.clock_started_at == t(25, 10)

    def test_reopen_with_nothing_left_is_breached_at_the_old_due(self):
        s = run(priority=1, events=[ev(25, 12, 0, "resolve"), ev(26, 10, 0, "reopen")])
        assert (s.resolution_due, s.resolution_breached_at) == (t(25, 12), t(25, 12))

    def test_resolve_exactly_at_due_is_met(self):
        s = run(priority=1, events=[ev(25, 12, 0, "resolve")], as_of=t(30, 10))
        assert (s.resolution_met, s.resolution_breached_at) == (True, None)


class TestWorkaround:
    def test_lowering_p1_starts_a_new_clock(self):
        s = run(priority=1, events=[ev(25, 11, 30, "priority", priority=3, workaround=True)])
        assert (s.clock_started_at, s.resolution_due, s.resolution_target) == (
            t(25, 11, 30),
            t(26, 10, 30),
            8 * H,
        )

    def test_late_workaround_breaches_the_closed_clock(self):
        s = run(
            priority=1,
            events=[
                ev(25, 12, 30, "priority", priority=2, workaround=True),
                ev(25, 13, 0, "resolve"),
            ],
        )
        assert (s.resolution_breached_at, s.resolution_met, s.resolution_due) == (
            t(25, 12),
            False,
            t(25, 16, 30),
        )

    @pytest.mark.parametrize(
        ("old", "new", "due"), [(2, 1, t(25, 12)), (2, 2, t(25, 14)), (3, 2, t(25, 14))]
    )
    def test_workaround_on_raise_or_same_is_ordinary(self, old, new, due):
        s = run(priority=old, events=[ev(25, 11, 0, "priority", priority=new, workaround=True)])
        assert (s.clock_started_at, s.resolution_due) == (t(25, 10), due)

    def test_workaround_while_paused_starts_paused(self):
        s = run(
            priority=1,
            events=[
                ev(25, 11, 0, "pause"),
                ev(25, 11, 30, "priority", priority=3, workaround=True),
            ],
            as_of=t(26, 12),
        )
        assert (s.paused, s.resolution_due, s.resolution_elapsed, s.clock_started_at) == (
            True,
            None,
            timedelta(0),
            t(25, 11, 30),
        )

    def test_ordinary_downgrade_keeps_clock_start(self):
        s = run(priority=1, events=[ev(25, 11, 0, "priority", priority=3)])
        assert (s.clock_started_at, s.resolution_due) == (t(25, 10), t(25, 18))


class TestReclassify:
    def test_incident_to_request_remeasures_on_new_calendar(self):
        s = run(opened=t(27, 17), events=[ev(28, 10, 0, "reclassify", type="service_request")])
        assert (s.type, s.priority, s.reaction_due, s.resolution_due) == (
            "service_request",
            None,
            t(30, 11),
            datetime(2026, 12, 3, 13, tzinfo=MSK),
        )

    def test_after_reply_reaction_stays_but_resolution_moves_calendar(self):
        s = run(
            opened=t(27, 17),
            events=[
                ev(27, 17, 10, "first_response"),
                ev(28, 10, 0, "reclassify", type="service_request"),
            ],
        )
        assert (s.reaction_due, s.reaction_met) == (t(28, 12), True)
        assert s.resolution_due == datetime(2026, 12, 3, 13, tzinfo=MSK)

    def test_request_to_incident_takes_the_priority(self):
        s = run(
            PRO,
            type="service_request",
            priority=None,
            events=[ev(25, 10, 15, "reclassify", type="incident", priority=2)],
        )
        assert (s.priority, s.reaction_due, s.resolution_due) == (2, t(25, 11), t(25, 14))


class TestExtension:
    def test_extension_is_the_larger_target(self):
        s = run(priority=2, events=[ev(25, 12, 0, "extend")])
        assert (s.extended, s.resolution_target, s.resolution_due) == (True, 20 * H, t(27, 12))

    def test_extension_never_shortens(self):
        cal = BusinessCalendar.for_spec(INCIDENT_HOURS)
        terms = Terms(
            targets={("incident", 3): Target(H, 30 * H, cal)}, extension={"incident": 20 * H}
        )
        assert run(terms, events=[ev(25, 12, 0, "extend")]).resolution_target == 30 * H
        own = Terms(
            targets={("incident", 3): Target(H, 8 * H, cal, extended_resolution=12 * H)},
            extension={"incident": 20 * H},
        )
        assert run(own, events=[ev(25, 12, 0, "extend")]).resolution_target == 12 * H

    def test_extension_holds_after_workaround_and_reclassify_and_twice_is_noop(self):
        s = run(
            priority=1,
            events=[
                ev(25, 10, 30, "extend"),
                ev(25, 10, 40, "extend"),
                ev(25, 11, 0, "priority", priority=3, workaround=True),
            ],
        )
        assert s.resolution_target == 20 * H and s.clock_started_at == t(25, 11)
        s = run(
            priority=1,
            events=[ev(25, 10, 30, "extend"), ev(25, 11, 0, "reclassify", type="change")],
        )
        assert s.resolution_target == 100 * H

    def test_extension_after_breach_does_not_undo_it(self):
        s = run(priority=2, events=[ev(25, 15, 0, "extend"), ev(25, 16, 0, "resolve")])
        assert (s.resolution_met, s.resolution_breached_at) == (False, t(25, 14))


class TestBreachesStick:
    def test_raise_three_hours_in_is_already_breached(self):
        s = run(priority=3, events=[ev(25, 13, 0, "priority", priority=1)])
        assert (s.resolution_due, s.resolution_breached_at) == (t(25, 12), t(25, 12))

    def test_downgrade_after_breach_keeps_it(self):
        s = run(
            priority=1, events=[ev(25, 12, 30, "priority", priority=3), ev(25, 13, 0, "resolve")]
        )
        assert (s.resolution_due, s.resolution_met, s.resolution_breached_at) == (
            t(25, 18),
            False,
            t(25, 12),
        )

    def test_raise_while_paused_breaches_on_resume(self):
        s = run(priority=3, events=[ev(25, 14, 0, "pause"), ev(25, 15, 0, "priority", priority=1)])
        assert (s.resolution_due, s.resolution_breached_at) == (None, None)
        s = run(
            priority=3,
            events=[
                ev(25, 14, 0, "pause"),
                ev(25, 15, 0, "priority", priority=1),
                ev(26, 9, 0, "resume"),
            ],
        )
        assert (s.resolution_due, s.resolution_breached_at) == (t(25, 12), t(25, 12))

    def test_raise_while_paused_then_resolve_is_late(self):
        s = run(
            priority=3,
            events=[
                ev(25, 14, 0, "pause"),
                ev(25, 15, 0, "priority", priority=1),
                ev(25, 16, 0, "resolve"),
            ],
        )
        assert (s.resolution_met, s.resolution_breached_at) == (False, t(25, 12))

    def test_as_of_trailing_the_last_event_adds_nothing(self):
        s = run(priority=1, events=[ev(25, 11, 0, "pause")], as_of=t(25, 10, 59))
        assert (s.resolution_elapsed, s.resolution_breached_at) == (H, None)

    def test_as_of_breaches_running_clock_only(self):
        assert run(priority=1, as_of=t(25, 12, 1)).resolution_breached_at == t(25, 12)
        assert (
            run(priority=1, events=[ev(25, 11, 0, "pause")], as_of=t(28, 12)).resolution_breached_at
            is None
        )


def invalid(**kw) -> InvalidEvent:
    with pytest.raises(InvalidEvent) as info:
        run(**kw)
    return info.value


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"type": "bug"}, "type"),
        ({"priority": None}, "priority"),
        ({"priority": 4}, "priority"),
        ({"priority": True}, "priority"),
        ({"type": "change", "priority": 2}, "priority"),
        ({"opened": datetime(2026, 11, 25, 10)}, "opened_at"),
        ({"events": [ev(25, 9, 0, "first_response")]}, "events[0].at"),
        ({"events": [ev(25, 12, 0, "pause"), ev(25, 11, 0, "resume")]}, "events[1].at"),
        ({"events": [Event(datetime(2026, 11, 25, 12), "pause")]}, "events[0].at"),
        ({"events": [ev(25, 12, 0, "escalate")]}, "events[0].kind"),
        ({"events": [ev(25, 12, 0, "pause"), ev(25, 13, 0, "pause")]}, "events[1].kind"),
        ({"events": [ev(25, 12, 0, "resume")]}, "events[0].kind"),
        ({"events": [ev(25, 12, 0, "resolve"), ev(25, 13, 0, "first_response")]}, "events[1].kind"),
        ({"events": [ev(25, 12, 0, "resolve"), ev(25, 13, 0, "extend")]}, "events[1].kind"),
        ({"events": [ev(25, 12, 0, "resolve"), ev(25, 13, 0, "resolve")]}, "events[1].kind"),
        ({"events": [ev(25, 12, 0, "reopen")]}, "events[0].kind"),
        (
            {
                "type": "service_request",
                "priority": None,
                "events": [ev(25, 12, 0, "priority", priority=1)],
            },
            "events[0].kind",
        ),
        ({"events": [ev(25, 12, 0, "priority")]}, "events[0].priority"),
        ({"events": [ev(25, 12, 0, "priority", priority=0)]}, "events[0].priority"),
        ({"events": [ev(25, 12, 0, "reclassify", type="incident")]}, "events[0].priority"),
        (
            {"events": [ev(25, 12, 0, "reclassify", type="change", priority=2)]},
            "events[0].priority",
        ),
        ({"events": [ev(25, 12, 0, "reclassify", type="bug")]}, "events[0].type"),
        ({"events": [ev(25, 12, 0, "reclassify")]}, "events[0].type"),
        ({"as_of": datetime(2026, 11, 25, 11)}, "as_of"),
    ],
)
def test_invalid_input_names_the_field(kw, field):
    error = invalid(**kw)
    assert error.field == field
    assert error.index == (
        int(field[7 : field.index("]")]) if field.startswith("events[") else None
    )
    assert field in str(error)


def test_terms_lookups_fail_with_a_message():
    with pytest.raises(ValueError, match="unknown package 'gold'"):
        default_terms("gold")
    with pytest.raises(ValueError, match="no SLA target for incident priority 7"):
        ADV.target("incident", 7)
    assert ADV.target("change", None).resolution == 80 * H
    assert PRO.target("incident", 1).reaction == H / 2
