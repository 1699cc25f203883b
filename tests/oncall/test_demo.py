"""seed_demo's small rota: someone on every day of the week, never overwriting a manager's."""

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from oncall.demo import demo_history_events_read
from oncall.models import RotaShift, StaffEvent
from oncall.selectors import on_duty_ids

pytestmark = pytest.mark.django_db
UTC3 = dt.timezone(dt.timedelta(hours=3))


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", force=True, no_history=True, stdout=out)
    return out.getvalue()


def test_the_demo_rota_covers_every_day_and_is_written_once():
    assert "Demo rota: 7 weekly shifts." in seed()
    assert sorted(RotaShift.objects.values_list("weekday", flat=True)) == list(range(7))
    users = get_user_model().objects
    saturday_noon = dt.datetime(2026, 11, 21, 12, tzinfo=UTC3)
    assert on_duty_ids(saturday_noon) == {users.get(username="taras@vendor.example").pk}
    RotaShift.objects.filter(weekday=0).delete()  # a manager's edit
    assert "Demo rota" not in seed()
    assert RotaShift.objects.count() == 6


def test_history_events_older_than_a_day_count_as_read(engineer, now):
    old = StaffEvent.objects.create(recipient=engineer, kind="new_ticket", key="a",
                                    created_at=now - dt.timedelta(days=3))
    new = StaffEvent.objects.create(recipient=engineer, kind="new_ticket", key="b",
                                    created_at=now - dt.timedelta(hours=3))
    assert demo_history_events_read(now=now) == 1
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.read_at == old.created_at and new.read_at is None
