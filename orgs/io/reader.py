"""Reading an uploaded xlsx or CSV file into numbered rows of raw cell values.

Row numbers are those a user sees in Excel: the header is row 1, the first data row is row 2.
Completely empty rows are skipped but still counted, so numbers keep matching the spreadsheet.
"""

import csv
import datetime
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

from django.utils.translation import gettext as _

from .columns import COLUMNS, KIND_LABELS

FORMATS = ("xlsx", "csv")
PROGRESS_EVERY = 5000


class ImportFileError(Exception):
    """The file as a whole cannot be used (corrupt, wrong type, wrong header): one Chinese message."""

    def __init__(self, message):
        self.message = str(message)
        super().__init__(self.message)


@dataclass
class Table:
    """The data rows of a file: ``rows`` is a list of (row number, values), values padded to the header."""

    kind: str
    rows: list = field(default_factory=list)

    def __len__(self):
        return len(self.rows)


def file_format(name: str) -> str | None:
    suffix = PurePath(name or "").suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else None


def is_xlsx(fileobj) -> bool:
    """Cheap check at upload time: an xlsx file is a zip archive holding a workbook part."""
    try:
        position = fileobj.tell()
        try:
            with zipfile.ZipFile(fileobj) as archive:
                return "xl/workbook.xml" in archive.namelist()
        finally:
            fileobj.seek(position)
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _header_text(value) -> str:
    if value is None:
        return ""
    return str(value).replace("\ufeff", "").strip()


def check_header(kind: str, header) -> None:
    """Raise ``ImportFileError`` unless ``header`` is exactly the template's header for ``kind``."""
    expected = COLUMNS[kind]
    found = [_header_text(v) for v in header or ()]
    while found and not found[-1]:
        found.pop()
    if tuple(found) == expected:
        return
    if not found:
        raise ImportFileError(_("第 1 行应为表头，文件中没有表头。请使用下载的模板填写。"))
    for other, columns in COLUMNS.items():
        if other != kind and tuple(found) == columns:
            raise ImportFileError(
                _("这是“%(other)s”导入模板，请在导入类型中选择“%(other)s”。") % {"other": KIND_LABELS[other]}
            )
    for index, name in enumerate(expected):
        if index >= len(found):
            raise ImportFileError(
                _("表头缺少第 %(n)s 列“%(name)s”。请使用下载的模板，不要修改表头。") % {"n": index + 1, "name": name}
            )
        if found[index] != name:
            raise ImportFileError(
                _("表头第 %(n)s 列应为“%(name)s”，文件中为“%(found)s”。请使用下载的模板，不要修改表头。")
                % {"n": index + 1, "name": name, "found": found[index]}
            )
    raise ImportFileError(
        _("表头多出了第 %(n)s 列“%(found)s”。请使用下载的模板，不要增加列。")
        % {"n": len(expected) + 1, "found": found[len(expected)]}
    )


def _is_blank(values) -> bool:
    for value in values:
        if value is not None and (not isinstance(value, str) or value.strip()):
            return False
    return True


def _collect(kind, header, rows, estimate, progress) -> Table:
    check_header(kind, header)
    width = len(COLUMNS[kind])
    table = Table(kind=kind)
    append = table.rows.append
    padding = (None,) * width
    for number, values in enumerate(rows, start=2):
        if number % PROGRESS_EVERY == 0 and progress:
            progress(number, max(estimate, number), "read")
        if not values or _is_blank(values):
            continue
        values = tuple(values[:width])
        if len(values) < width:
            values = (values + padding)[:width]
        append((number, values))
    return table


def read_xlsx(kind: str, fileobj, *, progress=None) -> Table:
    try:
        book = open_xlsx(fileobj)
    except Exception as exc:  # noqa: BLE001 - any parse failure of a damaged file is the user's file, not a bug
        raise ImportFileError(_("文件已损坏或不是有效的 Excel（.xlsx）文件，无法读取。")) from exc
    try:
        if book.sheet_path is None:
            raise ImportFileError(_("Excel 文件中没有工作表。"))
        rows = _fast_rows(book)
        try:
            header = next(rows, None)
            return _collect(kind, header, rows, book.estimate, progress)
        except ImportFileError:
            raise
        except Exception as exc:  # noqa: BLE001 - a damaged sheet part
            raise ImportFileError(_("文件已损坏或不是有效的 Excel（.xlsx）文件，无法读取。")) from exc
    finally:
        book.archive.close()


