"""Never a ticket, never answered: automatic mail and bounces, one rule per fixture."""

import pytest

from mailin.classify import AUTO_REPLY, BOUNCE, classify, dmarc_failed
from mailin.parsing import parse
from tests.mailin.conftest import eml

OWN = {"support@portal.localhost"}


@pytest.mark.parametrize(
    "name",
    [
        "auto_submitted.eml",
        "x_autoreply.eml",
        "x_autorespond.eml",
        "precedence_auto_reply.eml",
        "x_auto_response_suppress.eml",
        "list_unsubscribe.eml",
    ],
)
def test_automatic_mail(name):
    assert classify(parse(eml(name)), own_addresses=OWN)[0] == AUTO_REPLY


def test_auto_submitted_no_is_a_person():
    assert classify(parse(eml("auto_submitted_no.eml")), own_addresses=OWN) == ("", "")


def test_plain_text_bounce_from_mailer_daemon():
    kind, reason = classify(parse(eml("bounce_plain.eml")), own_addresses=OWN)
    assert kind == BOUNCE and "mailer-daemon" in reason


def test_a_bounce_that_also_says_auto_submitted_is_a_bounce():
    raw = (
        b"From: MAILER-DAEMON@mx.test\nAuto-Submitted: auto-replied\n"
        b"Subject: Mail delivery failed\n\nThe message could not be delivered.\n"
    )
    assert classify(parse(raw), own_addresses=OWN)[0] == BOUNCE


def test_multipart_report_is_a_bounce_whoever_sends_it():
    raw = (
        b"From: someone@x.test\nSubject: hi\nContent-Type: multipart/report; "
        b"report-type=delivery-status; boundary=b\n\n"
        b"--b\nContent-Type: text/plain\n\nx\n--b--\n"
    )
    assert classify(parse(raw), own_addresses=OWN)[0] == BOUNCE


def test_mail_from_the_portal_itself_is_a_loop():
    raw = b"From: support@portal.localhost\nSubject: [#1] hi\n\nx\n"
    assert classify(parse(raw), own_addresses=OWN)[0] == AUTO_REPLY


def test_dmarc_fail_is_noticed():
    assert dmarc_failed(parse(eml("dmarc_fail.eml")))
    assert not dmarc_failed(parse(eml("plain_p1.eml")))


def test_a_vendors_own_vacation_header():
    raw = b"From: a@x.test\nX-Yandex-Autoreply: yes\nSubject: away\n\nx\n"
    assert classify(parse(raw), own_addresses=OWN) == (AUTO_REPLY, "X-Yandex-Autoreply header")
