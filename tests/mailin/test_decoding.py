"""Headers and bodies in the charsets and encodings real mail uses, and names of files."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailin.classify import classify
from mailin.decoding import bytes_to_text, file_name_text, header_text
from mailin.html_text import html_to_text
from mailin.parsing import parse
from tests.mailin.conftest import eml


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("=?koi8-r?B?7sUg0sHCz9TBxdQ=?=", "Не работает"),
        ("=?KOI8-U?Q?=FE=C5=D2=C7=C1?=", "Черга"),
        ("=?windows-1251?B?0ODh7vLg?=", "Работа"),
        ("=?iso-8859-5?Q?=BF=E0=D8=D2=D5=E2?=", "Привет"),
        ("=?ISO-8859-15?Q?=A4uro?=", "€uro"),
        ("=?utf-8?B?0J/RgNC40LLRltGC?= =?utf-8?B?INGB0LLRltGC?=", "Привіт світ"),
        ("Re: =?utf-8?Q?caf=C3=A9?= again", "Re: café again"),
        ("=?x-unknown-cs?Q?plain?=", "plain"),  # unknown charset: still readable
    ],
)
def test_encoded_words_decode_in_their_charset(value, text):
    assert header_text(value) == text


def test_raw_8bit_header_is_read_as_utf8_or_cp1251():
    utf8 = "Звіт".encode().decode("ascii", "surrogateescape")
    cp1251 = "Звіт".encode("cp1251").decode("ascii", "surrogateescape")
    assert header_text(utf8) == "Звіт"
    assert header_text(cp1251) == "Звіт"


def test_a_wrong_declared_charset_falls_back_instead_of_garbling():
    assert bytes_to_text("Привіт".encode(), "us-ascii") == "Привіт"
    assert bytes_to_text("Привіт".encode("cp1251"), "no-such-charset") == "Привіт"
    assert "\ufffd" not in bytes_to_text(b"\xff\xfe\x00", "utf-8")  # cp1251 decodes any byte


def test_file_names_lose_paths_and_decode_rfc2047_in_quotes():
    assert file_name_text("..\\..\\windows\\evil.txt") == "evil.txt"
    assert file_name_text("=?utf-8?Q?M=C3=A4ngel.xlsx?=") == "Mängel.xlsx"
    assert file_name_text(("utf-8", "", "\xd0\xb6.log")) == "ж.log"
    assert file_name_text(("utf-8", "", "ж.log")) == "ж.log"


def test_koi8r_body_and_subject():
    mail = parse(eml("koi8r.eml"))
    assert mail.subject == "Не работает очередь"
    assert mail.text == "Очередь звонков не работает с утра."


def test_koi8u_quoted_printable():
    mail = parse(eml("koi8u_qp.eml"))
    assert mail.subject == "Черга дзвінків"
    assert mail.text == "Черга дзвінків зупинилась о 9:00."


def test_base64_body_with_an_unknown_charset_degrades_gracefully():
    assert parse(eml("wrong_charset.eml")).text == "Привіт, черга не працює"


def test_html_only_mail_becomes_text_without_markup_or_script():
    mail = parse(eml("html_only.eml"))
    assert mail.subject == "Звіт не відкривається"
    assert "Звіт не відкривається." in mail.text
    assert "крок 1" in mail.text and "крок 2" in mail.text
    for unsafe in ("<", "alert", "color:red", "tracker.test"):
        assert unsafe not in mail.text


def test_html_fallback_parser_drops_scripts():
    assert html_to_text("<p>a<script>x()</script>b</p>").split() == ["ab"]


def test_rfc2231_file_name_and_every_file_kept():
    mail = parse(eml("attachments.eml"))
    assert [f.name for f in mail.files] == ["журнал.log", "setup.exe", "winmail.dat"]
    assert mail.files[0].content == b"line 1\nline 2\n"
    assert mail.text == "Logs attached."


def test_broken_mime_and_missing_headers_still_parse():
    broken = parse(eml("broken_mime.eml"))
    assert broken.text == "Text without any boundary line."
    assert broken.defects
    bare = parse(eml("no_headers.eml"))
    assert bare.from_address == "" and bare.message_id == ""
    assert bare.key.startswith("sha256:")


def test_header_continuations_without_whitespace_do_not_end_the_header():
    raw = (
        b"From: A <a@x.test>\nX-Tracker: one\ncontinued badly\nSubject: Still read\n"
        b"Message-ID: <m1@x.test>\n\nbody\n"
    )
    mail = parse(raw)
    assert (mail.subject, mail.message_id, mail.text) == ("Still read", "<m1@x.test>", "body")


def test_an_mbox_from_line_is_dropped():
    mail = parse(b"From someone Mon Jan 1 00:00:00 2024\nFrom: b@x.test\nSubject: S\n\nhi\n")
    assert (mail.from_address, mail.subject) == ("b@x.test", "S")


def test_message_without_id_gets_a_stable_hash_key():
    assert parse(eml("no_message_id.eml")).key == parse(eml("no_message_id.eml")).key
    assert parse(eml("plain_p1.eml")).key == "<p1@customer.test>"


@given(st.binary(max_size=2000))
@settings(max_examples=200, deadline=None)
def test_any_bytes_parse_without_raising(raw):
    mail = parse(raw)
    classify(mail, own_addresses=set())
    assert isinstance(mail.subject, str) and isinstance(mail.text, str)


@given(st.integers(0, 4000), st.binary(min_size=1, max_size=40))
@settings(max_examples=200, deadline=None)
def test_a_damaged_real_message_still_parses(at, junk):
    raw = eml("attachments.eml")
    mail = parse(raw[:at] + junk + raw[at:])
    assert isinstance(mail.text, str) and all(isinstance(f.content, bytes) for f in mail.files)
