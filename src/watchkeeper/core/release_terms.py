"""The words every release of CCTV images carries (11.4): one place, so the package letter, a still's
caption and burned-in line, the subject access response letter, the register's records of in-school
viewings and FOI releases, and the police approval text all say the same thing."""

from __future__ import annotations

from watchkeeper.core.clauses import enforces

# The package letter's wording (evidence/package/manifest.py README.txt), the first to carry it.
SOCIAL_MEDIA_PROHIBITION = "must not be posted on social media or shared online"
CLAUSE = "CCTV policy 11.4"


@enforces("11.4")
def no_social_media(subject: str = "It") -> str:
    """The prohibition as a sentence about `subject` ("It", "This still image", "The footage you saw")."""
    return f"{subject} {SOCIAL_MEDIA_PROHIBITION} ({CLAUSE})."


@enforces("11.4")
def image_line() -> str:
    """The short line burned into a still image (no full stop: it is a caption, not a sentence)."""
    return f"Not to be posted on social media or shared online ({CLAUSE})"
