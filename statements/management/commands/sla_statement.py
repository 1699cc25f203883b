"""Write a customer's SLA statement of a month as PDF (and CSV) for operations.

    python manage.py sla_statement CUSTOMER --month YYYY-MM --out FILE.pdf [--csv FILE.csv]

CUSTOMER is the customer's id or its exact name. Bad input: a message and exit status 2.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from packages.models import Customer
from statements.models import FileKind
from statements.selectors import parse_month, statement_months
from statements.services import statement_file, statement_get


class BadInput(Exception):
    pass


class Command(BaseCommand):
    help = "Write a customer's SLA statement of a month as PDF (and CSV)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("customer", help="the customer's id or exact name")
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--out", required=True, help="the PDF file to write")
        parser.add_argument("--csv", help="also write the CSV to this file")
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _name in settings.LANGUAGES],
        )

    def handle(self, *args, **options) -> None:
        try:
            self._write(options)
        except BadInput as exc:
            self.stderr.write(f"sla_statement: {exc}")
            sys.exit(2)

    def _write(self, options) -> None:
        now = timezone.now()
        customer = _customer(options["customer"])
        month = parse_month(options["month"])
        if month is None:
            raise BadInput(f"--month must be YYYY-MM, not {options['month']!r}")
        months = statement_months(customer=customer, now=now)
        if month not in months:
            raise BadInput(
                f"{customer.name} has no statement for {month:%Y-%m}: no contract in force "
                "then, or the month has not begun"
            )
        outputs = [(Path(options["out"]), FileKind.PDF)]
        if options["csv"]:
            outputs.append((Path(options["csv"]), FileKind.CSV))
        for target, _kind in outputs:
            if not target.parent.is_dir():
                raise BadInput(f"no such folder: {target.parent}")
        statement = statement_get(customer=customer, month=month, now=now)
        for target, kind in outputs:
            _name, content = statement_file(
                statement=statement, kind=kind, language=options["language"]
            )
            try:
                target.write_bytes(content)
            except OSError as exc:
                raise BadInput(f"cannot write {target}: {exc.strerror}") from exc
            self.stdout.write(f"wrote {target}")


def _customer(value: str) -> Customer:
    found = Customer.objects.filter(name=value).first()
    if found is None and value.isdigit():
        found = Customer.objects.filter(pk=int(value)).first()
    if found is None:
        raise BadInput(f"no customer with the id or exact name {value!r}")
    return found
