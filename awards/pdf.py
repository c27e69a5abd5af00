"""Rendering of the commendation documents: the decision in the layout of GB/T 9704-2012
(党政机关公文格式), the certificates (荣誉证书) and the list as xlsx.

Every function takes plain rows — dicts ``{city, category, name, unit, post}`` (optionally ``kind``:
"org" or "member") already in the order of the list — so the layout can be rendered (and
benchmarked) without a database. WeasyPrint and openpyxl are imported inside the functions.

Fonts: "Noto Serif CJK SC" and "Noto Sans CJK SC" (Debian fonts-noto-cjk) are named explicitly on
``html`` and in every ``@page`` margin box (margin boxes do not inherit the body's font).
"""

import html
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.dates import chinese_date

CSS_DIR = Path(__file__).resolve().parent / "static" / "awards" / "pdf"
# Certificates laid out per WeasyPrint document when WeasyPrint lays out every page (render_certificates_full).
CERTIFICATES_PER_RENDER = 1000
LIST_HEADERS = (
    gettext_lazy("市"),
    gettext_lazy("类别"),
    gettext_lazy("姓名/组织名称"),
    gettext_lazy("单位"),
    gettext_lazy("职务"),
)


@dataclass
class CategoryGroup:
    category: str
    kind: str = ""
    entries: list = field(default_factory=list)

    @property
    def entries_html(self):
        """The entries as ``<p class="entry">`` paragraphs, joined here rather than by a template loop:
        for a 5,000-name list the loop took 0.2 s, ~6 % of the whole render (bench/bench_decision_pdf.py)."""
        return mark_safe("".join(f'<p class="entry">{html.escape(text)}</p>\n' for text in self.entries))  # noqa: S308 (escaped)

    @property
    def count_label(self):
        n = len(self.entries)
        return _("%(n)s个") % {"n": n} if self.kind == "org" else _("%(n)s名") % {"n": n}


@dataclass
class CityGroup:
    city: str
    categories: list = field(default_factory=list)

    @property
    def count(self):
        return sum(len(c.entries) for c in self.categories)


def group_rows(rows) -> list[CityGroup]:
    """Group consecutive rows by city, then by category, keeping the given order; each group's
    entries are the printed texts (see ``entry_text``)."""
    cities: list[CityGroup] = []
    for row in rows:
        city = row.get("city") or _("省直")
        if not cities or cities[-1].city != city:
            cities.append(CityGroup(city))
        groups = cities[-1].categories
        if not groups or groups[-1].category != row["category"]:
            groups.append(CategoryGroup(row["category"], row.get("kind", "")))
        groups[-1].entries.append(entry_text(row))
    return cities


def entry_text(row) -> str:
    """One entry of the printed list: 姓名（单位职务）, or the name alone."""
    detail = "".join(part for part in (row.get("unit") or "", row.get("post") or "") if part)
    return f"{row['name']}（{detail}）" if detail else row["name"]


def text_width_em(text: str) -> float:
    """Width in em: full-width characters 1, half-width (digits, Latin) 0.5."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)


def signature_css(issuer: str, date_text: str) -> str:
    """Place the 发文机关署名 and 成文日期 as GB/T 9704-2012 7.3.5.2 asks for a document without a seal:
    the name 右空二字, the date one line below with its first character two characters right of the
    name's first; when the date is longer, the date 右空二字 and the name moves left accordingly."""
    issuer_em, date_em = text_width_em(issuer), text_width_em(date_text)
    issuer_pad = 2.0
    date_pad = issuer_pad + issuer_em - 2 - date_em
    if date_pad < 2:
        date_pad = 2.0
        issuer_pad = date_pad + date_em + 2 - issuer_em
    return f".issuer {{ padding-right: {issuer_pad:.2f}em; }} .signed-on {{ padding-right: {date_pad:.2f}em; }}"


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def decision_html(decision, rows) -> str:
    """The HTML of the decision and its attached list. ``decision`` needs masthead, doc_number,
    title, addressee, body, attachment_title, issuing_body and signed_on."""
    return render_to_string(
        "awards/pdf/decision.html",
        {
            "decision": decision,
            "paragraphs": paragraphs(decision.body),
            "signed_on": chinese_date(decision.signed_on),
            "cities": group_rows(rows),
        },
    )


