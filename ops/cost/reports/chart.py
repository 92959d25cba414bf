"""A stacked bar chart as inline SVG (no script, no external resource)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

# One colour per service, readable on white and distinct in print.
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)


def _nice_ceiling(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def stacked_bar_svg(categories: Sequence[str], stacks: Mapping[str, Sequence[float]], title: str) -> str:
    """An SVG of one bar per category, each split into ``stacks`` (series name -> one value per
    category), with a y axis in dollars and a legend."""
    width, height = 720, 420
    left, right, top, bottom = 70, 190, 40, 50
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(values[i] for values in stacks.values()) for i in range(len(categories))]
    ceiling = _nice_ceiling(max(totals, default=0.0))
    slot = plot_w / max(1, len(categories))
    bar = slot * 0.6
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}">',
        f'<text x="{left}" y="22" font-size="15" font-weight="bold">{escape(title)}</text>',
    ]
    for step in range(6):
        value = ceiling * step / 5
        y = top + plot_h - plot_h * step / 5
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 8}" y="{y + 4:.1f}" font-size="11" text-anchor="end">${value:,.0f}</text>')
    for index, category in enumerate(categories):
        x = left + slot * index + (slot - bar) / 2
        y = top + plot_h
        for colour_index, (name, values) in enumerate(stacks.items()):
            value = values[index]
            if value <= 0:
                continue
            h = plot_h * value / ceiling
            y -= h
            colour = PALETTE[colour_index % len(PALETTE)]
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{colour}">'
                f"<title>{escape(category)}: {escape(name)} ${value:,.2f}</title></rect>"
            )
        label = f"${totals[index]:,.2f}"
        parts.append(f'<text x="{x + bar / 2:.1f}" y="{y - 6:.1f}" font-size="11" text-anchor="middle">{label}</text>')
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{top + plot_h + 18}" font-size="12" text-anchor="middle">'
            f"{escape(category)}</text>"
        )
    for colour_index, name in enumerate(stacks):
        y = top + 14 * colour_index
        colour = PALETTE[colour_index % len(PALETTE)]
        parts.append(f'<rect x="{width - right + 16}" y="{y}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{width - right + 32}" y="{y + 9}" font-size="11">{escape(name)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
