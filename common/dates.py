"""Dates as official documents write them."""

import datetime

from django.utils.translation import gettext as _


def chinese_date(value: datetime.date) -> str:
    """成文日期 in Arabic numerals without padding (GB/T 9704-2012, 7.3.5.1): 2011年6月28日."""
    return _("%(y)s年%(m)s月%(d)s日") % {"y": value.year, "m": value.month, "d": value.day}
