"""Search: what a text finds (subjects, descriptions, the conversation; English and Ukrainian
words, parts of words, ticket numbers), and who finds what (a contact: their organisation's
tickets and the public conversation only; staff: everything, internal notes included)."""

import pytest

from search.selectors import search_q
from tests import factories
from tickets.models import MessageKind, TicketStatus
from tickets.selectors.access import tickets_visible_to


def found(user, text) -> set[int]:
    tickets = tickets_visible_to(user).filter(search_q(text, user=user))
    return set(tickets.values_list("pk", flat=True))


@pytest.fixture
def ours(contract, contact):
    """Our organisation's ticket: a subject, a description and each kind of message."""
    ticket = factories.TicketFactory(
        contract=contract,
        reporter=contact.user,
        subject="Autodialer stops",
        description="The campaign halts after 500 calls on trunk SIP-7.",
    )
    factories.MessageFactory(ticket=ticket, body="Вхідні дзвінки обриваються після оновлення")
    factories.MessageFactory(
        ticket=ticket,
        kind=MessageKind.PUBLIC_REPLY,
        author=factories.EngineerFactory(),
        body="Please send the recording of a dropped call.",
    )
    factories.MessageFactory(
        ticket=ticket,
        kind=MessageKind.INTERNAL_NOTE,
        author=factories.EngineerFactory(),
        body="Suspect the codec negotiation; escalate to Mykola.",
    )
    return ticket


@pytest.fixture
def theirs(pro_contract, other_contact):
    """Another organisation's ticket that every word of ``ours`` would also find."""
    ticket = factories.TicketFactory(
        contract=pro_contract,
        reporter=other_contact.user,
        subject="Autodialer stops too",
        description="Campaign halts after 500 calls on trunk SIP-7.",
    )
    factories.MessageFactory(ticket=ticket, body="Вхідні дзвінки обриваються")
    factories.MessageFactory(
        ticket=ticket,
        kind=MessageKind.INTERNAL_NOTE,
        author=factories.EngineerFactory(),
        body="Codec negotiation again; escalate to Mykola.",
    )
    return ticket


@pytest.mark.parametrize(
    "text",
    [
        "autodialer",  # a word of the subject, in another case
        "campaign halts",  # words of the description
        "recording",  # a support reply
        "дзвінки",  # a Ukrainian word of a customer comment
        "ДЗВІНКИ обриваються",  # Ukrainian, upper case, two words
        "обрив",  # part of a Ukrainian word
        "dial",  # part of an English word
        "SIP-7",  # punctuation inside
        "500",  # a number inside the text
    ],
)
def test_a_contact_finds_their_tickets_by_any_public_text(ours, theirs, contact, text):
    assert found(contact.user, text) == {ours.pk}


def test_english_words_are_stemmed(ours, contact, engineer):
    # "dropped call" is in a reply: other forms of the words find it where stemming runs
    # (PostgreSQL); on SQLite the parts of words do
    assert ours.pk in found(contact.user, "call")
    assert ours.pk in found(engineer, "calls")


@pytest.mark.parametrize("text", ["codec", "negotiation", "Mykola", "escal", "ykol"])
def test_internal_notes_are_found_by_staff_only(
    ours, theirs, contact, other_contact, engineer, manager, text
):
    assert found(contact.user, text) == set()
    assert found(other_contact.user, text) == set()
    assert found(engineer, text) == {ours.pk, theirs.pk}
    assert found(manager, text) == {ours.pk, theirs.pk}


@pytest.mark.parametrize("prefix", ["#", ""])
def test_a_ticket_number_finds_that_ticket_for_who_may_see_it(
    ours, theirs, contact, engineer, prefix
):
    assert found(contact.user, f"{prefix}{ours.pk}") == {ours.pk}
    assert found(contact.user, f"{prefix}{theirs.pk}") == set()
    assert found(engineer, f"{prefix}{theirs.pk}") == {theirs.pk}


@pytest.mark.parametrize(
    "status", [TicketStatus.RESOLVED, TicketStatus.CLOSED, TicketStatus.WAITING]
)
def test_ended_tickets_are_found(ours, contact, engineer, status):
    type(ours).objects.filter(pk=ours.pk).update(status=status)
    assert found(contact.user, "дзвінки") == {ours.pk}
    assert found(engineer, "autodialer") == {ours.pk}


def test_edits_and_deletions_are_followed(ours, contact):
    message = ours.messages.get(kind=MessageKind.CUSTOMER_COMMENT)
    message.body = "Outbound only now"
    message.save()
    ours.subject = "Predictive mode"
    ours.save()
    assert found(contact.user, "дзвінки") == set()
    assert found(contact.user, "autodialer") == set()
    assert found(contact.user, "outbound") == {ours.pk}
    assert found(contact.user, "predictive") == {ours.pk}
    message.delete()
    assert found(contact.user, "outbound") == set()


@pytest.mark.parametrize(
    "text",
    [
        '"',
        "'",
        "%",
        "_",
        "\\",
        "q",
        "\x00",
        "zz\x00zz",
        "qz",
        "NEAR(",
        "* OR",
        'x" OR "y',
        ":",
        "~",
        "#",
        "#x",
        "&|!",
        "(((",
        "é" * 300,
    ],
)
def test_any_input_is_a_search_never_an_error(ours, contact, engineer, text):
    assert ours.pk not in found(contact.user, text)
    found(engineer, text)


def test_wildcards_are_literal(ours, contact):
    assert found(contact.user, "50%") == set()
    assert found(contact.user, "SIP_7") == set()


def test_a_short_word_is_still_found(ours, contact):
    factories.MessageFactory(ticket=ours, body="DB is down")
    assert found(contact.user, "db") == {ours.pk}


def test_a_selection_that_can_match_nothing_adds_nothing(ours, theirs):
    """``customer__in=[]`` has no SQL in Django: the text alone decides (no error)."""
    from django.db.models import Q

    from search.selectors import either_q, text_q
    from tickets.models import Ticket

    with_nothing = Ticket.objects.filter(text_q("autodialer", internal=False, also=Q(pk__in=[])))
    assert set(with_nothing.values_list("pk", flat=True)) == {ours.pk, theirs.pk}
    only_ours = either_q(
        Ticket.objects.filter(pk__in=[]).values("pk"),
        Ticket.objects.filter(pk=ours.pk).values("pk"),
    )
    assert set(Ticket.objects.filter(only_ours).values_list("pk", flat=True)) == {ours.pk}
    assert not Ticket.objects.filter(either_q(Ticket.objects.none().values("pk"))).exists()
