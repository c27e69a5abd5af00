"""``{% dashboard_rows table %}``: a table's rows, rendered in Python (dashboards.tables.rows_html) or taken from
the cache the view filled (``table.body_html``)."""

from django import template

from dashboards.tables import rows_html

register = template.Library()


@register.simple_tag
def dashboard_rows(table):
    body = getattr(table, "body_html", None)
    return body if body is not None else rows_html(table)
