"""The text of a PDF in drawing order (`-raw`: a table cell by cell), read by poppler's `pdftotext`
(Debian poppler-utils, installed by scripts/system-deps.sh): a real PDF reader, not a parser of our own."""

from __future__ import annotations

import shutil
import subprocess


def pdf_text(pdf: bytes) -> str:
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext (poppler-utils) is missing: run scripts/system-deps.sh"
    result = subprocess.run(
        [tool, "-raw", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return result.stdout.decode("utf-8")
