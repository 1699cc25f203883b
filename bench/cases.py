"""Random but valid SLA cases in the command-line format, for benchmarks and fuzzing."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

UTC3 = timezone(timedelta(hours=3))
TYPES = ("incident", "service_request", "change")


def _type_and_priority(rng: random.Random) -> tuple[str, int | None]:
    ticket_type = rng.choice(TYPES)
    return ticket_type, (rng.randint(1, 3) if ticket_type == "incident" else None)


def random_case(rng: random.Random, case_id: str) -> dict:
    """A case whose events obey the rules, so the engine must answer rather than refuse."""
    ticket_type, priority = _type_and_priority(rng)
    opened = datetime(2026, 1, 1, tzinfo=UTC3) + timedelta(minutes=rng.randrange(0, 525_600))
    case = {
        "id": case_id,
        "package": rng.choice(("advanced", "pro")),
        "type": ticket_type,
        "priority": priority,
        "opened_at": opened.isoformat(),
        "events": [],
    }
    at, paused, resolved, replied = opened, False, False, False
    for _ in range(rng.randint(0, 6)):
        at += timedelta(minutes=rng.randrange(0, 2_000))
        if resolved:
            kind = "reopen"
        else:
            kinds = ["resolve", "extend", "reclassify", "resume" if paused else "pause"]
            kinds += [] if replied else ["first_response"] * 3
            kinds += ["priority"] * 2 if ticket_type == "incident" else []
            kind = rng.choice(kinds)
        event: dict = {"at": at.isoformat(), "kind": kind}
        if kind == "first_response":
            replied = True
        elif kind in ("pause", "resume"):
            paused = kind == "pause"
        elif kind in ("resolve", "reopen"):
            resolved, paused = kind == "resolve", False
        elif kind == "priority":
            priority = event["priority"] = rng.randint(1, 3)
            event["workaround"] = rng.random() < 0.5
        elif kind == "reclassify":
            ticket_type, priority = _type_and_priority(rng)
            event["type"] = ticket_type
            if priority is not None:
                event["priority"] = priority
        case["events"].append(event)
    return case


def random_cases(n: int, seed: int = 2026) -> list[dict]:
    rng = random.Random(seed)
    return [random_case(rng, f"c{i}") for i in range(n)]
