"""The SLA engine's speed: µs per deadline on each seeded calendar, beside pandas, and the wall
time of ``manage.py sla_deadlines`` on 4,000 random cases (start-up included)."""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bench.cases import random_cases
from sla.calendar import INCIDENT_HOURS, SERVICE_DESK_HOURS, TWENTY_FOUR_SEVEN, BusinessCalendar

ROOT = Path(__file__).resolve().parent.parent
UTC3 = timezone(timedelta(hours=3))
CALENDARS = {
    "incident hours": INCIDENT_HOURS,
    "service-desk hours": SERVICE_DESK_HOURS,
    "24x7": TWENTY_FOUR_SEVEN,
}


def random_pairs(n: int, seed: int = 7) -> list[tuple[datetime, timedelta]]:
    """Starts over two years, targets from one minute to 200 business hours."""
    rng = random.Random(seed)
    origin = datetime(2026, 1, 1, tzinfo=UTC3)
    return [
        (
            origin + timedelta(seconds=rng.randrange(0, 2 * 365 * 86_400)),
            timedelta(minutes=rng.randrange(1, 200 * 60)),
        )
        for _ in range(n)
    ]


def time_deadlines(calendar: BusinessCalendar, pairs) -> float:
    """Best of three runs, in µs per deadline (the table is warmed first)."""
    for start, target in pairs[:1000]:
        calendar.deadline(start, target)
    best = float("inf")
    for _ in range(3):
        began = time.perf_counter()
        for start, target in pairs:
            calendar.deadline(start, target)
        best = min(best, time.perf_counter() - began)
    return best / len(pairs) * 1e6


def time_pandas(pairs) -> float | None:
    """pandas' CustomBusinessHour on the incident calendar (09:00-18:00 every day).

    pandas adds whole business hours only, so both sides get the same whole-hour targets.
    """
    try:
        import pandas as pd
    except ImportError:
        return None
    hour = pd.offsets.CustomBusinessHour(
        start="09:00", end="18:00", weekmask="Mon Tue Wed Thu Fri Sat Sun"
    )
    sample = [
        (
            pd.Timestamp(start.astimezone(UTC3).replace(tzinfo=None)),
            max(1, int(target.total_seconds() // 3600)),
        )
        for start, target in pairs[:5000]
    ]
    began = time.perf_counter()
    for ts, hours in sample:
        ts + hour * hours
    return (time.perf_counter() - began) / len(sample) * 1e6


def time_command(n: int = 4000) -> tuple[float, int]:
    """Wall time of `manage.py sla_deadlines` on n random cases in a freshly migrated SQLite."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "PORTAL_VAR_DIR": tmp,
            "DJANGO_SETTINGS_MODULE": "portal.settings.local",
        }
        env.pop("DATABASE_URL", None)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
        )
        payload = "".join(json.dumps(case) + "\n" for case in random_cases(n))
        runs = []
        for _ in range(3):
            began = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "manage.py", "sla_deadlines"],
                cwd=ROOT,
                env=env,
                input=payload,
                capture_output=True,
                text=True,
                check=True,
            )
            runs.append(time.perf_counter() - began)
        return statistics.median(runs), len(done.stdout.splitlines())


def run() -> None:
    print("== SLA engine: deadline() on 100,000 random (start, target) pairs")
    pairs = random_pairs(100_000)
    incident = None
    for name, spec in CALENDARS.items():
        calendar = BusinessCalendar(spec)
        us = time_deadlines(calendar, pairs)
        incident = incident or us
        print(f"  {name:<20} {us:6.2f} µs per deadline")
    pandas_us = time_pandas(pairs)
    if pandas_us is None:
        print("  pandas not installed (pip install -e '.[bench]'): no comparison")
    else:
        print(
            f"  pandas CustomBusinessHour (incident hours) {pandas_us:8.1f} µs per deadline; "
            f"ratio {pandas_us / incident:,.0f}× slower"
        )
    seconds, lines = time_command()
    print(
        f"== manage.py sla_deadlines: {lines} random cases in {seconds:.2f} s "
        f"(median of 3, start-up included; target < 2 s)"
    )
