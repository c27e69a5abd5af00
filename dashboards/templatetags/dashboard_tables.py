"""``{% dashboard_rows table %}``: a table's rows, rendered in Python (dashboards.tables.rows_html): a children
table has thousands of cells, and the template engine spent most of the page's time on them."""

from django import template

from dashboards.tables import rows_html

register = template.Library()


@register.simple_tag
def dashboard_rows(table):
    return rows_html(table)
