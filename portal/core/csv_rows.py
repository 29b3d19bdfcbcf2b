"""Reading and checking an uploaded CSV file against a feature's column spec. Pure: no database.

A feature declares its columns (name, whether the header must have it, a small parser, the
message for a blank cell) and a `build` step for checks that span columns. This module does the
rest the same way for every feature: decoding, the size limit, the header, row numbers, errors
collected per row, duplicate rows and progress.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, NamedTuple, TypeVar

C = TypeVar("C")  # what the feature's parsers look things up in (reference data as plain values)
R = TypeVar("R")  # one checked row, ready to apply

MAX_ROWS = 20_000
MAX_REPORTED_ERRORS = 1000
BYTES_PER_MB = 1024 * 1024  # one unit for every size limit and its message
EXTRA_CELLS = "This row has more cells than there are columns"


class CsvFileError(ValueError):
    """The file as a whole cannot be read; the message is for the person."""


class RowError(NamedTuple):
    row: int | None  # the spreadsheet row (the header is row 1); None for the whole file
    column: str
    message: str


def decode(content: bytes, *, max_mb: int) -> str:
    """The file's text, or CsvFileError for an empty, oversized, binary or non-UTF-8 file."""
    if not content.strip():
        raise CsvFileError("The selected file is empty")
    if len(content) > max_mb * BYTES_PER_MB:
        raise CsvFileError(f"The selected file must be smaller than {max_mb} MB")
    if b"\x00" in content[:4096]:
        raise CsvFileError("The selected file must be a CSV file, not a spreadsheet or other file")
    try:
        return content.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte-order mark
    except UnicodeDecodeError as error:
        raise CsvFileError(
            "The selected file must be saved as ‘CSV UTF-8’: "
            f"byte {error.start + 1} is not valid UTF-8 text"
        ) from error


def normalise_header(name: str) -> str:
    """' Start Date ' -> 'start_date': spreadsheets re-case and re-space headers."""
    return "_".join((name or "").strip().lower().split())


class Row(Generic[C]):
    """One data row while it is checked: raw cells, values parsed so far, errors found."""

    def __init__(self, number: int, cells: dict[str, str], context: C) -> None:
        self.number = number
        self.cells = cells
        self.context = context
        self.values: dict[str, Any] = {}
        self.errors: list[RowError] = []

    def fail(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, message))

    def failed(self, column: str) -> bool:
        return any(error.column == column for error in self.errors)

    def text(self, column: str) -> str:
        return (self.cells.get(column) or "").strip()


@dataclass(frozen=True)
class Column(Generic[C]):
    """One column: `parse(text, row)` returns the value or raises ValueError(message)."""

    name: str
    help: str = ""  # what goes in it, for the import page
    required: bool = False  # the header row must have it
    parse: Callable[[str, Row[C]], Any] | None = None  # None keeps the stripped text
    blank: str | None = None  # the message for an empty cell; None lets `parse` decide


@dataclass(frozen=True)
class RowCheck(Generic[C]):
    """A check across columns, run only when every column it `needs` parsed without a problem."""

    needs: tuple[str, ...]
    run: Callable[[Row[C]], None]  # reports through row.fail


@dataclass(frozen=True)
class CsvSpec(Generic[C, R]):
    """What a feature's CSV file holds and how a checked row becomes a record."""

    columns: Sequence[Column[C]]
    build: Callable[[Row[C]], R]  # called only for rows with no problem
    what: str  # "activities": "The file has no rows of activities under the column names"
    checks: Sequence[RowCheck[C]] = ()
    max_rows: int = MAX_ROWS
    duplicate_key: Callable[[R], Hashable] | None = None
    duplicate: Callable[[int], tuple[str, str]] | None = None  # first row -> (column, message)

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]

    @property
    def required(self) -> list[str]:
        return [column.name for column in self.columns if column.required]


@dataclass
class CheckReport(Generic[R]):
    records: list[R] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    total_rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def read_header(spec: CsvSpec[Any, Any], text: str) -> list[str]:
    """The header row, checked: every required column present, no unknown or repeated ones."""
    try:
        header = next(csv.reader(io.StringIO(text)), None)
    except csv.Error as error:
        raise CsvFileError(f"The file could not be read as CSV: {error}") from error
    if not header or not any(cell.strip() for cell in header):
        raise CsvFileError("The first row of the file must name the columns, as in the template")
    names = [normalise_header(cell) for cell in header]
    missing = [name for name in spec.required if name not in names]
    if missing:
        raise CsvFileError("The file is missing these columns: " + ", ".join(missing))
    unknown = [name for name in names if name and name not in spec.names]
    if unknown:
        raise CsvFileError(
            "The file has columns the import does not know: "
            + ", ".join(unknown[:5])
            + ". Use the column names from the template"
        )
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    if repeated:
        raise CsvFileError("These columns appear more than once: " + ", ".join(repeated))
    return names


