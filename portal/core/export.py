"""The one writer for every CSV and XLSX file the portal produces.

Rows are streamed (CSV) or appended as they come (XLSX), and every text cell that a spreadsheet
would run as a formula is neutralised, following OWASP's CSV injection guidance.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain

from flask import Response, send_file, stream_with_context
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

CSV_MIMETYPE = "text/csv"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell starting with one of these runs as a formula in Excel, LibreOffice or Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_COLUMN_WIDTH = 60

Row = Sequence[object]


def neutralise(value: object) -> object:
    """A text cell that would start a formula gets a leading quote; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_lines(header: Row, rows: Iterable[Row]) -> Iterator[str]:
    """The header and each row as one CSV line (CRLF endings, as spreadsheets expect)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for record in chain([header], rows):
        writer.writerow([neutralise(value) for value in record])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def csv_text(header: Row, rows: Iterable[Row]) -> str:
    """The whole CSV as one string (for files written outside a request)."""
    return "".join(csv_lines(header, rows))


def csv_response(filename: str, header: Row, rows: Iterable[Row], *, bom: bool = False) -> Response:
    """A streamed CSV download; `bom` makes Excel read the file as UTF-8."""

    def generate() -> Iterator[str]:
        if bom:
            yield "\ufeff"
        yield from csv_lines(header, rows)

    return Response(
        stream_with_context(generate()),
        mimetype=CSV_MIMETYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@dataclass
class Sheet:
    """One worksheet: a bold, frozen header row over the data rows."""

    title: str
    header: Row
    rows: Iterable[Row]


def xlsx_workbook(sheets: Iterable[Sheet]) -> io.BytesIO:
    """An XLSX file of the sheets, every cell neutralised, columns sized to their contents."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for spec in sheets:
        sheet = workbook.create_sheet(spec.title)
        sheet.append([neutralise(value) for value in spec.header])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in spec.rows:
            sheet.append([neutralise(value) for value in row])
        for column in sheet.columns:
            width = min(MAX_COLUMN_WIDTH, max(len(str(c.value or "")) for c in column) + 2)
            sheet.column_dimensions[column[0].column_letter].width = width
            for cell in column:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def xlsx_response(filename: str, sheets: Iterable[Sheet]) -> Response:
    """An XLSX download of the sheets."""
    return send_file(
        xlsx_workbook(sheets),
        mimetype=XLSX_MIMETYPE,
        as_attachment=True,
        download_name=filename,
    )
