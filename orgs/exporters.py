"""Exports of organizations and members in exactly the import template's columns, and the
downloadable blank templates. An export re-imports unchanged (every row counts as 未变).

Exports are written synchronously with openpyxl's write-only mode into a temporary file that is
then streamed: 100,000 members take a few seconds. A province-wide export (4 million rows) should
become a Celery task writing a stored file; the scope of an org_department user is a city or a
county, so that is left for later (DESIGN.md "Long jobs ... run as Celery tasks").
"""

import csv
import io

from django.utils.translation import gettext as _

from common.xlsx import bold_row, safe_row

from . import queries, services
from .enums import Gender, MemberCategory, MemberStatus, OrgKind, Sector
from .io.columns import COLUMNS, DATE_COLUMNS, MEMBERS, NO, ORGS, TEXT_COLUMNS, YES, instructions
from .models import Org

# Sheet names are part of the file format (like the headers): never translated.
SHEET_TITLES = {ORGS: "组织", MEMBERS: "党员"}  # i18n: data
TEMPLATE_ROWS = 5000  # rows that get drop-down lists and text format in the blank template


def _labels(choices) -> dict:
    return {value: str(label) for value, label in choices.choices}


def _widths(kind):
    return [max(12, len(name) * 2 + 2) for name in COLUMNS[kind]]


def write_xlsx(fileobj, kind: str, rows) -> int:
    """Write the template header and ``rows`` (tuples of cell values) as an xlsx; returns the row count."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLES[kind])
    for index, width in enumerate(_widths(kind), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(bold_row(sheet, COLUMNS[kind]))
    count = 0
    for row in rows:
        sheet.append(safe_row(sheet, row))  # never a formula in the user's Excel
        count += 1
    workbook.save(fileobj)
    return count


# --- organizations --------------------------------------------------------------------------


def org_rows(user):
    """Rows of every active organization the user manages, parents first (tree order)."""
    scope = Org.objects.filter(queries.org_scope_q(user, roles=queries.MANAGE_ROLES))
    code_of_path = dict(scope.values_list("path", "code"))
    tops = queries.top_orgs(user, queries.MANAGE_ROLES)
    parent_paths = [top.path[: -Org.steplen] for top in tops if top.depth > 1]
    code_of_path.update(Org.objects.filter(path__in=parent_paths).values_list("path", "code"))
    kinds, sectors = _labels(OrgKind), _labels(Sector)
    values = (
        queries.orgs_for(user, roles=queries.MANAGE_ROLES)
        .order_by("path")
        .values_list("path", "depth", "code", "name", "kind", "sector", "ethnic_religious")
    )
    for path, depth, code, name, kind, sector, ethnic in values.iterator(chunk_size=5000):
        parent = code_of_path.get(path[: -Org.steplen], "") if depth > 1 else ""
        yield (code, name, parent, kinds.get(kind, kind), sectors.get(sector, ""), YES if ethnic else NO)


def export_orgs(user, fileobj) -> int:
    return write_xlsx(fileobj, ORGS, org_rows(user))


# --- members --------------------------------------------------------------------------------


def member_queryset(user, params=None):
    """The members an org_department user may export, narrowed by the member list's filters."""
    from .filters import MemberFilter

    base = queries.members_for(user, roles=queries.MANAGE_ROLES)
    filterset = MemberFilter(params or None, queryset=base)
    queryset = filterset.qs if filterset.is_bound else base
    return queryset.order_by("org_path", "id")


def member_rows(queryset):
    genders, statuses, categories = _labels(Gender), _labels(MemberStatus), _labels(MemberCategory)
    values = queryset.values_list(
        "name",
        "gender",
        "ethnicity",
        "birth_date",
        "id_number",
        "mobile",
        "join_date",
        "status",
        "category",
        "org__code",
        "post",
    )
    for name, gender, ethnicity, birth, id_number, mobile, joined, status, category, code, post in values.iterator(
        chunk_size=5000
    ):
        yield (
            name,
            genders.get(gender, gender),
            ethnicity,
            birth.isoformat() if birth else "",
            id_number,
            mobile,
            joined.isoformat() if joined else "",
            statuses.get(status, status),
            categories.get(category, category),
            code,
            post,
        )


def export_members(user, fileobj, *, params=None, ip=None) -> int:
    """Full ID numbers leave the portal here: one audit row (purpose "export") per export."""
    count = write_xlsx(fileobj, MEMBERS, member_rows(member_queryset(user, params)))
    services.record_id_view(user, purpose="export", count=count, ip=ip)
    return count


EXPORTERS = {ORGS: export_orgs, MEMBERS: export_members}


# --- blank templates ------------------------------------------------------------------------


def _choices_for(kind):
    """Drop-down lists for the blank template: column → allowed labels."""
    if kind == ORGS:
        return {
            "组织类别(党委/党工委/党总支/党支部)": list(_labels(OrgKind).values()),
            "所属领域": list(_labels(Sector).values()),
            "民族宗教聚居(是/否)": [YES, NO],
        }
    return {
        "性别": list(_labels(Gender).values()),
        "党员状态(正式/预备)": list(_labels(MemberStatus).values()),
        "人员类别": list(_labels(MemberCategory).values()),
    }


def template_xlsx(kind: str, fileobj) -> None:
    """The blank template: the header row only (no sample data to import by mistake), text format
    on code and number columns, drop-down lists, and a second sheet "填写说明"."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLES[kind]
    columns = COLUMNS[kind]
    sheet.append(list(columns))
    sheet.freeze_panes = "A2"
    choices = _choices_for(kind)
    for index, (name, width) in enumerate(zip(columns, _widths(kind), strict=True), start=1):
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index).font = Font(bold=True)
        sheet.column_dimensions[letter].width = width
        if name in TEXT_COLUMNS[kind]:
            sheet.column_dimensions[letter].number_format = "@"
        elif name in DATE_COLUMNS:
            sheet.column_dimensions[letter].number_format = "yyyy-mm-dd"
        if name in choices:
            validation = DataValidation(
                type="list", formula1='"{}"'.format(",".join(choices[name])), allow_blank=name == "所属领域"
            )
            validation.error = _("请从下拉列表中选择")
            validation.errorTitle = _("无效的值")
            validation.showErrorMessage = True
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")

    notes = workbook.create_sheet("填写说明")  # i18n: data
    notes.append([_("列名"), _("是否必填"), _("填写要求")])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for name, required, text in instructions(kind):
        notes.append([name, str(required), str(text)])
    notes.append([])
    notes.append(
        [
            _("说明"),
            "",
            _("第 1 行为表头，不要修改；从第 2 行起每行一条记录。导入前系统会先校验全部数据，确认后才写入。"),
        ]
    )
    notes.column_dimensions["A"].width = 36
    notes.column_dimensions["B"].width = 10
    notes.column_dimensions["C"].width = 90
    for row in notes.iter_rows(min_row=2):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    workbook.save(fileobj)


def template_csv(kind: str) -> bytes:
    """The blank CSV template: the header row, UTF-8 with BOM so Excel opens it correctly."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(COLUMNS[kind])
    return buffer.getvalue().encode("utf-8-sig")


def errors_xlsx(errors, fileobj) -> None:
    """The full error list of a dry run (the page shows only the first rows)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("错误列表"))
    sheet.append([_("行号"), _("列"), _("原因")])
    for error in errors:
        message = error.get("message", "")
        sheet.append(safe_row(sheet, [error.get("row"), error.get("column", ""), message]))
    workbook.save(fileobj)
