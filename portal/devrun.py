"""``make run``'s supervisor: the development server and a Celery worker (with beat), as one.

``python -m portal.devrun [--host H] [--port P]`` starts both children, each in a process group of
its own, so a Ctrl-C in the terminal reaches only this process. On SIGINT, SIGTERM or SIGHUP it
forwards one signal to each child's group, waits a few seconds, kills whatever is left and exits
0. It never signals its own process group or its parent (``make run | tee log`` keeps its tee).
When a child dies by itself (the port is taken, say) it stops the other and exits 1.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
GRACE_SECONDS = 8.0
POLL_SECONDS = 0.2
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def child_commands(host: str, port: int, var_dir: Path) -> dict[str, list[str]]:
    """What runs: Celery's worker with embedded beat (solo pool) and Django's runserver."""
    python = sys.executable
    return {
        "worker": [
            python, "-m", "celery", "--app", "portal", "worker", "--beat", "--pool", "solo",
            "--loglevel", "INFO", "--schedule", str(var_dir / "celerybeat-schedule"),
        ],
        "web": [python, "manage.py", "runserver", f"{host}:{port}"],
    }  # fmt: skip


class Supervisor:
    def __init__(self, commands: dict[str, list[str]], grace: float = GRACE_SECONDS):
        self.commands = commands
        self.grace = grace
        self.children: dict[str, subprocess.Popen] = {}
        self.signals: list[int] = []

    def _on_signal(self, signum, frame) -> None:
        self.signals.append(signum)

    def run(self) -> int:
        for signum in STOP_SIGNALS:
            signal.signal(signum, self._on_signal)
        for name, command in self.commands.items():
            self.children[name] = subprocess.Popen(  # noqa: S603 - our own commands
                command, cwd=BASE_DIR, stdin=subprocess.DEVNULL, process_group=0
            )
        while not self.signals:
            died = {n: c.returncode for n, c in self.children.items() if c.poll() is not None}
            if died:
                for name, code in died.items():
                    print(f"devrun: {name} exited with status {code}; stopping.", flush=True)
                self.stop(signal.SIGTERM)
                return 1
            time.sleep(POLL_SECONDS)
        self.stop(signal.SIGTERM if self.signals[0] == signal.SIGHUP else self.signals[0])
        return 0

    def stop(self, signum: int) -> None:
        """One signal to each child's group; after the grace period (or a second signal of
        ours), SIGKILL for what is left."""
        seen = len(self.signals)
        self._signal_all(signum)
        deadline = time.monotonic() + self.grace
        while self._alive() and time.monotonic() < deadline and len(self.signals) <= seen:
            time.sleep(POLL_SECONDS)
        if self._alive():
            self._signal_all(signal.SIGKILL)
        for child in self.children.values():
            child.wait()

    def _alive(self) -> list[subprocess.Popen]:
        return [c for c in self.children.values() if c.poll() is None]

    def _signal_all(self, signum: int) -> None:
        own_group = os.getpgrp()
        for child in self.children.values():
            if child.returncode is not None:  # reaped: its pid may belong to another now
                continue
            with contextlib.suppress(ProcessLookupError):
                if os.getpgid(child.pid) != own_group:  # its own group (process_group=0)
                    os.killpg(child.pid, signum)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m portal.devrun", description=__doc__)
    parser.add_argument("--host", default=os.environ.get("HOST") or "127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8000))
    args = parser.parse_args(argv)
    var_dir = Path(os.environ.get("PORTAL_VAR_DIR") or BASE_DIR / "var")
    var_dir.mkdir(parents=True, exist_ok=True)
    return Supervisor(child_commands(args.host, args.port, var_dir)).run()


if __name__ == "__main__":
    sys.exit(main())
