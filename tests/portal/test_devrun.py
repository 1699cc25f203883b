"""``make run``: its supervisor (portal/devrun.py) stops quietly, and PORT reaches the links.

Each test runs the development stack for real (runserver and a Celery worker with beat on the
filesystem broker) in a temporary var folder, on a free port.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.portal.live import BASE_DIR, free_port, manage, portal_env, wait_for_http

# The server, the worker and beat read the real clock.
pytestmark = [pytest.mark.real_clock, pytest.mark.slow]

STOP_WITHIN_SECONDS = 10
NOISE = ("Traceback", "RecursionError", "Segmentation", "Error")


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory) -> Path:
    """A migrated development database, as `make run` leaves it before starting the stack."""
    var_dir = tmp_path_factory.mktemp("devrun")
    manage(portal_env(var_dir), "migrate", "--noinput", "-v0")
    return var_dir


def start_stack(var_dir: Path, port: int, log: Path, **popen) -> subprocess.Popen:
    """`make run`'s last line, `python -m portal.devrun --host H --port P`, up and serving."""
    env = portal_env(var_dir, HOST="127.0.0.1", PORT=str(port))
    stack = subprocess.Popen(
        [sys.executable, "-m", "portal.devrun", "--host", "127.0.0.1", "--port", str(port)],
        cwd=BASE_DIR,
        env=env,
        stdin=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        **popen,
    )
    wait_for_http(port, process=stack)
    deadline = time.monotonic() + 60
    while "ready." not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.2)  # the worker too, so that the signal meets a running worker
    assert "ready." in log.read_text(), log.read_text()[-3000:]
    return stack


def processes_mentioning(text: str) -> list[int]:
    """Live processes whose command line contains ``text`` (Linux /proc)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if text in cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace"):
                found.append(int(cmdline.parent.name))
        except OSError:
            continue
    return found


ORDINARY_WORK = re.compile(r"INFO/(Beat|MainProcess)\]|\] \"(GET|POST) ")


def stopped_within(process: subprocess.Popen, seconds: float) -> float:
    started = time.monotonic()
    process.wait(timeout=seconds + 10)
    return time.monotonic() - started


def assert_everything_stopped(var_dir: Path, port: int) -> None:
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port)):
        pass  # the server is gone
    assert processes_mentioning(str(var_dir / "celerybeat-schedule")) == []  # the worker too


def test_ctrl_c_stops_the_stack_quietly_within_seconds(var_dir, tmp_path):
    # given the stack running in the foreground of a terminal (its own process group)
    port = free_port()
    log = tmp_path / "run.log"
    with log.open("w") as out:
        stack = start_stack(var_dir, port, log, stdout=out, start_new_session=True)
        before = len(log.read_text().splitlines())

        # when Ctrl-C is pressed: the terminal signals the whole foreground group
        os.killpg(stack.pid, signal.SIGINT)
        took = stopped_within(stack, STOP_WITHIN_SECONDS)

    # then it stops within seconds, exits 0, and says little, none of it an error
    text = log.read_text()
    assert took < STOP_WITHIN_SECONDS, text[-3000:]
    assert stack.returncode == 0, text[-3000:]
    said = text.splitlines()[before:]
    # what the stack logs at work (beat's due tasks, the worker's tasks, requests) may land
    # after the signal on a slow machine; the rest is what stopping says
    stopping = [line for line in said if not ORDINARY_WORK.search(line)]
    assert len(stopping) <= 15, "\n".join(said)
    assert not [line for line in said if any(word in line for word in NOISE)], "\n".join(said)
    assert text.count("Warm shutdown") <= 1
    assert_everything_stopped(var_dir, port)


def test_a_stop_signal_reaches_the_stack_and_never_what_wraps_it(var_dir, tmp_path):
    # given `make run | tee log`: the stack and tee in one process group
    port = free_port()
    log = tmp_path / "run.log"
    with log.open("w") as out:
        tee = subprocess.Popen(
            ["tee", str(tmp_path / "tee.log")],
            stdin=subprocess.PIPE,
            stdout=out,
            process_group=0,
        )
        stack = start_stack(var_dir, port, log, stdout=tee.stdin, process_group=tee.pid)
        tee.stdin.close()  # only the stack writes to tee now

        # when the stack alone is told to stop (as make does on SIGTERM)
        os.kill(stack.pid, signal.SIGTERM)
        took = stopped_within(stack, STOP_WITHIN_SECONDS)
        tee_code = tee.wait(timeout=10)

    # then the stack stops cleanly, and tee was never signalled: it ends at end of input
    assert took < STOP_WITHIN_SECONDS
    assert stack.returncode == 0
    assert tee_code == 0
    assert "Traceback" not in log.read_text()
    assert_everything_stopped(var_dir, port)


def test_the_seed_banner_and_e_mail_links_follow_port(var_dir):
    # given `PORT=8010 make run` (the Makefile exports HOST and PORT)
    env = portal_env(var_dir, HOST="127.0.0.1", PORT="8010")
    # when the demo data is seeded and the settings are read
    banner = manage(env, "seed_demo", "--no-tickets")
    base_url = manage(
        env, "shell", "-c", "from django.conf import settings; print(settings.PORTAL_BASE_URL)"
    )
    # then the banner's log-in link and the links in e-mails name port 8010
    assert "Demo logins at http://127.0.0.1:8010/accounts/login/" in banner
    assert base_url.strip().splitlines()[-1] == "http://127.0.0.1:8010"


# --- the supervisor alone, on stand-in children --------------------------------------------------

SUPERVISE = """
import sys
from portal.devrun import Supervisor
names = ("first", "second")
children = {name: [sys.executable, "-c", code] for name, code in zip(names, sys.argv[1:])}
print("started", flush=True)
sys.exit(Supervisor(children, grace=1.0).run())
"""
IGNORES_SIGINT = "import signal, time; signal.signal(signal.SIGINT, signal.SIG_IGN); time.sleep(60)"


def supervise(first: str, second: str) -> subprocess.Popen:
    """A supervisor whose children are `python -c first` and `python -c second`."""
    process = subprocess.Popen(
        [sys.executable, "-c", SUPERVISE, first, second],
        cwd=BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    assert process.stdout.readline() == "started\n"
    return process


def test_a_child_that_ignores_the_signal_is_killed_after_the_grace_period():
    # given a child that ignores SIGINT
    process = supervise(IGNORES_SIGINT, "import time; time.sleep(60)")
    time.sleep(0.5)  # both children started
    # when the supervisor is interrupted
    os.killpg(process.pid, signal.SIGINT)
    took = stopped_within(process, 5)
    # then it kills that child once the grace period (1 s here) is over, and exits 0
    assert process.returncode == 0
    assert 1.0 <= took < 4
    assert processes_mentioning(IGNORES_SIGINT) == []


def test_when_a_child_dies_the_other_is_stopped_and_the_run_fails():
    # given a child that fails at once (a port already taken, say)
    process = supervise("import sys; sys.exit(3)", "import time; time.sleep(60)")
    # when the supervisor notices
    stopped_within(process, 5)
    # then it stops the other child, says which one failed, and exits 1
    assert process.returncode == 1
    assert "devrun: first exited with status 3; stopping." in process.stdout.read()
