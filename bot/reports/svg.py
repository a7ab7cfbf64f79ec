"""Small inline SVG charts: a horizontal bar chart and a line chart.

No scripts, no external fonts or links: the charts render in a mailed HTML file. Each
chart carries ``role="img"`` with a ``<title>`` and ``<desc>`` for screen readers, and
the lines differ in dash pattern, marker shape and colour (colour-blind safe Okabe-Ito
hues). Lines with the same values stay apart: each series is drawn a little offset, with
markers of its own shape and size, so equal lines show as parallel lines rather than
one. Every text is escaped.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

FONT = "font-family:Arial,Helvetica,sans-serif"
BLUE, VERMILLION, GREEN, GREY = "#0072B2", "#D55E00", "#007A5A", "#6B6B6B"


@dataclass(frozen=True, kw_only=True)
class Bar:
    """One bar: its label, its length (a fraction, 1.0 = 100%) and the text beside it."""

    label: str
    value: float
    text: str
    muted: bool = False


@dataclass(frozen=True, kw_only=True)
class Series:
    """One line of a line chart."""

    name: str
    values: Sequence[int]
    color: str
    dash: str = ""
    marker: str = "circle"
    """``circle``, ``square`` or ``diamond``: drawn at every point."""


def _open(chart_id: str, width: int, height: int, title: str, description: str) -> list[str]:
    return [
        f'<svg role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px;{FONT}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    description: str,
    chart_id: str,
    tick_label: Callable[[float], str],
) -> str:
    """Horizontal bars, one row per bar, on a scale from 0 to at least 1.0."""
    label_width, bar_width, row = 170, 400, 26
    width = label_width + bar_width + 130  # room for "100% (120/120)" after a full bar
    height = 30 + row * len(bars) + 10
    top = 24
    scale = max(1.0, math.ceil(max((b.value for b in bars), default=0) * 4) / 4)
    parts = _open(chart_id, width, height, title, description)
    for step in range(int(scale * 4) + 1):
        x = label_width + bar_width * (step / 4) / scale
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 10}" '
            'stroke="#d0d0d0" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{top - 8}" font-size="11" fill="#444" '
            f'text-anchor="middle">{escape(tick_label(step / 4))}</text>'
        )
    for position, bar in enumerate(bars):
        y = top + position * row
        length = bar_width * max(0.0, bar.value) / scale
        color = GREY if bar.muted else BLUE
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 17}" font-size="13" fill="#1a1a1a" '
            f'text-anchor="end">{escape(_shorten(bar.label, 24))}</text>'
        )
        parts.append(
            f'<rect x="{label_width}" y="{y + 4}" width="{length:.1f}" height="{row - 8}" '
            f'fill="{color}"/>'
        )
        parts.append(
            f'<text x="{label_width + length + 6:.1f}" y="{y + 17}" font-size="12" '
            f'fill="#1a1a1a">{escape(bar.text)}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def _nice_max(value: int) -> int:
    if value <= 4:
        return 4
    magnitude: int = 10 ** int(math.log10(value))
    for step in (1, 2, 2.5, 5):
        top = int(step * magnitude)
        if top >= value:
            return top
    return 10 * magnitude


def _marker(shape: str, x: float, y: float, size: float, color: str) -> str:
    if shape == "square":
        return (
            f'<rect x="{x - size:.1f}" y="{y - size:.1f}" width="{2 * size:.1f}" '
            f'height="{2 * size:.1f}" fill="{color}"/>'
        )
    if shape == "diamond":
        corners = ((x, y - size), (x + size, y), (x, y + size), (x - size, y))
        points = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in corners)
        return f'<polygon points="{points}" fill="{color}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size:.1f}" fill="{color}"/>'


OFFSET = 2.5
"""Pixels between series drawn at the same value, so none hides another."""


def line_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    description: str,
    chart_id: str,
    tick_label: Callable[[int], str],
    current: int | None = None,
    current_label: str = "",
) -> str:
    """One line per series over the ``labels`` (weeks), with a legend and a y axis.

    ``current`` is the index of the current week: its label is always shown, with
    ``current_label`` under it and a dashed guide line up the chart.
    """
    width, height = 720, 336
    left, right, top, bottom = 64, 40, 48, 60  # room for the last week label
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = _nice_max(max((v for s in series for v in s.values), default=0))
    count = len(labels)

    def x_of(index: int) -> float:
        return left + (plot_w * index / (count - 1) if count > 1 else plot_w / 2)

    def y_of(value: int) -> float:
        return top + plot_h - plot_h * value / peak

    parts = _open(chart_id, width, height, title, description)
    for step in range(5):
        value = peak * step // 4
        y = y_of(value)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            'stroke="#d0d0d0" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" fill="#444" '
            f'text-anchor="end">{escape(tick_label(value))}</text>'
        )
    every = max(1, math.ceil(count / 8))
    shown = set(range(0, count, every))
    if current is not None and 0 <= current < count:
        # The current week's label always shows; a neighbour that would overlap it yields.
        shown = {i for i in shown if abs(i - current) >= every} | {current}
        x = x_of(current)
        parts.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_h}" '
            'stroke="#444" stroke-width="1" stroke-dasharray="3 3"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{height - bottom + 34}" font-size="11" font-weight="bold" '
            f'fill="#1a1a1a" text-anchor="middle">{escape(current_label)}</text>'
        )
    for index in sorted(shown):
        weight = ' font-weight="bold"' if index == current else ""
        parts.append(
            f'<text x="{x_of(index):.1f}" y="{height - bottom + 18}" font-size="11" '
            f'fill="#444" text-anchor="middle"{weight}>{escape(labels[index])}</text>'
        )
    legend_x = left
    middle = (len(series) - 1) / 2
    for position, line in enumerate(series):
        dash = f' stroke-dasharray="{line.dash}"' if line.dash else ""
        # Earlier series get larger markers, drawn first: a later one sits inside them.
        size = 3.0 + 1.5 * (len(series) - 1 - position)
        offset = (position - middle) * OFFSET
        parts.append(
            f'<line x1="{legend_x}" y1="20" x2="{legend_x + 28}" y2="20" '
            f'stroke="{line.color}" stroke-width="3"{dash}/>'
        )
        parts.append(_marker(line.marker, legend_x + 14, 20, size, line.color))
        parts.append(
            f'<text x="{legend_x + 34}" y="24" font-size="12" fill="#1a1a1a">'
            f"{escape(line.name)}</text>"
        )
        legend_x += 46 + 8 * len(line.name)
        points = [(x_of(i), y_of(v) + offset) for i, v in enumerate(line.values)]
        if count > 1:
            joined = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(
                f'<polyline points="{joined}" fill="none" stroke="{line.color}" '
                f'stroke-width="2.5" stroke-linejoin="round"{dash}/>'
            )
        parts.extend(_marker(line.marker, x, y, size, line.color) for x, y in points)
    parts.append("</svg>")
    return "\n".join(parts)
