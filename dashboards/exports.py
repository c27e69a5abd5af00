"""Exports: any dashboard table to xlsx (openpyxl), and the one-page PDF summary of a node (WeasyPrint).

Fonts: "Noto Sans CJK SC" (Debian fonts-noto-cjk) is named on ``html`` and in the ``@page`` margin boxes.
Slow imports stay inside the functions.
"""

import io
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .tables import Table

PDF_CSS = Path(settings.BASE_DIR) / "static" / "dashboards" / "summary_pdf.css"
XLSX_MAX_ROWS = 50_000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(sheet, value):
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, Decimal):
        cell = WriteOnlyCell(sheet, value=float(value))
        cell.number_format = '0.0"%"'
        return cell
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@")):
        cell.data_type = "s"  # never a formula in the user's Excel
    return cell


def tables_xlsx(tables: list[Table], *, heading: str, subheading: str = "") -> bytes:
    """One sheet per table: a heading, the column labels in bold, the rows (and the footer)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    used = set()
    for table in tables:
        title = (table.title or table.key)[:31]
        for bad in "[]:*?/\\":
            title = title.replace(bad, " ")
        while title in used:
            title = title[:28] + str(len(used))
        used.add(title)
        sheet = workbook.create_sheet(title)
        sheet.append([heading])
        if subheading:
            sheet.append([subheading])
        sheet.append([])
        header = []
        for column in table.columns:
            cell = WriteOnlyCell(sheet, value=column.label)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for n, row in enumerate(table.rows):
            if n >= XLSX_MAX_ROWS:
                sheet.append([_("（仅导出前 %(n)s 行）") % {"n": XLSX_MAX_ROWS}])
                break
            sheet.append([_cell(sheet, c.value) for c in row])
        if table.footer:
            footer = []
            for c in table.footer:
                cell = _cell(sheet, c.value)
                cell.font = bold
                footer.append(cell)
            sheet.append(footer)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def summary_pdf(context: dict) -> bytes:
    from weasyprint import CSS, HTML

    html = render_to_string("dashboards/summary_pdf.html", context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(stylesheets=[CSS(filename=str(PDF_CSS))])
