"""Small-number suppression for the public edition of the annual report (Surveillance Camera Code
principle 10; UK GDPR Art 5(1)(c)): a count of one to four could point at a member of staff or a pupil
("the one SAR from Year 9"), so it is shown as "fewer than 5". Zero is safe to show: it names nobody.
"""

from __future__ import annotations

from watchkeeper.core.clauses import enforces

SUPPRESS_BELOW = 5


@enforces("18.1", "R28")
def suppressed(count: int, threshold: int = SUPPRESS_BELOW) -> str:
    """The count as the public may see it: 0 and counts of `threshold` or more as they are, the rest
    as "fewer than `threshold`"."""
    if count < 0:
        raise ValueError("a count cannot be negative")
    if 0 < count < threshold:
        return f"fewer than {threshold}"
    return str(count)


def shown(count: int, public: bool) -> str:
    """The count for the edition: exact internally, suppressed in public."""
    return suppressed(count) if public else str(count)
