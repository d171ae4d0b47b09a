"""Inline SVG charts for the dashboard, drawn on the server so the page needs no chart library."""

from __future__ import annotations

from html import escape


def trend_svg(points: list[tuple[str, float | None, float]], width: int = 640, height: int = 220) -> str:
    """Monthly rate (line) against target (dashed) for (month, rate, target) points; rates are fractions."""
    if not points:
        return ""
    left, right, top, bottom = 40, 10, 10, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(1, len(points) - 1)

    def x(i: int) -> float:
        return left + (i * step if len(points) > 1 else plot_w / 2)

    def y(value: float) -> float:
        return top + plot_h * (1 - max(0.0, min(1.0, value)))

    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" xmlns="http://www.w3.org/2000/svg">'
    ]
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" class="grid"/>'
        )
        parts.append(
            f'<text x="{left - 4}" y="{y(tick) + 4:.1f}" class="tick" text-anchor="end">{tick:.0%}</text>'
        )
    target = " ".join(f"{x(i):.1f},{y(t):.1f}" for i, (_, _, t) in enumerate(points))
    parts.append(f'<polyline points="{target}" class="target"/>')
    rated = [(i, r) for i, (_, r, _) in enumerate(points) if r is not None]
    if rated:
        line = " ".join(f"{x(i):.1f},{y(r):.1f}" for i, r in rated)
        parts.append(f'<polyline points="{line}" class="rate"/>')
        for i, r in rated:
            parts.append(
                f'<circle cx="{x(i):.1f}" cy="{y(r):.1f}" r="3" class="rate"><title>{escape(points[i][0])}: '
                f"{r:.1%}</title></circle>"
            )
    every = max(1, len(points) // 12)
    for i, (label, _, _) in enumerate(points):
        if i % every == 0:
            parts.append(
                f'<text x="{x(i):.1f}" y="{height - bottom + 16}" class="tick" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def bars_svg(values: list[tuple[str, int]], width: int = 640, height: int = 120) -> str:
    """Small bar chart of counts per label (pages per day)."""
    if not values:
        return ""
    top, bottom = 8, 20
    highest = max(n for _, n in values) or 1
    bar_w = width / len(values)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (label, n) in enumerate(values):
        h = (height - top - bottom) * n / highest
        parts.append(
            f'<rect x="{i * bar_w + 1:.1f}" y="{height - bottom - h:.1f}" width="{max(1.0, bar_w - 2):.1f}" '
            f'height="{h:.1f}" class="bar"><title>{escape(label)}: {n}</title></rect>'
        )
    parts.append(f'<text x="0" y="{height - 4}" class="tick">{escape(values[0][0])}</text>')
    parts.append(
        f'<text x="{width}" y="{height - 4}" class="tick" text-anchor="end">{escape(values[-1][0])}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
