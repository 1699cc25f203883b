"""Who among the staff hears what, at once: events per person, e-mail per their preferences."""

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse

from oncall.models import EventKind, NotificationPreference, StaffEvent
from oncall.services.notify import ticket_event_notify
from oncall.services.preferences import preferences_save
from packages.models import Component
from sla.models import TicketType
from sla.services import sla_check
from tests.oncall.conftest import staff_mail
from tests.tickets.jobs.digests import digests
from tickets.events import TICKET_CREATED
from tickets.models import Channel, MessageKind, RootCause
from tickets.services.conversation import message_add
from tickets.services.ending import ticket_reopen, ticket_resolve
from tickets.services.filing import QuotaChoice
from tickets.services.workflow import ticket_assign

pytestmark = pytest.mark.django_db
H = dt.timedelta(hours=1)


def told(kind, ticket=None):
    rows = StaffEvent.objects.filter(kind=kind)
    if ticket is not None:
        rows = rows.filter(ticket=ticket)
    return sorted(rows.values_list("recipient__username", flat=True))


def test_a_new_p1_reaches_the_on_duty_engineer_and_the_managers_at_once(
    people, only_on_duty, file
):
    only_on_duty(people["iryna"])
    ticket = file(priority=1)

    assert told(EventKind.NEW_P1, ticket) == ["iryna@vendor.test", "oksana@vendor.test"]
    (mail,) = staff_mail(ticket)
    assert mail.recipients == ["iryna@vendor.test", "oksana@vendor.test"]
    assert mail.subject == f"[#{ticket.pk}] New priority 1 incident: Calls drop"
    assert f"/queue/{ticket.pk}/" in mail.body
    assert mail.auto_submitted


def test_without_a_rota_every_active_engineer_hears_of_a_new_ticket_but_not_managers(
    people, file
):
    ticket = file(priority=3)

    assert told(EventKind.NEW_TICKET, ticket) == ["iryna@vendor.test", "taras@vendor.test"]
    (mail,) = staff_mail(ticket)
    assert mail.recipients == ["iryna@vendor.test", "taras@vendor.test"]  # never the inactive


def test_the_weekly_pattern_decides_who_is_on_duty(people, weekly, file, office_hours):
    local = office_hours.astimezone(dt.timezone(dt.timedelta(hours=3)))
    weekly(people["taras"], local.weekday(), dt.time(9), dt.time(18))
    weekly(people["iryna"], local.weekday(), dt.time(18), dt.time(9))  # the night after

    day = file(at=office_hours)  # 11:30 UTC+03:00
    night = file(at=office_hours + dt.timedelta(hours=11, minutes=30))  # 23:00 UTC+03:00

    assert told(EventKind.NEW_TICKET, day) == ["taras@vendor.test"]
    assert told(EventKind.NEW_TICKET, night) == ["iryna@vendor.test"]


def test_a_deferred_request_is_told_when_it_opens_not_when_it_is_kept(
    people, file, contract, now
):
    from tickets.services.filing import ticket_open_deferred

    contract.package.monthly_request_quota = 0
    contract.package.save()
    ticket = file(ticket_type=TicketType.SERVICE_REQUEST, quota_choice=QuotaChoice.DEFER)
    assert StaffEvent.objects.filter(ticket=ticket).count() == 0

    contract.package.monthly_request_quota = 30
    contract.package.save()
    assert ticket_open_deferred(ticket=ticket, now=now + H)
    assert told(EventKind.NEW_TICKET, ticket) == ["iryna@vendor.test", "taras@vendor.test"]


def test_a_customer_reply_goes_to_the_assignee_and_unassigned_to_the_on_duty(
    people, only_on_duty, file, contact, now
):
    only_on_duty(people["taras"])
    ticket = file()
    message_add(ticket=ticket, author=contact.user, kind=MessageKind.CUSTOMER_COMMENT,
                body="Still broken.", now=now + H)
    assert told(EventKind.CUSTOMER_REPLY) == ["taras@vendor.test"]

    ticket_assign(ticket=ticket, engineer=people["iryna"], by=people["oksana"], now=now + 2 * H)
    message_add(ticket=ticket, author=contact.user, kind=MessageKind.CUSTOMER_COMMENT,
                body="Any news?", now=now + 3 * H)
    assert told(EventKind.CUSTOMER_REPLY) == ["iryna@vendor.test", "taras@vendor.test"]
    latest = StaffEvent.objects.filter(kind=EventKind.CUSTOMER_REPLY).first()
    assert (latest.recipient, latest.detail) == (people["iryna"], "Any news?")


def test_staff_replies_and_notes_tell_nobody(people, file, now):
    ticket = file()
    before = StaffEvent.objects.count()
    message_add(ticket=ticket, author=people["iryna"], kind=MessageKind.INTERNAL_NOTE,
                body="Checking logs.", now=now + H)
    message_add(ticket=ticket, author=people["iryna"], kind=MessageKind.PUBLIC_REPLY,
                body="Looking into it.", now=now + H)
    assert StaffEvent.objects.count() == before


