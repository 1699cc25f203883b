"""The SLA engine's speed: µs per deadline on each seeded calendar, one by one (``deadline()``)
and as a batch over numpy arrays (``sla.batch.deadlines``), beside pandas, and the wall time of
``manage.py sla_deadlines`` on 4,000 random cases (start-up included)."""

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

import numpy as np

from bench.cases import random_cases
from sla.batch import deadlines
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


def time_batch(calendar: BusinessCalendar, pairs) -> float:
    """Best of three runs of one batch over all pairs, in µs per deadline (arrays made first)."""
    starts = np.array([start.replace(tzinfo=None) - start.utcoffset() for start, _ in pairs])
    starts = starts.astype("datetime64[us]")
    targets = np.array([target for _, target in pairs]).astype("timedelta64[us]")
    deadlines(calendar, starts[:1000], targets[:1000])
    best = float("inf")
    for _ in range(3):
        began = time.perf_counter()
        deadlines(calendar, starts, targets)
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


def run() -> dict[str, float]:
    """Print the figures; return those of the incident calendar (the one pandas can do)."""
    print("== SLA engine: deadline() on 100,000 random (start, target) pairs")
    pairs = random_pairs(100_000)
    figures: dict[str, float] = {}
    for name, spec in CALENDARS.items():
        one = time_deadlines(BusinessCalendar(spec), pairs)
        batch = time_batch(BusinessCalendar(spec), pairs)
        if not figures:
            figures = {"deadline_us": round(one, 3), "deadline_batch_us": round(batch, 3)}
        print(
            f"  {name:<20} deadline() {one:6.2f} µs per deadline; "
            f"batch {batch:6.3f} µs per deadline ({one / batch:,.0f}× faster)"
        )
    pandas_us = time_pandas(pairs)
    if pandas_us is None:
        print("  pandas not installed (pip install -e '.[bench]'): no comparison")
    else:
        figures["pandas_deadline_us"] = round(pandas_us, 3)
        one, batch = figures["deadline_us"], figures["deadline_batch_us"]
        print(
            f"  pandas CustomBusinessHour (incident hours) {pandas_us:8.1f} µs per deadline: "
            f"{pandas_us / one:,.0f}× slower than deadline(), "
            f"{pandas_us / batch:,.0f}× slower than the batch"
        )
    seconds, lines = time_command()
    print(
        f"== manage.py sla_deadlines: {lines} random cases in {seconds:.2f} s "
        f"(median of 3, start-up included; target < 2 s)"
    )
    return figures
