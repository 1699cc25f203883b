"""The customer's new words, without the history their client quoted."""

import pytest

from mailin.quoting import strip_quoted


@pytest.mark.parametrize(
    "history",
    [
        "On Mon, 11 May 2026 at 09:05, Support <support@portal.test> wrote:\n> old text",
        "On Mon, 11 May 2026 at 09:05, Support <\nsupport@portal.test> wrote:\n> old text",
        "пн, 11 трав. 2026 р. о 09:05 Support <support@portal.test> пише:\n> old text",
        "Am 11.05.2026 um 09:05 schrieb Support <support@portal.test>:\n> old text",
        "-----Original Message-----\nFrom: Support\nSent: Monday\nold text",
        "________________________________\nFrom: Support <support@portal.test>\nold text",
        "From: Support <support@portal.test>\nSent: Monday, May 11, 2026 9:05\nold text",
    ],
)
def test_history_is_cut(history):
    assert strip_quoted(f"It works now.\nThanks!\n\n{history}\n") == "It works now.\nThanks!"


def test_interleaved_quotes_are_dropped_and_answers_kept():
    text = "> Does it work?\nYes.\n> And the report?\nStill slow.\n"
    assert strip_quoted(text) == "Yes.\nStill slow."


def test_a_signature_is_dropped():
    assert strip_quoted("Fixed.\n-- \nAlice, Acme\n+380 44 000 0000") == "Fixed."


def test_nothing_but_quotes_keeps_the_whole_text():
    assert strip_quoted("> only a quote") == "> only a quote"


def test_an_ordinary_sentence_starting_with_on_is_kept():
    text = "On Monday the system crashed\nand nobody wrote\nto us about it."
    assert strip_quoted(text) == text
