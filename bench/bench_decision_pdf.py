"""Decision PDF benchmark: the commendation decision (GB/T 9704 layout) with a 5,000-name list, against a
bare WeasyPrint render of THE SAME HTML and CSS in the same run (issue 14, item 4: goal ≤ 1.2×).

    .venv/bin/python bench/bench_decision_pdf.py [--rows 5000] [--repeat 5]

Renders, each in a fresh subprocess (Django set up, WeasyPrint imported and one 50-row warm-up render
of the same kind done before the clock starts, as in a warm worker), interleaved so that drift on the
machine hits both alike:

* decision: ``awards.pdf.render_decision(decision, rows)`` — what the Celery task runs: the rows grouped
  (``group_rows``), the template rendered, the two stylesheets (decision.css and the signature's
  computed CSS) parsed, WeasyPrint's ``write_pdf``;
* bare: ``weasyprint.HTML(string=html).write_pdf(stylesheets=[CSS(decision.css), CSS(signature css)])``
  where ``html`` is ``awards.pdf.decision_html(decision, rows)`` and the signature CSS text are made
  *before* the clock starts — the same document, the same layout, the same rows, with nothing of ours
  around WeasyPrint (the floor).

The ratio decision / bare is printed per pair and as the median of the pairs; peak RSS is each
process's ``ru_maxrss``. Both outputs must have the same page count (checked). Rows are synthetic and
deterministic: 11 cities of Hebei, three categories, unique names. Touches no database.
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


def child(kind: str, n: int) -> dict:
    """One render in this process; prints timing and peak RSS as JSON."""
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    import weasyprint

    from awards import pdf
    from common.dates import chinese_date

    def bare_inputs(rows):
        decision = decision_stub()
        signature = pdf.signature_css(decision.issuing_body, chinese_date(decision.signed_on))
        return pdf.decision_html(decision, rows), signature

    def run(rows, inputs=None):
        if kind == "decision":
            return pdf.render_decision(decision_stub(), rows)
        html, signature = inputs  # the stylesheets are parsed on the clock, as WeasyPrint's own work
        css = [weasyprint.CSS(filename=str(pdf.CSS_DIR / "decision.css")), weasyprint.CSS(string=signature)]
        return weasyprint.HTML(string=html, base_url=str(pdf.CSS_DIR)).write_pdf(stylesheets=css)

    warm = make_rows(50)
    run(warm, bare_inputs(warm) if kind == "bare" else None)  # fonts loaded, caches warm
    rows = make_rows(n)
    inputs = bare_inputs(rows) if kind == "bare" else None  # outside the clock: the floor has nothing of ours
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    data = run(rows, inputs)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "kind": kind,
        "rows": len(rows),
        "seconds": seconds,
        "peak_mb": peak / 1024,
        "baseline_mb": baseline / 1024,
        "pages": pdf_pages(data),
        "bytes": len(data),
    }


def pdf_pages(data: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return next(int(line.split()[1]) for line in info.splitlines() if line.startswith("Pages:"))


def run_child(kind: str, n: int, script: str = __file__) -> dict:
    out = subprocess.run(
        [sys.executable, script, "--child", kind, "--rows", str(n)], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.rows)))
        return

    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)")
    kinds = ["decision", "bare"]
    results = {kind: [] for kind in kinds}
    for i in range(args.repeat):  # interleaved, alternating which goes first
        for kind in kinds if i % 2 == 0 else kinds[::-1]:
            results[kind].append(run_child(kind, args.rows))
            r = results[kind][-1]
            print(f"  {kind:9s} {r['seconds']:7.2f} s  peak {r['peak_mb']:5.0f} MB  {r['pages']} pages", flush=True)
    d_runs, b_runs = results["decision"], results["bare"]
    assert {r["pages"] for r in d_runs} == {r["pages"] for r in b_runs}, "not the same document"
    pairs = [d["seconds"] / b["seconds"] for d, b in zip(d_runs, b_runs, strict=True)]

    print(f"\n{args.rows} rows, {args.repeat} runs each (median; peak RSS: highest run)")
    print("| render | time (median) | runs | peak RSS | baseline RSS | pages | size |")
    print("|---|---:|---|---:|---:|---:|---:|")
    summary = {}
    for kind in kinds:
        runs = results[kind]
        s = summary[kind] = {
            "seconds": statistics.median(r["seconds"] for r in runs),
            "peak_mb": max(r["peak_mb"] for r in runs),
        }
        spread = f"{min(r['seconds'] for r in runs):.2f}–{max(r['seconds'] for r in runs):.2f} s"
        print(
            f"| {kind} | {s['seconds']:.2f} s | {spread} | {s['peak_mb']:.0f} MB | {runs[0]['baseline_mb']:.0f} MB "
            f"| {runs[0]['pages']} | {runs[0]['bytes'] / 1024:.0f} KB |"
        )
    print(
        f"\ndecision / bare WeasyPrint, same HTML and CSS: time {statistics.median(pairs):.2f}× (median of pairs; "
        f"pairs {min(pairs):.2f}–{max(pairs):.2f}×), median/median "
        f"{summary['decision']['seconds'] / summary['bare']['seconds']:.2f}×, "
        f"peak {summary['decision']['peak_mb'] / summary['bare']['peak_mb']:.2f}× (goal ≤ 1.2×)"
    )
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
