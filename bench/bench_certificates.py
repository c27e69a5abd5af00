"""Certificates benchmark (issue 14, item 3: 5,000 certificates ≤ 30 s, peak RSS ≤ 1 GB, with progress).

    .venv/bin/python bench/bench_certificates.py [--rows 5000] [--repeat 3] [--full-rows 500]

Renders, each in a fresh subprocess (Django set up, WeasyPrint imported and a 20-row warm-up render of the
same kind done before the clock starts, as in a warm worker), interleaved:

* certificates: ``awards.pdf.render_certificates(decision, rows)`` — what the Celery task runs: each kind
  of certificate laid out once by WeasyPrint, every row's name and unit printed on a copy of it
  (awards/pdf_certificates.py); the number of progress reports it made is printed;
* floor: one certificate laid out by WeasyPrint and its page repeated ``--rows`` times in one PDF (pikepdf,
  the same shared content streams, no per-row text) — the least a ``--rows``-page PDF of this certificate
  costs; the ratio certificates / floor is what printing the names adds;
* full (once, ``--full-rows`` rows, 0 to skip): ``awards.pdf.render_certificates_full`` — WeasyPrint laying
  out every page, as before this change; its per-page time is printed and, when ``--full-rows`` is below
  ``--rows``, extrapolated to ``--rows`` (marked "extrapolated").

Every output is checked: page count = rows; for certificates, pdftotext finds every row's name on its own
page. Rows are bench_decision_pdf.make_rows (synthetic, deterministic, unique names). Touches no database.
"""

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_decision_pdf import decision_stub, make_rows, pdf_pages  # noqa: E402

ROUND = "2011年“七一”集中表彰"


def floor(pdf, rows) -> bytes:
    """One certificate by WeasyPrint, its page repeated len(rows) times with shared content (pikepdf)."""
    import pikepdf

    one = pikepdf.open(io.BytesIO(pdf.render_certificates_full(decision_stub(), rows[:1], round_name=ROUND)))
    page = one.pages[0].obj
    base = {k: v for k, v in page.items() if k not in ("/Contents", "/Parent")}
    base["/Resources"] = one.make_indirect(base["/Resources"])
    content = one.make_indirect(pikepdf.Stream(one, page.Contents.read_bytes()))
    tree, kids = one.Root.Pages, pikepdf.Array()
    for _row in rows:
        copy = pikepdf.Dictionary(base)
        copy.Contents = pikepdf.Array([content])
        copy.Parent = tree
        kids.append(one.make_indirect(copy))
    tree.Kids, tree.Count = kids, len(kids)
    out = io.BytesIO()
    one.save(out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def child(kind: str, n: int) -> dict:
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    import weasyprint  # noqa: F401

    from awards import pdf

    reports = []

    def run(rows):
        reports.clear()
        if kind == "certificates":
            return pdf.render_certificates(
                decision_stub(), rows, round_name=ROUND, on_progress=lambda done, total: reports.append(done)
            )
        if kind == "floor":
            return floor(pdf, rows)
        return pdf.render_certificates_full(
            decision_stub(), rows, round_name=ROUND, on_progress=lambda done, total: reports.append(done)
        )

    run(make_rows(20))
    rows = make_rows(n)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    data = run(rows)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    pages = pdf_pages(data)
    assert pages == len(rows), (pages, len(rows))
    if kind == "certificates":
        text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=data, capture_output=True, check=True).stdout
        for row, page in zip(rows, text.decode().split("\f"), strict=False):
            assert row["name"] in "".join(page.split()), row["name"]
    return {
        "kind": kind,
        "rows": len(rows),
        "seconds": seconds,
        "peak_mb": peak / 1024,
        "baseline_mb": baseline / 1024,
        "pages": pages,
        "bytes": len(data),
        "reports": len(reports),
    }


def run_child(kind: str, n: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--rows", str(n)], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def show(r: dict) -> None:
    print(
        f"  {r['kind']:12s} {r['rows']:5d} rows {r['seconds']:7.2f} s  peak {r['peak_mb']:5.0f} MB  "
        f"{r['pages']} pages  {r['bytes'] / 1024:.0f} KB  {r['reports']} progress reports",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--full-rows", type=int, default=500)
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.rows)))
        return

    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)")
    results = {"certificates": [], "floor": []}
    for i in range(args.repeat):
        for kind in ("certificates", "floor") if i % 2 == 0 else ("floor", "certificates"):
            results[kind].append(run_child(kind, args.rows))
            show(results[kind][-1])
    full = None
    if args.full_rows:
        full = run_child("full", args.full_rows)
        show(full)

    cert, low = results["certificates"], results["floor"]
    c_med, f_med = (statistics.median(r["seconds"] for r in runs) for runs in (cert, low))
    pairs = [c["seconds"] / f["seconds"] for c, f in zip(cert, low, strict=True)]
    print(f"\n{args.rows} certificates, {args.repeat} runs each (median; peak RSS: highest run)")
    print("| render | time (median) | runs | peak RSS | pages | size |")
    print("|---|---:|---|---:|---:|---:|")
    for kind, runs, med in (("certificates", cert, c_med), ("floor", low, f_med)):
        spread = f"{min(r['seconds'] for r in runs):.2f}–{max(r['seconds'] for r in runs):.2f} s"
        peak = max(r["peak_mb"] for r in runs)
        size = runs[0]["bytes"] / 1024
        print(f"| {kind} | {med:.2f} s | {spread} | {peak:.0f} MB | {runs[0]['pages']} | {size:.0f} KB |")
    print(
        f"\ncertificates / floor: time {statistics.median(pairs):.2f}× (median of pairs; {min(pairs):.2f}–"
        f"{max(pairs):.2f}×); {args.rows} certificates in {c_med:.1f} s (goal for 5,000: ≤ 30 s), peak RSS "
        f"{max(r['peak_mb'] for r in cert):.0f} MB (goal ≤ 1 GB)"
    )
    if full:
        per_page = full["seconds"] / full["rows"]
        label = "measured" if full["rows"] >= args.rows else "extrapolated"
        print(
            f"full WeasyPrint layout (before): {per_page * 1000:.1f} ms/page over {full['rows']} pages → "
            f"{per_page * args.rows:.0f} s for {args.rows} ({label}); certificates are "
            f"{per_page * args.rows / c_med:.1f}× faster"
        )
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
