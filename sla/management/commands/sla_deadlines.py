"""JSON lines in, JSON lines out: the SLA engine on the command line (SPEC, last section).

Uses the package terms and calendars in the database. A bad line (bad JSON, a bad field, bytes
that are not UTF-8) stops the run: the lines before it are written, standard error names the
line and the field, the exit status is 2. When the reader of standard output goes away
(``... | head -1``) the run stops quietly with status 141, as a filter killed by SIGPIPE does.
"""

import contextlib
import json
import os
import sys

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from sla.clock import InvalidEvent
from sla.jsonl import evaluate_line, numbered_lines
from sla.selectors import terms_for_package
from sla.terms import Terms

EXIT_BAD_INPUT = 2
EXIT_PIPE_CLOSED = 141  # 128 + SIGPIPE, what the shell reports for `yes | head -1`
BLOCK = 256  # lines per write: one write per line costs more than the case


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
        if options["input"] == "-":
            # bytes, decoded line by line: bad bytes are a bad line, never "\udcff" text
            source = getattr(sys.stdin, "buffer", sys.stdin)
        else:
            try:
                source = open(options["input"], "rb")  # noqa: SIM115 - closed below
            except OSError as exc:
                self._fail(f"cannot read {options['input']}: {exc.strerror}")
        try:
            self._run(source, out)
            out.flush()
        except BrokenPipeError:
            self._stop_quietly()
        finally:
            if options["input"] != "-":
                source.close()

    def _run(self, source, out) -> None:
        terms_cache: dict[str, Terms] = {}

        def terms_for(package: str) -> Terms:
            if package not in terms_cache:
                terms = terms_for_package(package)
                if not terms.targets:
                    raise LookupError(package)
                terms_cache[package] = terms
            return terms_cache[package]

        line_no = 0
        pending: list[str] = []
        try:
            try:
                for line_no, text in numbered_lines(source):
                    if not text.strip():
                        continue
                    pending.append(json.dumps(evaluate_line(text, line_no, terms_for)))
                    if len(pending) >= BLOCK:
                        self._write(out, pending)
            finally:
                self._write(out, pending)  # every good line before a bad one
                out.flush()
        except BrokenPipeError:
            raise  # not a bad line: the reader left (handled by the caller)
        except InvalidEvent as exc:
            self._fail(f"line {exc.line or line_no}: field {exc.field}: {exc.message}")
        except DatabaseError as exc:
            self._fail(f"the database is not ready ({exc}); run `manage.py migrate` first")
        except Exception as exc:  # never a traceback: name the line and stop
            self._fail(f"line {line_no}: field line: cannot evaluate this case ({exc!r})")

    @staticmethod
    def _write(out, pending: list[str]) -> None:
        if pending:
            out.write("\n".join(pending) + "\n")
            pending.clear()

    @staticmethod
    def _stop_quietly() -> None:
        """The reader is gone: point standard output at /dev/null, so that Python's own flush
        at exit has nowhere to fail, and stop."""
        with contextlib.suppress(OSError, ValueError):  # not a real file (a test's StringIO)
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_PIPE_CLOSED)

    @staticmethod
    def _fail(message: str) -> None:
        sys.stderr.write(f"sla_deadlines: {message}\n")
        sys.stderr.flush()
        sys.exit(EXIT_BAD_INPUT)
