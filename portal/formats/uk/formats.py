"""Ukrainian: "01.12.2026 10:05" everywhere, the usual Ukrainian numeric form.

Only display formats: input formats come from Django's own Ukrainian module.
"""

DATE_FORMAT = "d.m.Y"
SHORT_DATE_FORMAT = DATE_FORMAT
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "d.m.Y H:i"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "d.m"
