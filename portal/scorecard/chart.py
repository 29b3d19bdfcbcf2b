"""Geometry for the server-side SVG line chart of an indicator's trajectory."""

from __future__ import annotations

import math
from dataclasses import dataclass

WIDTH = 640
HEIGHT = 260
LEFT = 64  # room for the value axis labels
RIGHT = 24
TOP = 16
BOTTOM = 40  # room for the period labels


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    label: str
    value: float


@dataclass(frozen=True)
class LineChart:
    points: list[ChartPoint]
    ticks: list[tuple[float, float]]  # (y position, value)
    tick_places: int = 0  # decimal places that tell every tick apart (0.05 steps need 2)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    baseline: int = HEIGHT - BOTTOM

    @property
    def path(self) -> str:
        return " ".join(
            f"{'M' if i == 0 else 'L'}{p.x:.1f},{p.y:.1f}" for i, p in enumerate(self.points)
        )


def nice_step(span: float, steps: int = 4) -> float:
    """A round step (1, 2 or 5 times a power of ten) that splits `span` into about `steps`."""
    if span <= 0:
        return 1.0
    raw = span / steps
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def line_chart(series: list[tuple[str, float]]) -> LineChart:
    """Place (label, value) points, in order, on a chart whose value axis has round ticks."""
    if not series:
        return LineChart(points=[], ticks=[])
    values = [value for _, value in series]
    low, high = min(values), max(values)
    if low == high:
        low, high = low - 1, high + 1
    step = nice_step(high - low)
    axis_low = math.floor(low / step) * step
    axis_high = math.ceil(high / step) * step
    plot_height = HEIGHT - TOP - BOTTOM
    plot_width = WIDTH - LEFT - RIGHT

    def y_for(value: float) -> float:
        return TOP + (axis_high - value) / (axis_high - axis_low) * plot_height

    gap = plot_width / (len(series) - 1) if len(series) > 1 else 0
    points = [
        ChartPoint(
            x=LEFT + (index * gap if len(series) > 1 else plot_width / 2),
            y=y_for(value),
            label=label,
            value=value,
        )
        for index, (label, value) in enumerate(series)
    ]
    ticks = []
    tick = axis_low
    while tick <= axis_high + step / 2:
        ticks.append((y_for(tick), round(tick, 10)))
        tick += step
    places = max(0, -math.floor(math.log10(step) + 1e-9))
    return LineChart(points=points, ticks=ticks, tick_places=places)
