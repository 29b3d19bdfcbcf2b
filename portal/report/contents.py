"""The report's sections, from the figures its job froze (pure: no Flask, no database).

A section is a heading, some text and a list of blocks; a block is a table, or a chart with
the table of the same figures, which always follows the chart (on the page and in the PDF).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..scorecard.breakdowns import BREAKDOWN_LABELS
from ..scorecard.deprivation import values_by_decile
from ..scorecard.periods import Period
from ..scorecard.trends import latest_change

NO_VALUE = "No value"


@dataclass
class Block:
    """A table of figures; with `chart` ("bar" or "line") a chart of them comes first."""

    id: str
    title: str
    header: list[str]
    rows: list[list[Any]]  # label first; None is a hidden (suppressed) figure
    chart: str | None = None
    chart_column: int = 1  # the column a bar chart draws
    note: str = ""

    @property
    def has_hidden(self) -> bool:
        return any(value is None for row in self.rows for value in row[1:])

    def bars(self) -> list[tuple[str, Any]]:
        return [(str(row[0]), _number(row[self.chart_column])) for row in self.rows]

    def line(self) -> list[tuple[str, float]]:
        return [(str(row[0]), float(row[1])) for row in self.rows if _number(row[1]) is not None]

    @property
    def top(self) -> float:
        values = [v for _, v in self.bars() if v is not None]
        return max(values, default=0) or 1


@dataclass
class Section:
    id: str
    heading: str
    intro: str = ""
    narrative: list[str] = field(default_factory=list)
    highlights: list[dict[str, str]] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    voices: dict[str, Any] = field(default_factory=dict)  # stories and listening (voices)

    @property
    def charts(self) -> list[Block]:
        return [b for b in self.blocks if b.chart]


def _number(value: Any) -> Any:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _table(data: dict[str, Any], block_id: str, *, chart: bool = True, title: str = "") -> Block:
    """A frozen insights table as a block, a bar chart of its chart column when it has one
    and the column has any figure to draw."""
    column = data.get("chart")
    block = Block(
        id=block_id,
        title=title or data["title"],
        header=data["header"],
        rows=data["rows"],
        note=data.get("note", ""),
    )
    if chart and column and any(_number(row[column]) is not None for row in data["rows"]):
        block.chart = "bar"
        block.chart_column = column
    return block


def paragraphs(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]


def _point(entry: list[Any]) -> tuple[Period, float]:
    return Period(int(entry[2]), int(entry[3])), float(entry[1])


def indicator_change(indicator: dict[str, Any]) -> str:
    """The direction of the latest change ("Improving", "Getting worse"...)."""
    return latest_change([_point(p) for p in indicator["citywide"]], indicator["direction"]).label


def gaps(indicator: dict[str, Any]) -> dict[str, Any]:
    """Most against least deprived decile (recorded, or the mean of the wards in each decile
    when no decile values were recorded), the ward range, and the breakdowns it has."""
    recorded = indicator["breakdowns"]
    deciles = {int(k): v for k, v in recorded.get("deprivation_decile", {}).items()}
    wards = recorded.get("ward", {})
    estimated = False
    if not deciles and wards:
        deciles = values_by_decile(wards, indicator.get("ward_deciles", {}))
        estimated = bool(deciles)
    most, least = deciles.get(1), deciles.get(10)
    low = min(wards.items(), key=lambda item: (item[1], item[0])) if wards else None
    high = max(wards.items(), key=lambda item: (item[1], item[0])) if wards else None
    return {
        "most": most,
        "least": least,
        "gap": round(most - least, 2) if most is not None and least is not None else None,
        "estimated": estimated,
        "low": low,
        "high": high,
        "range": round(high[1] - low[1], 2) if low and high else None,
        "breakdowns": [BREAKDOWN_LABELS.get(k, k) for k in indicator.get("breakdown_keys", [])],
        "period": indicator.get("breakdown_period", ""),
    }


def _value(value: float | None) -> Any:
    if value is None:
        return NO_VALUE
    return int(value) if float(value).is_integer() else round(float(value), 2)


def scorecard_blocks(ambition: dict[str, Any]) -> list[Block]:
    """Each indicator's trajectory (a line chart and its table), then one table of directions
    and inequality gaps for the Ambition's indicators."""
    blocks: list[Block] = []
    summary = Block(
        id=f"{ambition['code']}-gaps",
        title=f"{ambition['name']}: indicators, direction and inequality gaps",
        header=[
            "Indicator",
            "Latest value",
            "Direction",
            "Most deprived decile",
            "Least deprived decile",
            "Gap (most minus least deprived)",
            "Ward range (lowest to highest)",
            "Breakdowns",
        ],
        rows=[],
    )
    for number, indicator in enumerate(ambition["indicators"], start=1):
        series = indicator["citywide"]
        found = gaps(indicator)
        if len(series) >= 1:
            blocks.append(
                Block(
                    id=f"{ambition['code']}-indicator-{number}",
                    title=f"{indicator['title']} ({indicator['unit']}), by period",
                    header=["Period", f"Value ({indicator['unit']})"],
                    rows=[[entry[0], _value(entry[1])] for entry in series],
                    chart="line" if len(series) >= 2 else None,
                )
            )
        ward_range = (
            f"{found['low'][0]} {_value(found['low'][1])} to {found['high'][0]} "
            f"{_value(found['high'][1])}"
            if found["low"] and found["high"]
            else NO_VALUE
        )
        summary.rows.append(
            [
                indicator["title"],
                _value(series[-1][1]) if series else NO_VALUE,
                indicator_change(indicator),
                _value(found["most"]),
                _value(found["least"]),
                _value(found["gap"]),
                ward_range,
                ", ".join(found["breakdowns"]) or "Citywide only",
            ]
        )
    if summary.rows:
        summary.note = (
            "Gaps are for the latest period with breakdowns. Where no decile values were "
            "recorded, a decile's figure is the average of its wards' values."
        )
        blocks.insert(0, summary)
    return blocks


