"""Print-ready PDFs of registers and letters (fpdf2, pure Python).

Registers (the CCTV log of Appendix I, the disclosure register) print landscape like the policy's
appendix; letters print portrait. DejaVu Sans (Debian fonts-dejavu-core) covers every character a name
or reason may hold; the core PDF fonts cover Latin-1 only.

Text is ranged left, never justified (fpdf2's multi_cell justifies by default): justified lines stretch the
gaps between words, which is harder to read (issue 15 §5). Dates are written by core/dates.py (dd/mm/YYYY,
UK time), like the pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from watchkeeper.core.dates import uk_date

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = "DejaVu"
LEFT = "L"


def _document(orientation: str) -> FPDF:
    pdf = FPDF(orientation=orientation, unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_font(FONT, size=9)
    pdf.set_creator("Watchkeeper")
    return pdf


def _heading(pdf: FPDF, title: str, subtitle: str) -> None:
    pdf.set_font(FONT, "B", 13)
    pdf.multi_cell(0, 7, title, new_x="LMARGIN", new_y="NEXT", align=LEFT)
    if subtitle:
        pdf.set_font(FONT, "", 9)
        pdf.multi_cell(0, 5, subtitle, new_x="LMARGIN", new_y="NEXT", align=LEFT)
    pdf.ln(2)
    pdf.set_font(FONT, "", 8)


def table_pdf(
    title: str,
    headings: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    subtitle: str = "",
    widths: Sequence[float] | None = None,
    landscape: bool = True,
) -> bytes:
    """A titled table, headings repeated on every page. Cells are plain text (never interpreted)."""
    pdf = _document("L" if landscape else "P")
    pdf.add_page()
    _heading(pdf, title, subtitle)
    bold = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))
    with pdf.table(
        col_widths=tuple(widths) if widths else None,
        text_align=LEFT,
        headings_style=bold,
        line_height=4.5,
        repeat_headings=1,
    ) as table:
        table.row([str(h) for h in headings])
        for row in rows:
            table.row([str(cell) for cell in row])
    if not rows:
        pdf.ln(3)
        pdf.cell(0, 5, "No entries.")
    return bytes(pdf.output())


def letter_pdf(
    title: str,
    paragraphs: Sequence[str],
    *,
    letterhead: str = "",
    dated: date | datetime | None = None,
    recipient: str = "",
    signatory: str = "",
) -> bytes:
    """A plain letter: letterhead, the recipient's name and address, date, title, paragraphs (blank-line
    separated), and the signatory (name and role) under the last paragraph."""
    pdf = _document("P")
    pdf.add_page()
    if letterhead:
        pdf.set_font(FONT, "B", 11)
        pdf.multi_cell(0, 6, letterhead, new_x="LMARGIN", new_y="NEXT", align=LEFT)
    if recipient:
        pdf.ln(4)
        pdf.set_font(FONT, "", 10)
        pdf.multi_cell(90, 5, recipient, new_x="LMARGIN", new_y="NEXT", align=LEFT)
    if dated is not None:
        pdf.ln(2)
        pdf.set_font(FONT, "", 10)
        pdf.cell(0, 6, uk_date(dated), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(FONT, "B", 12)
    pdf.multi_cell(0, 6, title, new_x="LMARGIN", new_y="NEXT", align=LEFT)
    pdf.ln(2)
    pdf.set_font(FONT, "", 10)
    for paragraph in paragraphs:
        pdf.multi_cell(0, 5, paragraph, new_x="LMARGIN", new_y="NEXT", align=LEFT)
        pdf.ln(3)
    if signatory:
        pdf.ln(8)  # room to sign
        pdf.multi_cell(0, 5, signatory, new_x="LMARGIN", new_y="NEXT", align=LEFT)
    return bytes(pdf.output())


def sections_pdf(
    title: str,
    subtitle: str,
    sections: Sequence[tuple[str, Sequence[str], Sequence[Sequence[str]]]],
) -> bytes:
    """A report of sections, each a heading, paragraphs and an optional two-or-more column table (first
    row: headings). Portrait; cells are plain text (never interpreted)."""
    pdf = _document("P")
    pdf.add_page()
    _heading(pdf, title, subtitle)
    bold = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))
    for heading, paragraphs, rows in sections:
        pdf.set_font(FONT, "B", 10)
        pdf.multi_cell(0, 6, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", 8)
        for paragraph in paragraphs:
            pdf.multi_cell(0, 4.5, paragraph, new_x="LMARGIN", new_y="NEXT")
        if rows:
            with pdf.table(headings_style=bold, line_height=4.5, repeat_headings=1) as table:
                for row in rows:
                    table.row([str(cell) for cell in row])
        pdf.ln(3)
    return bytes(pdf.output())
