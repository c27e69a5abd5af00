"""The counts of a subtree or an organization, with the shares the pages show."""

from django.db.models import Sum

from common.numbers import percent

from ..models import BADGE_FIELDS, COUNT_FIELDS

SUMS = {name: Sum(name) for name in COUNT_FIELDS}


def share(part: str, whole: str) -> property:
    """A property: the count ``part`` as a percentage of the count ``whole``."""
    return property(lambda self: percent(self[part], self[whole]))


def gap(whole: str, part: str) -> property:
    """A property: how many of ``whole`` are not (yet) ``part``."""
    return property(lambda self: self[whole] - self[part])


class Figures(dict):
    """The counts of one subtree (or one organization) with the shares computed from them."""

    @classmethod
    def from_row(cls, row: dict | None) -> "Figures":
        return cls({name: (row or {}).get(name) or 0 for name in COUNT_FIELDS})

    def __add__(self, other: "Figures") -> "Figures":
        return Figures({name: self[name] + other[name] for name in COUNT_FIELDS})

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    # 实施方案, 承诺, 党性分析 (in-service members), 档次, 联系户, 矛盾纠纷, 党建工作指导员
    plan_pct = share("plan_approved", "plan_required")
    plan_missing = gap("plan_required", "plan_approved")
    fulfilled_pct = share("commitments_fulfilled", "commitments_published")
    pa_pct = share("pa_reports", "members_in_service")
    pa_missing = gap("members_in_service", "pa_reports")
    advanced_pct = share("tier_advanced", "tier_rated")
    prev_advanced_pct = share("prev_advanced", "prev_rated")
    no_contact_pct = share("households_no_contact", "households_active")
    resolved_pct = share("disputes_resolved", "disputes_found")
    instructor_pct = share("basic_with_instructor", "basic_orgs")
    instructor_missing = gap("basic_orgs", "basic_with_instructor")
    # 党员队伍: 党性分析 of every member, ratings
    pa_participated_pct = share("pa_participated", "members_total")
    pa_absent = gap("members_total", "pa_participated")
    excellent_member_pct = share("rated_excellent", "members_rated")
    # 佩戴党徽 (the sum of each basic organization's latest record): members wearing the badge of those counted
    wearing_pct = share("wearing_members", "wearing_counted")
    wearing_orgs_pct = share("wearing_orgs", "basic_orgs")
    wearing_missing = gap("basic_orgs", "wearing_orgs")
    # 群众工作站, 述职评议, 一定三有 (dashboards.sources_bodies)
    visits_closed_pct = share("station_visits_closed", "station_visits")
    duty_submitted_pct = share("duty_submitted", "basic_orgs")
    duty_missing = gap("basic_orgs", "duty_submitted")
    duty_waiting = gap("duty_submitted", "duty_rated")
    duty_rated_pct = share("duty_rated", "duty_submitted")
    measure_done_pct = share("measure_done", "measure_applicable")

    def rated_pct(self, level: str):
        return percent(self[f"rated_{level}"], self["members_rated"])

    def model_pct(self, n: int):
        """The share of the members assessed who reached 模范 ``n`` of the 五个模范."""
        return percent(self[f"model{n}_reached"], self["models_assessed"])

    def duty_pct(self, rating: str):
        return percent(self[f"duty_{rating}"], self["duty_rated"])

    @property
    def badge_entries(self):
        """亮牌示范: the current register entries of every kind."""
        return sum(self[column] for column in BADGE_FIELDS.values())
