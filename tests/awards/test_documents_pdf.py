"""The documents themselves: the decision in the GB/T 9704 layout, the certificates and the xlsx.

Checked with poppler's tools: pdffonts (a CJK font is embedded, so no boxes), pdftotext (the text
and its order), pdfinfo (pages), pdftoppm (a picture of the first page with its red masthead).
"""

import datetime
import io
import re
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings

from awards import pdf
from tests.factories.awards_documents import sample_rows

DECISION = SimpleNamespace(
    masthead="中共河北省委文件",
    doc_number="冀创组〔2011〕8号",
    issuing_body="中共河北省委",
    title="中共河北省委关于表彰全省创先争优活动先进基层党组织、优秀共产党员和优秀党务工作者的决定",
    addressee="各市委，省委各部委，省直各部门党组（党委），各人民团体党组，各高等学校党委：",
    body="开展创先争优活动以来，全省涌现出一大批先进典型。\n为表彰先进，省委决定，授予附件所列对象荣誉称号。",
    attachment_title="全省创先争优活动先进基层党组织、优秀共产党员和优秀党务工作者名单",
    signed_on=datetime.date(2011, 6, 28),
)


def run(*args, data: bytes) -> str:
    return subprocess.run([*args, "-"], input=data, capture_output=True, check=True).stdout.decode()


