"""Geometry for the server-side SVG charts (line, progress and bar), drawn by templates/_charts.

Pure functions: pages pass figures in and templates draw what comes out, always followed by a
table of the same figures, so the SVG is never the only way to read them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

WIDTH, HEIGHT = 640, 260
TOP, BOTTOM = 16, 40  # room above the plot, and below it for the x labels
BAR_LEFT, BAR_LENGTH = 220, 360  # where bars start (after their labels) and the longest bar


@dataclass(frozen=True)
class Scale:
    """A straight-line map from data values (low..high) to pixels (start..end)."""

    low: float
    high: float
    start: float
    end: float

    def __call__(self, value: float | Decimal) -> float:
        if self.high == self.low:
            return self.start
        return self.start + (float(value) - self.low) / (self.high - self.low) * (
            self.end - self.start
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


def nice_axis(low: float, high: float, steps: int = 4) -> tuple[float, float, float]:
    """An axis (low, high, step) on round numbers that covers low..high."""
    if low == high:
        low, high = low - 1, high + 1
    step = nice_step(high - low, steps)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def tick_places(step: float) -> int:
    """Decimal places that tell every tick apart (steps of 0.05 need 2)."""
    return max(0, -math.floor(math.log10(step) + 1e-9))


def bar_length(value: float | Decimal | None, top: float | Decimal, length: float) -> float:
    """A bar's length in pixels: `value` out of `top` along `length` (0 for no value)."""
    if not value or not top:
        return 0.0
    return round(float(value) / float(top) * length, 1)


# Line chart of an indicator's trajectory ---------------------------------------------------

LINE_LEFT, LINE_RIGHT = 64, 24  # room for the value axis labels; margin on the right


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
    tick_places: int = 0
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LINE_LEFT
    right_edge: int = WIDTH - LINE_RIGHT
    baseline: int = HEIGHT - BOTTOM

    @property
    def path(self) -> str:
        return " ".join(
            f"{'M' if i == 0 else 'L'}{p.x:.1f},{p.y:.1f}" for i, p in enumerate(self.points)
        )


def line_chart(series: list[tuple[str, float]]) -> LineChart:
    """Place (label, value) points, in order, on a chart whose value axis has round ticks."""
    if not series:
        return LineChart(points=[], ticks=[])
    values = [value for _, value in series]
    axis_low, axis_high, step = nice_axis(min(values), max(values))
    y = Scale(axis_low, axis_high, HEIGHT - BOTTOM, TOP)
    plot_width = WIDTH - LINE_LEFT - LINE_RIGHT
    if len(series) > 1:
        x = Scale(0, len(series) - 1, LINE_LEFT, LINE_LEFT + plot_width)
    else:
        x = Scale(0, 0, LINE_LEFT + plot_width / 2, LINE_LEFT + plot_width / 2)
    points = [
        ChartPoint(x=x(index), y=y(value), label=label, value=value)
        for index, (label, value) in enumerate(series)
    ]
    ticks = []
    tick = axis_low
    while tick <= axis_high + step / 2:
        ticks.append((y(tick), round(tick, 10)))
        tick += step
    return LineChart(points=points, ticks=ticks, tick_places=tick_places(step))


# Progress chart: delivered so far against a straight-line promise --------------------------

PROGRESS_LEFT, PROGRESS_RIGHT = 70, 20


@dataclass
class ProgressChart:
    width: int
    height: int
    expected_points: str
    delivered_points: str
    dots: list[tuple[float, float]]
    y_ticks: list[tuple[float, Decimal]]
    x_labels: list[tuple[float, date]]
    baseline_y: float
    left: int = PROGRESS_LEFT
    right_edge: int = WIDTH - PROGRESS_RIGHT


def progress_chart(
    *, start: date, end: date, promised: Decimal, cumulative: list[tuple[date, Decimal]]
) -> ProgressChart:
    """Cumulative delivered units as a stepped line; the promise as a straight line start to end."""
    last_day = max([end, *(on for on, _ in cumulative)])
    first_day = min([start, *(on for on, _ in cumulative)])
    top = max([promised, *(total for _, total in cumulative), Decimal(1)])
    day_scale = Scale(0, max(1, (last_day - first_day).days), PROGRESS_LEFT, WIDTH - PROGRESS_RIGHT)
    value_scale = Scale(0, float(top), HEIGHT - BOTTOM, TOP)

    def x(day: date) -> float:
        return round(day_scale((day - first_day).days), 1)

    def y(value: Decimal) -> float:
        return round(value_scale(value), 1)

    expected = f"{x(start)},{y(Decimal(0))} {x(end)},{y(promised)}"
    steps = [(x(start), y(Decimal(0)))]
    previous = Decimal(0)
    for on, total in cumulative:
        steps.append((x(on), y(previous)))
        steps.append((x(on), y(total)))
        previous = total
    ticks = [
        (y(top * share / 4), (top * share / 4).quantize(Decimal("0.01"))) for share in range(5)
    ]
    return ProgressChart(
        width=WIDTH,
        height=HEIGHT,
        expected_points=expected,
        delivered_points=" ".join(f"{px},{py}" for px, py in steps),
        dots=[(x(on), y(total)) for on, total in cumulative],
        y_ticks=ticks,
        x_labels=[(x(first_day), first_day), (x(last_day), last_day)],
        baseline_y=y(Decimal(0)),
    )
