"""JSON lines in, JSON lines out: the SLA engine on the command line (SPEC, last section).

Uses the package terms and calendars in the database. A bad line stops the run: the lines before
it are written, standard error names the line and the field, the exit status is 2.
"""

import json
import sys

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from sla.clock import InvalidEvent
from sla.jsonl import evaluate_line
from sla.selectors import terms_for_package
from sla.terms import Terms

EXIT_BAD_INPUT = 2


class Command(BaseCommand):
    help = "Compute reaction and resolution deadlines for JSON-lines cases read on standard input."
    # A filter in a pipeline: start-up time counts, and `manage.py check` is not its job.
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument(
            "input",
            nargs="?",
            default="-",
            help="A file of JSON lines (default: standard input).",
        )

    def handle(self, *args, **options):
        out = sys.stdout
        try:
            source = (
                sys.stdin if options["input"] == "-"
                else open(options["input"], encoding="utf-8")  # noqa: SIM115 - closed below
            )
        except OSError as exc:
            self._fail(out, f"cannot read {options['input']}: {exc.strerror}")
        terms_cache: dict[str, Terms] = {}

        def terms_for(package: str) -> Terms:
            if package not in terms_cache:
                terms = terms_for_package(package)
                if not terms.targets:
                    raise LookupError(package)
                terms_cache[package] = terms
            return terms_cache[package]

        line_no = 0
        pending: list[str] = []  # written in blocks: one write per line costs more than the case
        try:
            for line_no, text in enumerate(source, start=1):
                if not text.strip():
                    continue
                pending.append(json.dumps(evaluate_line(text, line_no, terms_for)))
                if len(pending) >= 256:
                    out.write("\n".join(pending) + "\n")
                    pending.clear()
        except InvalidEvent as exc:
            self._fail(out, f"line {line_no}: field {exc.field}: {exc.message}")
        except UnicodeDecodeError as exc:
            self._fail(out, f"line {line_no + 1}: field line: not UTF-8 text ({exc.reason})")
        except DatabaseError as exc:
            self._fail(out, f"the database is not ready ({exc}); run `manage.py migrate` first")
        except Exception as exc:  # never a traceback: name the line and stop
            self._fail(out, f"line {line_no}: field line: cannot evaluate this case ({exc!r})")
        finally:
            if pending:
                out.write("\n".join(pending) + "\n")
            if source is not sys.stdin:
                source.close()
        out.flush()

    @staticmethod
    def _fail(out, message: str) -> None:
        sys.stderr.write(f"sla_deadlines: {message}\n")
        sys.stderr.flush()
        sys.exit(EXIT_BAD_INPUT)
