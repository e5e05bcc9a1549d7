"""CSV exports streamed a line at a time (an audit log or a register can be long), safe to open in a
spreadsheet: one writer for every export, so each escapes formulas alike."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

# Cells a spreadsheet would run as a formula (CSV injection): prefixed with a quote when exported.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A text cell that starts like a formula, quoted; anything else as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class _Echo:
    """A file that gives back what is written to it, so csv.writer returns each line instead of storing it."""

    def write(self, value: str) -> str:
        return value


def csv_lines(headings: Sequence[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """The CSV text of `headings` and then each row, one line at a time."""
    writer = csv.writer(_Echo())
    yield writer.writerow(headings)
    for row in rows:
        yield writer.writerow([safe_cell(value) for value in row])
