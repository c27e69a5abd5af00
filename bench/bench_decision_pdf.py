"""Decision PDF benchmark: the commendation decision (GB/T 9704 layout) with a 5,000-name list, next
to a bare WeasyPrint render of the same 5,000 rows as a plain table (the limit).

    .venv/bin/python bench/bench_decision_pdf.py [--rows 5000] [--repeat 3] [--certificates]

Every measurement runs in a fresh subprocess (Django set up, WeasyPrint imported, then one render),
so the peak memory (``ru_maxrss``) belongs to that render alone; the baseline RSS of such a process
before rendering is reported too. Renders:

* decision: ``awards.pdf.render_decision`` — template + WeasyPrint, masthead, body, the list grouped by
  city and category, page numbers in @page margin boxes (what the Celery task runs);
* bare table: the same rows as one plain ``<table>`` (市, 类别, 姓名, 单位, 职务), only the font named on
  ``html`` and ``table-layout: fixed`` — the limit the issue sets (target: decision ≤ 1.2 × this);
* bare entries: the decision's entry texts as plain ``<p>`` with no layout at all (the floor of the
  layout the decision uses);
* certificates (with --certificates): ``awards.pdf.render_certificates``, one landscape page per row.

Rows are synthetic and deterministic: 11 cities of Hebei, three categories, unique names.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
CITIES = [
    "石家庄市",
    "唐山市",
    "秦皇岛市",
    "邯郸市",
    "邢台市",
    "保定市",
    "张家口市",
    "承德市",
    "沧州市",
    "廊坊市",
    "衡水市",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "建国秀英志强海燕明华春生文军红梅丽娟学东振兴玉兰永刚德福庆云立新桂芝淑珍金凤"
UNITS = ["县", "乡", "村党支部"]
CATEGORIES = [("先进基层党组织", "org"), ("优秀共产党员", "member"), ("优秀党务工作者", "member")]


def make_rows(n: int) -> list[dict]:
    """``n`` rows in list order: by city, then category (about 1 : 6 : 1), then name."""
    rows = []
    per_city = [n // len(CITIES) + (1 if i < n % len(CITIES) else 0) for i in range(len(CITIES))]
    serial = 0
    for city, count in zip(CITIES, per_city, strict=True):
        orgs, workers = count // 8, count // 8
        split = [("先进基层党组织", "org", orgs), ("优秀共产党员", "member", count - orgs - workers)]
        split.append(("优秀党务工作者", "member", workers))
        for category, kind, k in split:
            names = []
            for _ in range(k):
                serial += 1
                a, b = divmod(serial, len(GIVEN))
                name = SURNAMES[serial % len(SURNAMES)] + GIVEN[b] + GIVEN[a % len(GIVEN)] + str(serial)
                county = f"{city[:2]}{'东西南北中'[serial % 5]}县"
                if kind == "org":
                    names.append((f"{county}第{serial}村党支部", "", ""))
                else:
                    names.append((name, f"{county}{'前后'[serial % 2]}进村党支部", "党支部书记"))
            for name, unit, post in sorted(names):
                rows.append(
                    {"city": city, "category": category, "kind": kind, "name": name, "unit": unit, "post": post}
                )
    return rows


def decision_stub():
    import datetime
    from types import SimpleNamespace

    return SimpleNamespace(
        masthead="中共河北省委文件",
        doc_number="冀创组〔2011〕8号",
        issuing_body="中共河北省委",
        title="中共河北省委关于表彰全省创先争优活动先进基层党组织、优秀共产党员和优秀党务工作者的决定",
        addressee="各市委，省委各部委，省直各部门党组（党委），各人民团体党组，各高等学校党委：",
        body="开展创先争优活动以来，全省各级基层党组织和广大共产党员立足本职、争创先进、争当优秀。\n"
        "为表彰先进、树立典型，省委决定，对附件所列先进基层党组织、优秀共产党员和优秀党务工作者予以表彰。\n"
        "希望受到表彰的先进集体和个人珍惜荣誉，再接再厉，充分发挥示范带动作用。",
        attachment_title="全省创先争优活动先进基层党组织、优秀共产党员和优秀党务工作者名单",
        signed_on=datetime.date(2011, 6, 28),
    )


def bare_table_html(rows) -> str:
    from html import escape

    cells = "".join(
        "<tr>"
        + "".join(f"<td>{escape(row[k] or '')}</td>" for k in ("city", "category", "name", "unit", "post"))
        + "</tr>"
        for row in rows
    )
    return (
        '<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8"><style>'
        'html { font-family: "Noto Serif CJK SC", serif; } table { width: 100%; table-layout: fixed; '
        "border-collapse: collapse; }</style></head><body><table><thead><tr><th>市</th><th>类别</th>"
        f"<th>姓名</th><th>单位</th><th>职务</th></tr></thead><tbody>{cells}</tbody></table></body></html>"
    )


def bare_entries_html(rows) -> str:
    from html import escape

    from awards.pdf import entry_text

    body = "".join(f"<p>{escape(entry_text(row))}</p>" for row in rows)
    return (
        '<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8"><style>'
        'html { font-family: "Noto Serif CJK SC", serif; } p { margin: 0; }</style></head>'
        f"<body>{body}</body></html>"
    )


def child(kind: str, n: int) -> dict:
    """One render in this process; prints timing and peak RSS as JSON."""
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    import weasyprint  # noqa: F401  (imported before the clock starts, as in a warm worker)

    from awards import pdf

    rows = make_rows(n)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    if kind == "decision":
        data = pdf.render_decision(decision_stub(), rows)
    elif kind == "certificates":
        data = pdf.render_certificates(decision_stub(), rows, round_name="2011年“七一”集中表彰")
    elif kind == "bare_table":
        data = weasyprint.HTML(string=bare_table_html(rows)).write_pdf()
    elif kind == "bare_entries":
        data = weasyprint.HTML(string=bare_entries_html(rows)).write_pdf()
    else:
        raise SystemExit(f"unknown kind {kind}")
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout.decode()
    pages = next(int(line.split()[1]) for line in info.splitlines() if line.startswith("Pages:"))
    return {
        "kind": kind,
        "rows": len(rows),
        "seconds": seconds,
        "peak_mb": peak / 1024,
        "baseline_mb": baseline / 1024,
        "pages": pages,
        "bytes": len(data),
    }


def run_child(kind: str, n: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--rows", str(n)], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--certificates", action="store_true")
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.rows)))
        return

    kinds = ["decision", "bare_table", "bare_entries"] + (["certificates"] if args.certificates else [])
    results = {kind: [] for kind in kinds}
    for _ in range(args.repeat):  # interleaved, so drift on the machine hits every kind alike
        for kind in kinds:
            if kind == "certificates" and results[kind]:
                continue  # once is enough: it is not compared
            results[kind].append(run_child(kind, args.rows))
            r = results[kind][-1]
            print(f"  {kind:13s} {r['seconds']:7.2f} s  peak {r['peak_mb']:6.0f} MB  {r['pages']} pages", flush=True)

    summary = {}
    print(
        f"\n{args.rows} rows, median of {args.repeat} runs (peak RSS: highest run; baseline: process before rendering)"
    )
    print("| render | time | peak RSS | baseline RSS | pages | size |")
    print("|---|---:|---:|---:|---:|---:|")
    for kind in kinds:
        runs = results[kind]
        summary[kind] = {
            "seconds": statistics.median(r["seconds"] for r in runs),
            "peak_mb": max(r["peak_mb"] for r in runs),
            "baseline_mb": max(r["baseline_mb"] for r in runs),
            "pages": runs[0]["pages"],
            "bytes": runs[0]["bytes"],
        }
        s = summary[kind]
        print(
            f"| {kind} | {s['seconds']:.2f} s | {s['peak_mb']:.0f} MB | {s['baseline_mb']:.0f} MB | {s['pages']} "
            f"| {s['bytes'] / 1024:.0f} KB |"
        )
    d, t, e = summary["decision"], summary["bare_table"], summary["bare_entries"]
    print(
        f"\ndecision / bare table: time {d['seconds'] / t['seconds']:.2f}×, "
        f"peak {d['peak_mb'] / t['peak_mb']:.2f}× (target ≤ 1.2×)"
    )
    print(f"decision / bare entries: time {d['seconds'] / e['seconds']:.2f}×, peak {d['peak_mb'] / e['peak_mb']:.2f}×")


if __name__ == "__main__":
    main()