def test_an_assignment_tells_the_new_assignee_but_taking_it_yourself_does_not(
    people, file, now
):
    ticket = file()
    ticket_assign(ticket=ticket, engineer=people["iryna"], by=people["oksana"], now=now + H)
    assert told(EventKind.ASSIGNED) == ["iryna@vendor.test"]
    ticket_assign(ticket=ticket, engineer=people["taras"], by=people["taras"], now=now + 2 * H)
    assert told(EventKind.ASSIGNED) == ["iryna@vendor.test"]


def test_a_reopen_tells_the_assignee(people, file, contact, now):
    ticket = file()
    ticket_assign(ticket=ticket, engineer=people["iryna"], by=people["oksana"], now=now + H)
    ticket_resolve(ticket=ticket, by=people["iryna"], root_cause=RootCause.PRODUCT_DEFECT,
                   time_spent=H, message="Fixed.", now=now + 2 * H)
    ticket_reopen(ticket=ticket, by=contact.user, now=now + 3 * H)
    assert told(EventKind.REOPENED) == ["iryna@vendor.test"]


def test_a_phone_ticket_does_not_tell_the_engineer_who_registered_it(people, file):
    ticket = file(priority=1, channel=Channel.PHONE, registered_by=people["iryna"])
    assert told(EventKind.NEW_P1, ticket) == ["oksana@vendor.test", "taras@vendor.test"]


def test_preferences_turn_off_mail_but_never_for_p1_and_breaches(people, only_on_duty, file):
    iryna = people["iryna"]
    saved = preferences_save(
        user=iryna, email={k: False for k in EventKind.values}
    )
    assert saved[EventKind.NEW_P1] and saved[EventKind.BREACHED]
    assert not saved[EventKind.NEW_TICKET] and not saved[EventKind.AT_RISK]
    only_on_duty(iryna)

    quiet = file(priority=3)
    loud = file(priority=1)

    assert told(EventKind.NEW_TICKET, quiet) == ["iryna@vendor.test"]  # still in the list
    assert staff_mail(quiet) == []
    assert staff_mail(loud)[0].recipients == ["iryna@vendor.test", "oksana@vendor.test"]


def test_a_mandatory_kind_cannot_be_stored_off(people):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError), transaction.atomic():
        NotificationPreference.objects.create(
            user=people["iryna"], kind=EventKind.BREACHED, email=False
        )


def test_the_same_event_told_twice_is_recorded_and_mailed_once(people, file, now):
    ticket = file()
    events, mails = StaffEvent.objects.count(), len(staff_mail())
    ticket_event_notify(event=TICKET_CREATED, ticket=ticket, now=now)  # a retry
    assert (StaffEvent.objects.count(), len(staff_mail())) == (events, mails)


def test_sla_alerts_follow_the_rota_and_the_at_risk_preference(
    people, only_on_duty, file, office_hours
):
    now = office_hours
    taras = people["taras"]
    only_on_duty(taras)
    preferences_save(user=taras, email={EventKind.AT_RISK: False})
    ticket = file(priority=1, at=now)  # Advanced P1: reaction due in 1 h, at risk after 48 min

    sla_check(now=now + 50 * dt.timedelta(minutes=1))
    assert told(EventKind.AT_RISK, ticket) == ["oksana@vendor.test", "taras@vendor.test"]
    assert sorted(r for m in digests() for r in m.recipients) == ["oksana@vendor.test"]

    sla_check(now=now + 61 * dt.timedelta(minutes=1))
    sla_check(now=now + 62 * dt.timedelta(minutes=1))  # a rerun tells nothing twice
    assert told(EventKind.BREACHED, ticket) == ["oksana@vendor.test", "taras@vendor.test"]
    breach_mail = [m for m in digests() if "breached" in m.subject]
    assert sorted(r for m in breach_mail for r in m.recipients) == [
        "oksana@vendor.test", "taras@vendor.test"
    ]


def test_an_assigned_ticket_alerts_its_assignee_not_the_rota(
    people, only_on_duty, file, office_hours
):
    now = office_hours
    only_on_duty(people["taras"])
    ticket = file(priority=1, at=now)
    ticket_assign(ticket=ticket, engineer=people["iryna"], by=people["oksana"], now=now)
    sla_check(now=now + 61 * dt.timedelta(minutes=1))
    assert told(EventKind.BREACHED, ticket) == ["iryna@vendor.test", "oksana@vendor.test"]


def test_a_pro_p1_filed_on_the_portal_is_in_the_on_duty_mailbox_when_the_page_returns(
    other_contact, people, only_on_duty, django_capture_on_commit_callbacks
):
    """The mail goes by the after-commit task, not by the minute's flush."""
    from django.core import mail
    from django.test import Client

    only_on_duty(people["taras"])
    client = Client()
    client.force_login(other_contact.user)
    component = Component.objects.get(code="inbound-calls")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("tickets:file"), {
            "ticket_type": "incident", "priority": 1, "component": component.pk,
            "subject": "Every inbound call fails", "description": "SIP 503.",
        })
    assert response.status_code == 302
    staff = [m for m in mail.outbox if "taras@vendor.test" in m.to]
    assert len(staff) == 1
    assert staff[0].subject.endswith("New priority 1 incident: Every inbound call fails")
    assert sorted(staff[0].to) == ["oksana@vendor.test", "taras@vendor.test"]
    assert staff[0].extra_headers["Auto-Submitted"] == "auto-generated"