def ambition_section(ambition: dict[str, Any]) -> Section:
    code = ambition["code"]
    section = Section(
        id=f"ambition-{code}",
        heading=ambition["name"],
        intro=ambition.get("strapline", ""),
        narrative=paragraphs(ambition.get("narrative", "")),
        highlights=ambition.get("highlights", []),
        voices=ambition.get("voices", {}),
    )
    section.blocks.extend(scorecard_blocks(ambition))
    section.blocks.append(
        _table(ambition["headline"], f"{code}-headline", title=f"{ambition['name']}: the network")
    )
    section.blocks.append(
        _table(ambition["wards"], f"{code}-wards", title=f"{ambition['name']}: activity by ward")
    )
    section.blocks.append(
        _table(
            ambition["deciles"],
            f"{code}-deciles",
            title=f"{ambition['name']}: activity by ward deprivation decile",
        )
    )
    section.blocks.append(
        _table(
            ambition["pledges"],
            f"{code}-pledges",
            title=f"{ambition['name']}: pledges promised against delivered",
        )
    )
    section.blocks.append(
        _table(ambition["exchange"], f"{code}-exchange", title=f"{ambition['name']}: the exchange")
    )
    section.blocks.append(
        _table(
            ambition["unmet"],
            f"{code}-unmet",
            title=f"{ambition['name']}: wards with the most unmet requests",
        )
    )
    return section


def sections(content: dict[str, Any]) -> list[Section]:
    """The whole report, in reading order: the city, each Ambition, then self-assessment."""
    city = content["city"]
    found = [
        Section(
            id="city",
            heading=f"Leeds in {content['year']}",
            intro="What the anchor network did across the four Ambitions this year.",
            blocks=[
                _table(city["headline"], "city-headline", title="The year in figures"),
                _table(city["by_ambition"], "city-ambitions", title="Activity by Ambition"),
            ],
        )
    ]
    found.extend(ambition_section(ambition) for ambition in content["ambitions"])
    found.append(
        Section(
            id="assessment",
            heading="Self-assessment progress",
            intro="How organisations rate themselves against the Anchor Progression Framework.",
            blocks=[
                _table(city["submitted"], "assessment-submitted"),
                _table(city["dimensions"], "assessment-dimensions"),
                _table(city["change"], "assessment-change"),
            ],
        )
    )
    return found
