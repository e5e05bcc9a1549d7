"""What an uploaded file is, by its content, never its name (issue 14 §5): a file named `.pdf` must start as
a PDF does, and a file of a kind not on the list is refused whatever it is called. Pure: bytes in, a type
out, no I/O (the uploads are at most MAX_UPLOAD_BYTES and read whole).

Office documents are ZIP containers (Word, Excel, PowerPoint: `[Content_Types].xml` and their part folder;
OpenDocument: a first `mimetype` member naming the type) or, before 2007, OLE2 compound files."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass


@dataclass(frozen=True)
class FileType:
    content_type: str
    words: str  # what a person calls it
    picture: bool


PDF = FileType("application/pdf", "PDF", False)
OLE2 = FileType("application/vnd.ms-office", "older Office document", False)
DOCX = FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word", False)
XLSX = FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel", False)
PPTX = FileType(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation", "PowerPoint", False
)
JPEG = FileType("image/jpeg", "JPEG picture", True)
PNG = FileType("image/png", "PNG picture", True)
GIF = FileType("image/gif", "GIF picture", True)
WEBP = FileType("image/webp", "WebP picture", True)
HEIC = FileType("image/heic", "HEIC picture (iPhone)", True)

_MAGIC = (
    (b"%PDF-", PDF),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", OLE2),
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
)
_OOXML = (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX))
_HEIC_BRANDS = (b"heic", b"heix", b"mif1", b"msf1")

DOCUMENT_WORDS = (
    "a PDF, a Word, Excel, PowerPoint or OpenDocument file, or a JPEG, PNG, GIF, WebP or HEIC picture"
)
PICTURE_WORDS = "a JPEG, PNG, GIF, WebP or HEIC picture"


def detect(data: bytes) -> FileType | None:
    """The file's type from its content, or None when it is none of the accepted kinds."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data[4:8] == b"ftyp" and data[8:12] in _HEIC_BRANDS:
        return HEIC
    if data.startswith(b"PK\x03\x04"):
        return _office(data)
    return None


def _office(data: bytes) -> FileType | None:
    """A ZIP is accepted only as an office document; any other archive is refused."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if names and names[0] == "mimetype":
                named = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                if named.startswith("application/vnd.oasis.opendocument."):
                    return FileType(named, "OpenDocument", False)
                return None
    except (zipfile.BadZipFile, KeyError, ValueError, NotImplementedError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for folder, kind in _OOXML:
        if any(name.startswith(folder) for name in names):
            return kind
    return None


def upload_problem(name: str, data: bytes, limit: int, *, pictures_only: bool = False) -> str | None:
    """Why an upload is refused, in plain words, or None: empty, over `limit` bytes, or not an accepted kind
    by its content."""
    if len(data) > limit:
        return f"“{name}” is {len(data):,} bytes: files may be at most {limit:,} bytes"
    if not data:
        return f"“{name}” is empty"
    kind = detect(data)
    wanted = PICTURE_WORDS if pictures_only else DOCUMENT_WORDS
    if kind is None or (pictures_only and not kind.picture):
        return f"“{name}” is not {wanted} — its content was checked, not its name"
    return None
