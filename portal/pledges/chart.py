"""Geometry for a pledge's progress chart: delivered so far against the straight-line promise."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 16, 40


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


def build_chart(
    *, start: date, end: date, promised: Decimal, cumulative: list[tuple[date, Decimal]]
) -> ProgressChart:
    """Cumulative delivered units as a stepped line; the promise as a straight line start to end."""
    last_day = max([end, *(on for on, _ in cumulative)])
    first_day = min([start, *(on for on, _ in cumulative)])
    span = max(1, (last_day - first_day).days)
    top = max([promised, *(total for _, total in cumulative), Decimal(1)])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: date) -> float:
        return round(LEFT + (day - first_day).days / span * plot_w, 1)

    def y(value: Decimal) -> float:
        return round(TOP + plot_h - float(value / top) * plot_h, 1)

    expected = f"{x(start)},{y(Decimal(0))} {x(end)},{y(promised)}"
    steps = [(x(start), y(Decimal(0)))]
    previous = Decimal(0)
    for on, total in cumulative:
        steps.append((x(on), y(previous)))
        steps.append((x(on), y(total)))
        previous = total
    delivered = " ".join(f"{px},{py}" for px, py in steps)
    dots = [(x(on), y(total)) for on, total in cumulative]
    ticks = [
        (y(top * share / 4), (top * share / 4).quantize(Decimal("0.01"))) for share in range(5)
    ]
    return ProgressChart(
        width=WIDTH,
        height=HEIGHT,
        expected_points=expected,
        delivered_points=delivered,
        dots=dots,
        y_ticks=ticks,
        x_labels=[(x(first_day), first_day), (x(last_day), last_day)],
        baseline_y=y(Decimal(0)),
    )
