"""The form in which a data manager enters a year's holiday schedule from the State Council's notice.

One line per holiday ("2027-10-01 至 2027-10-07 国庆节", or one day "2027-01-01 元旦") and one line per 调休
make-up working day ("2027-02-07 春节调休上班"); every line that cannot be read is named by its number.
"""

import datetime
import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..services.holidays import YearSchedule

DATE = r"(\d{4}-\d{1,2}-\d{1,2})"
# "2027-10-01 至 2027-10-07 国庆节", "2027-10-01~2027-10-07 国庆节", "2027-01-01 元旦"
HOLIDAY_LINE = re.compile(rf"^{DATE}(?:\s*(?:至|到|~|～|—|－)\s*{DATE})?\s*(.*)$")
WORKDAY_LINE = re.compile(rf"^{DATE}\s*(.*)$")


def _date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))
    except ValueError:
        return None


def _lines(text: str) -> list[tuple[int, str]]:
    return [(n, line.strip()) for n, line in enumerate((text or "").splitlines(), start=1) if line.strip()]


def parse_holidays(text: str) -> tuple[list[tuple[datetime.date, datetime.date, str]], list[str]]:
    """(holidays, messages about unreadable lines)."""
    found, errors = [], []
    for n, line in _lines(text):
        match = HOLIDAY_LINE.match(line)
        first = _date(match[1]) if match else None
        last = (_date(match[2]) if match[2] else first) if match else None
        if match is None or first is None or last is None:
            errors.append(
                _("第 %(n)s 行“%(line)s”无法识别：应为“2027-10-01 至 2027-10-07 国庆节”或“2027-01-01 元旦”")
                % {"n": n, "line": line[:40]}
            )
            continue
        found.append((first, last, match[3].strip()))
    return found, errors


def parse_workdays(text: str) -> tuple[list[tuple[datetime.date, str]], list[str]]:
    """(调休 working days, messages about unreadable lines)."""
    found, errors = [], []
    for n, line in _lines(text):
        match = WORKDAY_LINE.match(line)
        day = _date(match[1]) if match else None
        if day is None:
            errors.append(
                _("第 %(n)s 行“%(line)s”无法识别：应为“2027-02-07 春节调休上班”") % {"n": n, "line": line[:40]}
            )
            continue
        found.append((day, match[2].strip()))
    return found, errors


def schedule_text(schedule: YearSchedule) -> dict[str, str]:
    """The form's initial text for a year already loaded."""
    holidays = [
        f"{first.isoformat()} {name}"
        if first == last
        else f"{first.isoformat()} 至 {last.isoformat()} {name}"  # i18n: data
        for first, last, name in schedule.holidays
    ]
    workdays = [f"{day.isoformat()} {name}" for day, name in schedule.workdays]
    return {
        "holidays": "\n".join(holidays),
        "workdays": "\n".join(workdays),
        "notice": schedule.row.notice if schedule.row else "",
    }


class HolidayYearForm(forms.Form):
    notice = forms.CharField(
        label=gettext_lazy("国务院办公厅通知文号"),
        max_length=60,
        required=False,
        help_text=gettext_lazy("如：国办发明电〔2026〕×号（可不填）"),
    )
    holidays = forms.CharField(
        label=gettext_lazy("放假安排"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 9}),
        help_text=gettext_lazy(
            "每行一个节日：“开始日期 至 结束日期 节日名称”，如“2027-10-01 至 2027-10-07 国庆节”；"
            "放假期间的周六、周日也包括在内。只放一天的写“2027-01-01 元旦”。"
        ),
    )
    workdays = forms.CharField(
        label=gettext_lazy("调休上班日期"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("每行一天：“日期 说明”，如“2027-02-07 春节调休上班”；只能是星期六或星期日。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holidays"].error_messages["required"] = _("请填写放假安排")

    def clean_holidays(self):
        found, errors = parse_holidays(self.cleaned_data["holidays"])
        if errors:
            raise forms.ValidationError(errors)
        return found

    def clean_workdays(self):
        found, errors = parse_workdays(self.cleaned_data.get("workdays") or "")
        if errors:
            raise forms.ValidationError(errors)
        return found
