"""UK date-times as an office writes them (issue 15 §5): 07/12/2026 18:31. Django's en-GB default is
"7 Dec 2026, 6:31 p.m."; dates alone keep its "7 Dec 2026"."""

DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATE_FORMAT = "d/m/Y"
TIME_FORMAT = "H:i"
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%dT%H:%M:%S",  # what a datetime-local input sends
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%Y-%m-%d",
    "%d/%m/%Y",
]