@dataclass
class Book:
    """What the sheet reader needs from a workbook: its zip archive, the first worksheet's part, the shared
    strings, the styles that are dates, the date epoch and the data rows its <dimension> announces (0 when
    it has none: only for the progress bar)."""

    archive: object
    sheet_path: str | None
    shared_strings: list
    date_styles: set
    epoch: object
    estimate: int = 0


def open_xlsx(fileobj) -> Book:
    """The workbook's parts, read by openpyxl's own readers, without opening the worksheets.

    ``load_workbook(read_only=True)`` looks for each sheet's <dimension> by parsing the sheet, and a file
    without one (openpyxl's write-only files, our own exports among them) is parsed to its end only to
    find none: a third of the time of a 100,000-row import. Here the <dimension> is looked for in the
    part's start only."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    reader = ExcelReader(fileobj, read_only=True, data_only=True)
    try:
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        sheet_path = None
        for _sheet, rel in reader.parser.find_sheets():  # the first worksheet, as workbook.worksheets[0]
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type:
                sheet_path = rel.target
                break
        book = Book(
            archive=reader.archive,
            sheet_path=sheet_path,
            shared_strings=reader.shared_strings,
            date_styles=reader.wb._date_formats,
            epoch=reader.wb.epoch,
        )
        if sheet_path is not None:
            book.estimate = _announced_rows(book)
        return book
    except BaseException:
        reader.archive.close()
        raise


def _announced_rows(book) -> int:
    """Data rows by the sheet's <dimension> (ref="A1:K100001" → 100,000), read from the part's start."""
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.xml.functions import iterparse

    with book.archive.open(book.sheet_path) as source:
        for _event, element in iterparse(source, events=("start",)):
            if element.tag == _DIMENSION:
                try:
                    return max((range_boundaries(element.get("ref", ""))[3] or 0) - 1, 0)
                except (TypeError, ValueError):
                    return 0
            if element.tag == _SHEET_DATA:
                return 0
    return 0


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _CELL, _VALUE, _INLINE, _TEXT, _RUN = (_NS + tag for tag in ("row", "c", "v", "is", "t", "r"))
_DIMENSION, _SHEET_DATA = _NS + "dimension", _NS + "sheetData"


def _column_number(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


def _inline_text(cell) -> str:
    """An inline string: plain <t>, or rich-text runs <r><t>; phonetic hints (<rPh>) left out."""
    inline = cell.find(_INLINE)
    if inline is None:
        return None
    parts = []
    for child in inline:
        if child.tag == _TEXT:
            parts.append(child.text or "")
        elif child.tag == _RUN:
            parts.append(child.findtext(_TEXT) or "")
    return "".join(parts)


def _fast_rows(book):
    """Cell values row by row, like ``sheet.iter_rows(values_only=True)`` but several times faster:
    openpyxl builds a rich object per inline string and a dict per cell, which dominates the time
    of a 100,000-row import. Shared strings, date styles and the epoch come from openpyxl's own
    parse of the workbook; missing rows come back empty so row numbers stay right."""
    from openpyxl.utils.datetime import from_excel, from_ISO8601

    # openpyxl's own choice: defusedxml when installed, else the standard parser (expat ≥ 2.4
    # refuses entity-expansion bombs, and ElementTree never loads external entities).
    from openpyxl.xml.functions import iterparse

    shared = book.shared_strings
    date_styles = book.date_styles
    epoch = book.epoch
    columns = {}  # "AB" → 28
    expected = 1
    with book.archive.open(book.sheet_path) as source:
        for _event, element in iterparse(source):
            if element.tag != _ROW:
                continue
            number = int(element.get("r") or expected)
            while expected < number:
                expected += 1
                yield ()
            values = []
            for cell in element:
                if cell.tag != _CELL:
                    continue
                reference = cell.get("r")
                if reference:
                    letters = reference.rstrip("0123456789")
                    column = columns.get(letters)
                    if column is None:
                        column = columns[letters] = _column_number(letters)
                    if column > len(values) + 1:
                        values.extend([None] * (column - len(values) - 1))
                kind = cell.get("t", "n")
                if kind == "inlineStr":
                    value = _inline_text(cell)
                else:
                    value = cell.findtext(_VALUE)
                    if value is not None:
                        if kind == "s":
                            value = shared[int(value)]
                        elif kind == "n":
                            value = float(value) if any(c in value for c in ".eE") else int(value)
                            style = cell.get("s")
                            if style and int(style) in date_styles:
                                try:
                                    value = from_excel(value, epoch)
                                except (OverflowError, ValueError):
                                    value = str(value)
                        elif kind == "b":
                            value = value == "1"
                        elif kind == "d":
                            value = from_ISO8601(value)
                values.append(value)
            element.clear()
            expected = number + 1
            yield tuple(values)


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM) first, then GB18030 (what Excel on a Chinese Windows writes)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ImportFileError(_("无法识别 CSV 文件的编码，请另存为 UTF-8 编码的 CSV 文件。")) from exc


def read_csv(kind: str, fileobj, *, progress=None) -> Table:
    text = decode_csv(fileobj.read())
    if "\x00" in text:
        raise ImportFileError(_("文件不是有效的 CSV 文本文件。"))
    estimate = text.count("\n")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        return _collect(kind, header, reader, estimate, progress)
    except csv.Error as exc:  # its text is English and technical: the user reads where and what to do
        raise ImportFileError(
            _("CSV 文件第 %(line)s 行格式错误（引号不成对，或单元格内容过长），请在 Excel 中另存为 CSV 后再导入。")
            % {"line": reader.line_num}
        ) from exc


def read_table(kind: str, fileobj, name: str, *, progress=None) -> Table:
    """The data rows of an uploaded file; ``ImportFileError`` when the file as a whole is unusable."""
    fmt = file_format(name)
    if fmt == "xlsx":
        return read_xlsx(kind, fileobj, progress=progress)
    if fmt == "csv":
        return read_csv(kind, fileobj, progress=progress)
    raise ImportFileError(_("只能导入 .xlsx 或 .csv 文件。"))


# --- the parsed rows, kept between the check and the apply ----------------------------------------------------------

_TAGS = {
    "datetime": datetime.datetime.fromisoformat,
    "date": datetime.date.fromisoformat,
    "time": datetime.time.fromisoformat,
    "timedelta": lambda seconds: datetime.timedelta(seconds=seconds),
}


def _tagged(value):
    if isinstance(value, datetime.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    if isinstance(value, datetime.time):
        return {"time": value.isoformat()}
    if isinstance(value, datetime.timedelta):
        return {"timedelta": value.total_seconds()}
    raise TypeError(f"no JSON form for {type(value).__name__}")


def _untagged(obj):
    if len(obj) == 1:
        ((tag, text),) = obj.items()
        convert = _TAGS.get(tag)
        if convert is not None:
            return convert(text)
    return obj


def dump_rows(table: Table) -> bytes:
    """The parsed rows as JSON (dates and times tagged): what ``load_rows`` gives back exactly, value for value.
    The import keeps them beside the upload after a clean check, so the apply does not parse the sheet again."""
    data = {"kind": table.kind, "rows": table.rows}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=_tagged).encode()


def load_rows(kind: str, fileobj) -> Table:
    """The table ``dump_rows`` wrote; ``ValueError`` if the file is not one (or is of another kind)."""
    data = json.loads(fileobj.read(), object_hook=_untagged)
    if not isinstance(data, dict) or data.get("kind") != kind or not isinstance(data.get("rows"), list):
        raise ValueError("not a parsed table of this kind")
    return Table(kind=kind, rows=[(number, tuple(values)) for number, values in data["rows"]])
