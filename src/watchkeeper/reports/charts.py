"""Charts drawn on the server as SVG markup (no chart library, no script, no inline style: the site's
Content-Security-Policy allows neither). Colours come from presentation attributes and the site's CSS
classes. Every label is escaped; the figures are plain numbers.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, BAR_HEIGHT, LABEL_WIDTH, GAP = 520, 18, 170, 6


def bar_chart(title: str, bars: Sequence[tuple[str, float]], unit: str = "") -> SafeString:
    """A horizontal bar chart: one labelled bar per (label, value), scaled to the largest value."""
    top = max((value for _, value in bars), default=0) or 1
    height = len(bars) * (BAR_HEIGHT + GAP) + GAP
    room = WIDTH - LABEL_WIDTH - 60
    rows = []
    for index, (label, value) in enumerate(bars):
        y = GAP + index * (BAR_HEIGHT + GAP)
        length = max(room * value / top, 0)
        rows.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 13}" text-anchor="end" font-size="12">'
            f"{escape(label)}</text>"
            f'<rect class="chart-bar" x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" '
            f'fill="#3b6ea5"><title>{escape(label)}: {_number(value)}{escape(unit)}</title></rect>'
            f'<text x="{LABEL_WIDTH + length + 4:.1f}" y="{y + 13}" font-size="12">'
            f"{_number(value)}{escape(unit)}</text>"
        )
    return mark_safe(  # noqa: S308 — built above from escaped labels and numbers only
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        f"{''.join(rows)}</svg>"
    )


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