def iter_rows(spec: CsvSpec[Any, Any], text: str) -> Iterator[tuple[int, dict[str, str] | None]]:
    """(row number, cells by column) for each data row; None for a row with too many cells.

    Blank lines are skipped but still counted in the row numbers, as a spreadsheet shows them.
    Raises CsvFileError if the header is wrong or the CSV is malformed or too long.
    """
    names = read_header(spec, text)
    reader = csv.reader(io.StringIO(text))
    try:
        next(reader)
        for index, cells in enumerate(reader, start=2):
            if index - 1 > spec.max_rows:
                raise CsvFileError(f"The file has more than {spec.max_rows:,} rows: split it up")
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(names) and any(c.strip() for c in cells[len(names) :]):
                yield index, None
                continue
            yield (
                index,
                {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(names)},
            )
    except csv.Error as error:
        raise CsvFileError(f"The file could not be read as CSV: {error}") from error


def count_rows(spec: CsvSpec[Any, Any], text: str) -> int:
    """How many data rows the file has; raises CsvFileError as `iter_rows` does, or if none."""
    total = sum(1 for _ in iter_rows(spec, text))
    if total == 0:
        raise CsvFileError(f"The file has no rows of {spec.what} under the column names")
    return total


def _parse_cell(column: Column[C], row: Row[C]) -> None:
    text = row.text(column.name)
    if not text and column.blank is not None:
        row.fail(column.name, column.blank)
        return
    if column.parse is None:
        row.values[column.name] = text
        return
    try:
        row.values[column.name] = column.parse(text, row)
    except ValueError as error:
        row.fail(column.name, str(error))


def check_row(
    spec: CsvSpec[C, R], number: int, cells: dict[str, str] | None, context: C
) -> tuple[R | None, list[RowError]]:
    """Every problem with one row, by column; the record when there are none."""
    if cells is None:
        return None, [RowError(number, "", EXTRA_CELLS)]
    row = Row(number, cells, context)
    for column in spec.columns:
        _parse_cell(column, row)
    for check in spec.checks:
        if all(name in row.values and not row.failed(name) for name in check.needs):
            check.run(row)
    if row.errors:
        return None, row.errors
    return spec.build(row), []


class _Duplicates(Generic[R]):
    """Remembers each record's key and the row it was first seen on."""

    def __init__(self, spec: CsvSpec[Any, R]) -> None:
        self.spec = spec
        self.seen: dict[Hashable, int] = {}

    def check(self, number: int, record: R) -> RowError | None:
        if self.spec.duplicate_key is None or self.spec.duplicate is None:
            return None
        key = self.spec.duplicate_key(record)
        if key not in self.seen:
            self.seen[key] = number
            return None
        column, message = self.spec.duplicate(self.seen[key])
        return RowError(number, column, message)


def check_text(
    spec: CsvSpec[C, R],
    text: str,
    context: C,
    progress: Callable[[int], None] | None = None,
    progress_every: int = 500,
) -> CheckReport[R]:
    """Check every row of `text`; the report holds the clean records and every problem found.

    `progress(rows_done)` is called every `progress_every` rows.
    """
    report: CheckReport[R] = CheckReport()
    duplicates = _Duplicates(spec)
    try:
        for done, (number, cells) in enumerate(iter_rows(spec, text), start=1):
            checked = check_row(spec, number, cells, context)
            record, errors = checked[0], checked[1]
            duplicate = duplicates.check(number, record) if record is not None else None
            if duplicate is not None:
                errors = [duplicate]
            report.errors += errors
            if not errors and record is not None:
                report.records.append(record)
            report.total_rows = done
            if progress is not None and done % progress_every == 0:
                progress(done)
    except CsvFileError as error:
        # The whole file is refused: its row problems would only bury the reason.
        report.records, report.errors = [], [RowError(None, "", str(error))]
    if report.ok and not report.records:
        report.errors.append(
            RowError(None, "", f"The file has no rows of {spec.what} under the column names")
        )
    return report


def template_csv(spec: CsvSpec[Any, Any], examples: Sequence[dict[str, str]]) -> str:
    """A downloadable template: the header and example rows."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=spec.names, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(examples)
    return out.getvalue()
