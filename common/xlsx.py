"""Spreadsheets the portal hands out: one content type, one streamed response, one rule against formulas.

Exports are written with openpyxl's write-only mode into a temporary file that is streamed to the user
(``xlsx_response``). A stored text that Excel could read as a formula (=, +, - or @ first) is written as a text
cell, never as a formula (CSV/formula injection).
"""

import tempfile

from django.http import FileResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@")


def xlsx_response(fill, filename: str) -> FileResponse:
    """Write an xlsx into a temporary file with ``fill(fileobj)`` and stream it as a download."""
    fileobj = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    fill(fileobj)
    fileobj.seek(0)
    return FileResponse(fileobj, as_attachment=True, filename=filename, content_type=XLSX)


def text_cell(sheet, value):
    """A write-only cell that holds ``value`` as text."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def safe_row(sheet, row):
    """``row`` with every text that could start a formula as a text cell (the row itself when there is none)."""
    if not any(isinstance(v, str) and v.startswith(FORMULA_PREFIXES) for v in row):
        return row
    return [text_cell(sheet, v) if isinstance(v, str) and v.startswith(FORMULA_PREFIXES) else v for v in row]


def bold_row(sheet, labels):
    """A header row: ``labels`` as bold cells."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    bold = Font(bold=True)
    cells = []
    for label in labels:
        cell = WriteOnlyCell(sheet, value=str(label))
        cell.font = bold
        cells.append(cell)
    return cells
