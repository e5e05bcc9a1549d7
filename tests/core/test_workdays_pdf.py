from datetime import date

from watchkeeper.core.pdf import letter_pdf, table_pdf
from watchkeeper.core.workdays import add_working_days, is_working_day, next_working_day, working_days_between


def test_bank_holidays_and_weekends_are_not_working_days():
    assert not is_working_day(date(2026, 12, 25))  # Christmas Day
    assert not is_working_day(date(2026, 12, 28))  # Boxing Day substitute (26th is a Saturday)
    assert not is_working_day(date(2026, 11, 28))  # Saturday
    assert is_working_day(date(2026, 11, 30))


def test_next_and_add_working_days_skip_christmas():
    assert next_working_day(date(2026, 12, 25)) == date(2026, 12, 29)
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
    assert add_working_days(date(2026, 11, 27), 20) == date(2026, 12, 29)
    assert working_days_between(date(2026, 12, 24), date(2026, 12, 29)) == 1


def test_pdfs_are_pdfs_and_carry_non_latin_text():
    table = table_pdf("CCTV log", ["Requestor", "Reason"], [["Zoë Ó'Brien", "Ärger — 9.5"]])
    assert table.startswith(b"%PDF-") and len(table) > 1000
    letter = letter_pdf("Your request", ["Dear Zoë,", "Ends."], letterhead="Oakfield")
    assert letter.startswith(b"%PDF-")
