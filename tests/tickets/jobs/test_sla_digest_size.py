"""A catch-up digest stays small: the first events, the count of the rest, links to the queue."""

import datetime as dt
import re

import pytest
from django.utils import translation

from sla.services import sla_check
from tests.tickets.jobs.digests import digests, events_in
from tickets.services.sla_digests import DIGEST_MAX_EVENTS, AlertTexts

pytestmark = pytest.mark.django_db

H = dt.timedelta(hours=1)
MIN = dt.timedelta(minutes=1)


def test_a_catch_up_digest_lists_the_first_events_and_links_to_the_queue_for_the_rest(
    file_incident, t0, staff, settings
):
    # given more breaching tickets than a digest lists, with the longest subjects there are
    settings.PORTAL_BASE_URL = "https://support.example.test"
    tickets = [file_incident(subject=f"{n:03} " + "x" * 196) for n in range(DIGEST_MAX_EVENTS + 12)]

    # when the check catches up at 11:40: every reaction breached, every resolution at risk
    result = sla_check(now=t0 + 100 * MIN)
    total = 2 * len(tickets)
    assert result.alerts_total == total

    # then each recipient's digest lists the first events, breaches first, and no more
    body = digests().get(recipients=["boss@vendor.test"]).body
    listed = events_in(body)
    assert len(listed) == DIGEST_MAX_EVENTS
    assert {kind for _, _, kind in listed} == {"breach"}
    assert len(body.encode()) < 32 * 1024
    # and says how many it left out, of which kind, and where every one of them is
    rest, breached = total - DIGEST_MAX_EVENTS, len(tickets) - DIGEST_MAX_EVENTS
    assert f"{total} new SLA events since the last check" in body
    assert (
        f"…and {rest} more new events, not listed here ({breached} breached, "
        f"{len(tickets)} at risk)" in body
    )
    links = re.findall(r"https://support\.example\.test/\S+", body)
    assert "https://support.example.test/queue/?breached=on" in links
    assert "https://support.example.test/queue/?at_risk=on" in links
    # the subject still counts them all
    subject = digests().get(recipients=["boss@vendor.test"]).subject
    assert subject == f"SLA: {total} new events ({len(tickets)} breached, {len(tickets)} at risk)"


def test_a_digest_within_the_cap_lists_everything_without_a_footer(file_incident, t0, staff):
    tickets = [file_incident(subject=f"Outage {n}") for n in range(3)]

    sla_check(now=t0 + 100 * MIN)

    body = digests().get(recipients=["boss@vendor.test"]).body
    assert len(events_in(body)) == 2 * len(tickets)
    assert "not listed here" not in body
    assert "/queue/?" not in body


def test_the_footer_reads_in_ukrainian_with_the_right_plural():
    with translation.override("uk"):
        footer = AlertTexts().more(12, 2)

    assert footer.startswith(
        "…і ще 12 нових подій, не наведених тут (порушено: 2, під загрозою: 10)"
    )
    assert "Порушено: http" in footer and "?breached=on" in footer
