"""Dates that Python writes for people — PDFs, CSVs, letters — read as the pages do: dd/mm/YYYY and
dd/mm/YYYY HH:MM in UK local time, through one helper (core/dates.py; issue 15 §5)."""

import datetime as dt

from tests.evidence.pdftext import pdf_text
from watchkeeper.core.dates import uk_date, uk_datetime, uk_window
from watchkeeper.core.pdf import letter_pdf
from watchkeeper.disclosures.register import Row
from watchkeeper.evidence.services.log import when

# 23:30 UTC on 1 July is 00:30 on 2 July in school (BST): the UK day, not the server's, is printed.
SUMMER_NIGHT = dt.datetime(2026, 7, 1, 23, 30, tzinfo=dt.UTC)
WINTER = dt.datetime(2026, 12, 1, 9, 5, 7, tzinfo=dt.UTC)


def test_the_helper_writes_uk_days_and_times_in_uk_local_time():
    assert uk_date(SUMMER_NIGHT) == "02/07/2026"
    assert uk_date(dt.date(2026, 1, 3)) == "03/01/2026"
    assert uk_datetime(SUMMER_NIGHT) == "02/07/2026 00:30"
    assert uk_datetime(WINTER) == "01/12/2026 09:05"  # GMT: as stored
    assert uk_datetime(WINTER, seconds=True) == "01/12/2026 09:05:07"
    assert uk_datetime(None, "not known") == "not known" and uk_date(None) == ""


def test_a_window_shows_seconds_when_it_is_under_a_minute_or_off_the_minute():
    start = dt.datetime(2026, 12, 1, 9, 5, tzinfo=dt.UTC)
    assert uk_window(start, start + dt.timedelta(minutes=15)) == "01/12/2026 09:05–09:20"
    assert uk_window(start, start + dt.timedelta(seconds=30)) == "01/12/2026 09:05:00–09:05:30"
    assert uk_window(WINTER, WINTER + dt.timedelta(minutes=5)) == "01/12/2026 09:05:07–09:10:07"
    assert (
        uk_window(SUMMER_NIGHT - dt.timedelta(hours=1), SUMMER_NIGHT) == "01/07/2026 23:30–02/07/2026 00:30"
    )


def test_the_cctv_log_writes_uk_date_times():
    assert when(SUMMER_NIGHT) == "02/07/2026 00:30"  # was "02 Jul 2026 00:30:00 BST"


def test_the_disclosure_register_writes_uk_dates_in_its_page_csv_and_pdf():
    row = Row(
        at=SUMMER_NIGHT,
        school="Oak",
        recipient="PC Smith",
        organisation="Police",
        what="Footage",
        reason="Theft",
        legal_basis="DPA 2018 Sch 2 Part 1 para 2",
        decision="Approved",
        decided_by="Helen Head",
        package="",
        copy_expires=dt.date(2027, 1, 3),
        reference="P-1",
    )
    cells = row.cells()
    assert cells[0] == "02/07/2026 00:30" and cells[10] == "03/01/2027"  # was "02 Jul 2026 00:30"


def test_a_letter_is_dated_with_the_uk_day():
    text = pdf_text(letter_pdf("Your request", ["Dear Sam,"], dated=SUMMER_NIGHT))
    assert "02/07/2026" in text  # was "1 July 2026": the server's UTC day, written out