def pdf_text(data: bytes, *, mode="-raw") -> str:
    """pdftotext in content order (-raw keeps the spaces of "— 1 —"), or -layout (positions)."""
    return subprocess.run(["pdftotext", mode, "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def pdf_fonts(data: bytes) -> str:
    path = Path(settings.MEDIA_ROOT) / "pdffonts-check.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    try:
        return subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout
    finally:
        path.unlink()


def pdf_pages(data: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def assert_cjk_font(data: bytes):
    fonts = pdf_fonts(data)
    assert re.search(r"Noto-(Serif|Sans)-CJK-SC", fonts), fonts


def assert_in_order(text: str, names: list[str]):
    position = -1
    for name in names:
        found = text.find(name, position + 1)
        assert found > position, f"{name} missing or out of order"
        position = found


@pytest.fixture(scope="module")
def decision_pdf():
    return pdf.render_decision(DECISION, sample_rows())


def test_decision_embeds_a_cjk_font(decision_pdf):
    assert decision_pdf.startswith(b"%PDF")
    assert_cjk_font(decision_pdf)


def test_decision_text_has_masthead_number_title_date_and_names_in_order(decision_pdf):
    text = pdf_text(decision_pdf)
    flat = squash(text)
    assert "中共河北省委文件" in flat
    assert "冀创组〔2011〕8号" in flat
    assert squash(DECISION.title) in flat
    assert "2011年6月28日" in flat
    assert "附件：" + DECISION.attachment_title in flat
    # Grouped by city, then category; each entry "name（unit post）".
    rows = sample_rows()
    assert_in_order(
        flat, ["石家庄市", "先进基层党组织（1个）", "甲村党支部", "优秀共产党员（2名）", "甲春华", "甲秋实"]
    )
    assert_in_order(flat, ["甲秋实", "优秀党务工作者（1名）", "甲冬雪", "唐山市", "乙村党支部", "乙春华", "乙冬雪"])
    assert_in_order(flat, [row["name"] for row in rows])
    assert "甲春华（石家庄市第1村党支部书记）" in flat
    assert "甲冬雪（组织委员）" in flat


def test_decision_page_numbers_alternate_sides_in_the_standard_form(decision_pdf):
    text = pdf_text(decision_pdf)
    pages = pdf_pages(decision_pdf)
    assert pages >= 2  # the list starts on its own page (附件另面编排)
    for number in range(1, pages + 1):
        assert f"— {number} —" in text
    # Odd pages on the right, even on the left: compare the x position in the layout output.
    layout = pdf_text(decision_pdf, mode="-layout").split("\f")
    odd = next(line for line in layout[0].splitlines() if "—1—" in line.replace(" ", ""))
    even = next(line for line in layout[1].splitlines() if "—2—" in line.replace(" ", ""))
    assert len(odd) - len(odd.lstrip()) > len(even) - len(even.lstrip())


def test_decision_layout_lines_hold_28_characters():
    """3号 type on a 156 mm line: 28 characters a line (GB/T 9704-2012, 5.2.2)."""
    decision = SimpleNamespace(**{**vars(DECISION), "body": "字" * 60, "addressee": ""})
    text = pdf_text(pdf.render_decision(decision, sample_rows()))
    lines = [line for line in text.splitlines() if set(line) == {"字"}]
    assert [len(line) for line in lines] == [26, 28, 6]  # first line indented two characters


def test_signature_places_the_date_two_characters_right_of_the_name():
    css = pdf.signature_css("中共河北省委", "2011年6月28日")
    # date 6.5 em long, right 2 em; name 6 em, its first character 2 em left of the date's.
    assert ".signed-on { padding-right: 2.00em; }" in css
    assert ".issuer { padding-right: 4.50em; }" in css


def test_first_page_picture_has_a_red_masthead(decision_pdf):
    """pdftoppm -png -r 60 of page 1 (kept in var/screenshots/decision_p1.png to be looked at)."""
    from PIL import Image

    out = Path(settings.BASE_DIR) / "var" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", "-", str(out / "decision_p1")],
        input=decision_pdf,
        check=True,
    )
    image = Image.open(out / "decision_p1.png").convert("RGB")
    width, height = image.size
    red = [
        (x, y)
        for y in range(0, height // 2)
        for x in range(0, width, 2)
        if (lambda p: p[0] > 180 and p[1] < 90 and p[2] < 90)(image.getpixel((x, y)))
    ]
    assert len(red) > 200  # the masthead and the separator line
    top = min(y for _x, y in red)
    assert height * 0.2 < top < height * 0.35  # 37 mm margin + 35 mm to the masthead


def test_empty_list_still_renders():
    data = pdf.render_decision(DECISION, [])
    assert "名单为空" in squash(pdf_text(data))


@pytest.mark.parametrize("render", [pdf.render_certificates, pdf.render_certificates_full])
def test_certificates_one_page_per_row(render):
    rows = sample_rows()
    data = render(DECISION, rows, round_name="2011年“七一”集中表彰")
    assert_cjk_font(data)
    assert pdf_pages(data) == len(rows)
    pages = pdf_text(data).split("\f")
    for row, page in zip(rows, pages, strict=False):
        flat = squash(page)
        assert "荣誉证书" in flat.replace(" ", "")
        assert row["name"] in flat
        assert row["category"] in flat
        assert "中共河北省委" in flat and "2011年6月28日" in flat
    assert "甲春华同志：" in squash(pages[1])
    assert "甲村党支部：" in squash(pages[0])


def tricky_rows():
    """Rows the shared layout must send back to WeasyPrint or print exactly as it would."""
    rows = sample_rows()
    member = rows[1]
    return [
        *rows,
        # too long for one line: WeasyPrint wraps it, and the lines below move down
        {**rows[0], "name": "中共石家庄市长安区建北街道办事处某某社区居民委员会第一网格党支部"},
        {**member, "unit": "石家庄市长安区建北街道办事处某某社区居民委员会第一网格党支部", "post": "第一书记"},
        {**member, "name": "王𠮷"},  # a CJK Extension B character: not in the certificate font's subset
        {**member, "name": " 阿依古丽·买买提 ", "unit": "喀什市 第3村", "post": ""},  # spaces, a dot, digits
        {**member, "name": "李 明", "unit": "", "post": ""},  # no unit line
        {**member, "name": "赵   云"},  # white space collapsed as CSS does
    ]


def page_pictures(data: bytes, tmp_path, prefix: str) -> list[bytes]:
    subprocess.run(["pdftoppm", "-r", "36", "-gray", "-", str(tmp_path / prefix)], input=data, check=True)
    return [path.read_bytes() for path in sorted(tmp_path.glob(f"{prefix}-*.pgm"))]


def test_certificates_are_what_weasyprint_alone_makes(tmp_path):
    """The shared-layout render and WeasyPrint page by page give the same pages: same text per page
    (pdftotext) and the same picture of every page (pdftoppm), including the rows it hands back."""
    rows = tricky_rows()
    fast = pdf.render_certificates(DECISION, rows, round_name="2011年“七一”集中表彰")
    full = pdf.render_certificates_full(DECISION, rows, round_name="2011年“七一”集中表彰")
    assert pdf_pages(fast) == pdf_pages(full) == len(rows)
    assert pdf_text(fast).split("\f") == pdf_text(full).split("\f")
    fast_pictures, full_pictures = page_pictures(fast, tmp_path, "fast"), page_pictures(full, tmp_path, "full")
    assert len(fast_pictures) == len(rows)
    different = [i + 1 for i, (a, b) in enumerate(zip(fast_pictures, full_pictures, strict=True)) if a != b]
    assert different == []
    text = squash(pdf_text(fast))
    assert "王𠮷同志：" in text and "阿依古丽·买买提同志：" in text and "喀什市第3村" in text


def test_certificates_text_of_many_rows_in_order():
    """A list of hundreds: one page each, each page naming its own row (the names and units are printed
    on shared pages, not laid out by WeasyPrint one by one)."""
    surnames, given = "王李张刘陈杨赵黄周吴", "建国秀英志强海燕明华春生"
    rows = [
        {
            "city": "石家庄市",
            "category": "优秀共产党员" if i % 5 else "先进基层党组织",
            "kind": "member" if i % 5 else "org",
            "name": f"{surnames[i % 10]}{given[i % 12]}{given[i // 12 % 12]}{i}" if i % 5 else f"第{i}村党支部",
            "unit": f"正定县第{i}村党支部" if i % 5 else "",
            "post": "党支部书记" if i % 5 else "",
        }
        for i in range(600)
    ]
    data = pdf.render_certificates(DECISION, rows, round_name="2011年“七一”集中表彰")
    pages = pdf_text(data).split("\f")
    assert pdf_pages(data) == 600
    for row, page in zip(rows, pages, strict=False):
        flat = squash(page)
        assert flat.startswith("荣誉证书" + row["name"])
        assert row["category"] in flat and squash(row["unit"] + row["post"]) in flat


def test_xlsx_has_the_header_and_rows():
    from openpyxl import load_workbook

    rows = sample_rows()
    buffer = io.BytesIO()
    pdf.write_list_xlsx(rows, buffer, title="名单")
    sheet = load_workbook(io.BytesIO(buffer.getvalue()), read_only=True).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "名单"
    assert values[1] == ["市", "类别", "姓名/组织名称", "单位", "职务"]
    assert values[2] == ["石家庄市", "先进基层党组织", "甲村党支部", None, None]
    assert values[3] == ["石家庄市", "优秀共产党员", "甲春华", "石家庄市第1村党支部", "书记"]
    assert len(values) == 2 + len(rows)


def test_group_rows_keeps_order_and_counts():
    groups = pdf.group_rows(sample_rows())
    assert [g.city for g in groups] == ["石家庄市", "唐山市"]
    assert [c.category for c in groups[0].categories] == ["先进基层党组织", "优秀共产党员", "优秀党务工作者"]
    assert [str(c.count_label) for c in groups[0].categories] == ["1个", "2名", "1名"]
    assert groups[1].count == 4


def test_certificates_report_progress_up_to_the_total(monkeypatch):
    from awards import pdf_certificates

    monkeypatch.setattr(pdf_certificates, "PROGRESS_EVERY", 3)
    calls = []
    pdf.render_certificates(DECISION, sample_rows(), round_name="x", on_progress=lambda d, t: calls.append((d, t)))
    assert calls == [(0, 8), (3, 8), (6, 8), (8, 8)]


def test_full_render_reports_progress_per_chunk():
    calls = []
    pdf.render_certificates_full(
        DECISION, sample_rows(), round_name="x", chunk=3, on_progress=lambda done, total: calls.append((done, total))
    )
    assert calls == [(3, 8), (6, 8), (8, 8)]
