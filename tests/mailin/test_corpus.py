"""The real-world corpus (``../shared/mail`` beside the repository, or $PORTAL_MAIL_CORPUS):
every message ingested with its expected class and decoded subject, none crashing.

Each normal message's sender is registered as a contact first, so a normal message must
become a ticket (the whole path: body, files, the SLA start), not stop at "unknown sender".
"""

import csv
import os
from pathlib import Path

import pytest

from mailin.models import Outcome
from mailin.parsing import parse
from mailin.services.ingest import mail_ingest
from tests import factories
from tickets.models import Ticket

REPO = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("PORTAL_MAIL_CORPUS") or REPO.parent / "shared" / "mail")
EXPECTED = {
    "normal": {Outcome.TICKET},
    "auto_reply": {Outcome.AUTO_REPLY},
    "bounce": {Outcome.BOUNCE},
}


def corpus_rows() -> list[dict]:
    if not (CORPUS / "expected.tsv").is_file():
        return []
    with (CORPUS / "expected.tsv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


ROWS = corpus_rows()
pytestmark = pytest.mark.skipif(not ROWS, reason=f"no mail corpus at {CORPUS}")


@pytest.mark.django_db
@pytest.mark.parametrize("row", ROWS, ids=[r["file"] for r in ROWS])
def test_corpus_message(row, contract, now):
    raw = (CORPUS / row["file"]).read_bytes()
    sender = parse(raw).from_address
    if row["class"] == "normal" and sender:
        factories.ContactUserFactory(username=sender, email=sender, customer=contract.customer)
    result = mail_ingest(raw=raw, source=row["file"], now=now)
    expected = EXPECTED[row["class"]] if sender or row["class"] != "normal" else {Outcome.REJECTED}
    assert result.outcome in expected, result.reason
    assert row["subject_contains"] in result.subject
    if result.outcome == Outcome.TICKET:
        ticket = Ticket.objects.get(pk=result.ticket)
        assert ticket.description.strip()
        assert "<html" not in ticket.description.lower()
