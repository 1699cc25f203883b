"""English: "1 Dec 2026, 10:05" everywhere — day before month (no 12/01 vs 01/12 doubt), a
24-hour clock, no abbreviation dots to run into a sentence's full stop.

Only display formats: input formats come from Django's own English module.
"""

DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = DATE_FORMAT
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j M"
