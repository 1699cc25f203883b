"""Business time as people write it: "80 h", "30 min", "1 h 30 min" (and back).

SLA targets are durations of business time. Shown as Python's ``3 days, 8:00:00`` they read as
calendar days, which they are not; here they are hours and minutes only. Parsing accepts the
English and the Ukrainian units whatever the active language, and "1:30" for 1 h 30 min.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

# Longer than any sensible target (a year of 24×7 is 8,760 h); keeps timedelta from overflowing.
LONGEST = timedelta(hours=10_000)

_NUMBER = r"\d+(?:[.,]\d+)?"
_UNITS = {
    "h": ("h", "hr", "hrs", "hour", "hours", "год", "година", "години", "годин"),
    "min": ("m", "min", "mins", "minute", "minutes", "хв", "хвилина", "хвилини", "хвилин"),
    "s": ("s", "sec", "secs", "second", "seconds", "с", "сек", "секунда", "секунди", "секунд"),
}
_PART = re.compile(rf"({_NUMBER})\s*([^\d\s.,]+)\.?")
_CLOCK = re.compile(r"(\d+):([0-5]\d)")
_UNIT_OF = {word: unit for unit, words in _UNITS.items() for word in words}
_ORDER = ("h", "min", "s")
_SCALE = {"h": 3600, "min": 60, "s": 1}


def format_business_time(value: timedelta) -> str:
    """ "80 h", "30 min", "1 h 30 min"; seconds only when the value has them."""
    micros = value // timedelta(microseconds=1)
    sign, micros = ("-", -micros) if micros < 0 else ("", micros)
    hours, rest = divmod(micros, 3_600_000_000)
    minutes, rest = divmod(rest, 60_000_000)
    parts = []
    if hours:
        parts.append(_("%(h)d h") % {"h": hours})
    if minutes:
        parts.append(_("%(m)d min") % {"m": minutes})
    if rest or not parts:
        seconds = Decimal(rest) / 1_000_000
        parts.append(_("%(s)s s") % {"s": f"{seconds.normalize():f}"})
    return sign + " ".join(parts)


def parse_business_time(text: str) -> timedelta:
    """The duration written in ``text``; ValueError when it is not hours/minutes/seconds."""
    raw = " ".join(str(text).split()).lower()
    if not raw:
        raise ValueError("empty")
    clock = _CLOCK.fullmatch(raw)
    if clock:
        value = timedelta(hours=int(clock.group(1)), minutes=int(clock.group(2)))
        return _checked(value)
    seconds, position, last = Decimal(0), 0, -1
    for match in _PART.finditer(raw):
        if raw[position : match.start()].strip():
            raise ValueError(f"unexpected {raw[position : match.start()]!r}")
        unit = _UNIT_OF.get(match.group(2))
        if unit is None or _ORDER.index(unit) <= last:
            raise ValueError(f"unit {match.group(2)!r}")
        last = _ORDER.index(unit)
        try:
            amount = Decimal(match.group(1).replace(",", "."))
        except InvalidOperation as exc:  # pragma: no cover - the pattern admits numbers only
            raise ValueError(match.group(1)) from exc
        seconds += amount * _SCALE[unit]
        position = match.end()
    if last < 0 or raw[position:].strip():
        raise ValueError(f"not a duration: {raw!r}")
    if seconds > Decimal(LONGEST.total_seconds()):
        raise OverflowError(raw)
    return _checked(timedelta(microseconds=int((seconds * 1_000_000).to_integral_value())))


def _checked(value: timedelta) -> timedelta:
    if value > LONGEST:
        raise OverflowError(str(value))
    return value
