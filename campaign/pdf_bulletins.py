"""The bulletin (信息简报) as PDF, in the document style of the commendation decision.

The red header (发文机关标志 + red rule), the page numbers and the fonts come from the decision's own
stylesheet (awards/static/awards/pdf/decision.css, GB/T 9704-2012) — shared, not copied; bulletin.css adds
only what a bulletin has besides: the issue number, the editor/date line, the articles and the 版记.
WeasyPrint is imported inside the function.
"""

from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from common.dates import chinese_date

OFFICIAL_CSS = "awards/pdf/decision.css"
BULLETIN_CSS = "campaign/pdf/bulletin.css"


def stylesheet_paths() -> list[str]:
    """The shared official-document stylesheet first, then the bulletin's additions."""
    paths = []
    for name in (OFFICIAL_CSS, BULLETIN_CSS):
        found = finders.find(name)
        if found is None:
            raise FileNotFoundError(name)
        paths.append(found)
    return paths


def bulletin_html(bulletin, items, recipients) -> str:
    return render_to_string(
        "campaign/bulletins_pdf.html",
        {
            "bulletin": bulletin,
            "items": items,
            "recipients": recipients,
            "issued_on": chinese_date(bulletin.issue_date) if bulletin.issue_date else "",
        },
    )


def render_bulletin(bulletin, items, recipients) -> bytes:
    from weasyprint import CSS, HTML

    paths = stylesheet_paths()
    html = bulletin_html(bulletin, items, recipients)
    return HTML(string=html, base_url=str(Path(paths[-1]).parent)).write_pdf(
        stylesheets=[CSS(filename=path) for path in paths]
    )