def render_decision(decision, rows) -> bytes:
    from weasyprint import CSS, HTML

    date_text = chinese_date(decision.signed_on)
    stylesheets = [
        CSS(filename=str(CSS_DIR / "decision.css")),
        CSS(string=signature_css(decision.issuing_body, date_text)),
    ]
    return HTML(string=decision_html(decision, rows), base_url=str(CSS_DIR)).write_pdf(stylesheets=stylesheets)


def render_certificates(
    decision, rows, *, round_name: str, chunk: int = CERTIFICATES_PER_RENDER, on_progress=None
) -> bytes:
    """荣誉证书: one landscape A4 page per commended organization or person, in the order of ``rows``.

    Each kind of certificate (kind, category, with or without a unit line) is laid out once by WeasyPrint
    and every row's name and unit printed on a copy of it (awards/pdf_certificates.py): 5,000 certificates
    in seconds instead of a minute or more. Rows that do not fit that way (a line that would wrap, a
    character the font lacks) are rendered by WeasyPrint in full, ``chunk`` per document.
    ``on_progress(done, total)`` is called as the certificates are made (at least once, at the end)."""
    from . import pdf_certificates

    signed_on = chinese_date(decision.signed_on)
    if not rows:
        return render_certificates_full(decision, rows, round_name=round_name, on_progress=on_progress)
    return pdf_certificates.render(
        decision,
        rows,
        round_name=round_name,
        signed_on=signed_on,
        render_full=lambda full_rows: render_certificates_full(decision, full_rows, round_name=round_name, chunk=chunk),
        on_progress=on_progress,
    )


def render_certificates_full(
    decision, rows, *, round_name: str, chunk: int = CERTIFICATES_PER_RENDER, on_progress=None
) -> bytes:
    """The certificates laid out page by page by WeasyPrint (~12 ms a page on a quiet machine): for the
    rows ``render_certificates`` cannot print on a pattern, and as the reference its output is compared
    with (tests, bench). Rendered ``chunk`` certificates per WeasyPrint document and joined page by page
    (``Document.copy(pages)``): one 5,000-page layout takes twice the time and memory of five 1,000-page
    ones. ``on_progress(done, total)`` is called after each chunk."""
    from weasyprint import CSS, HTML

    stylesheet = CSS(filename=str(CSS_DIR / "certificate.css"))
    signed_on = chinese_date(decision.signed_on)
    documents = []
    for start in range(0, max(len(rows), 1), chunk):
        html = render_to_string(
            "awards/pdf/certificates.html",
            {
                "decision": decision,
                "rows": rows[start : start + chunk],
                "round_name": round_name,
                "signed_on": signed_on,
            },
        )
        documents.append(HTML(string=html, base_url=str(CSS_DIR)).render(stylesheets=[stylesheet]))
        if on_progress is not None:
            on_progress(min(start + chunk, len(rows)), len(rows))
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf()


def write_list_xlsx(rows, fileobj, *, title: str = "", group_label: str = "") -> None:
    """The list as xlsx (openpyxl write-only): 市, 类别, 姓名/组织名称, 单位, 职务. ``group_label`` names the
    first column when the issuer is not the province (县（市、区）, 乡镇（街道）)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("表彰名单"))
    for letter, width in zip("ABCDE", (12, 18, 24, 36, 20), strict=True):
        sheet.column_dimensions[letter].width = width
    if title:
        sheet.append([title])
    bold = Font(bold=True)
    header = []
    headers = [group_label or LIST_HEADERS[0], *LIST_HEADERS[1:]]
    for text in headers:
        cell = WriteOnlyCell(sheet, value=str(text))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append(
            [row.get("city") or "", row["category"], row["name"], row.get("unit") or "", row.get("post") or ""]
        )
    workbook.save(fileobj)
