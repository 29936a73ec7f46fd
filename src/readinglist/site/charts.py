"""Bar charts drawn as inline SVG, readable without JavaScript or a request to another host."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape


def bar_chart(chart_id: str, title: str, rows: Sequence[tuple[str, int]]) -> Markup:
    """A horizontal bar chart as inline SVG; the numbers are in the drawing and its description."""
    row_height, label_width, width = 22, 190, 640
    bar_room = width - label_width - 50
    top = max((value for _, value in rows), default=1) or 1
    height = row_height * max(len(rows), 1) + 4
    desc = "; ".join(f"{label}: {value}" for label, value in rows) or "no entries"
    parts = [
        f'<svg class="chart" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc"'
        f' viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]
    for index, (label, value) in enumerate(rows):
        y = index * row_height + 2
        bar = max(1, round(bar_room * value / top))
        shown = label if len(label) <= 26 else label[:25] + "…"
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end">{escape(shown)}</text>'
            f'<rect class="bar" x="{label_width}" y="{y + 3}" width="{bar}"'
            f' height="{row_height - 6}"/>'
            f'<text x="{label_width + bar + 6}" y="{y + 15}">{value}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
