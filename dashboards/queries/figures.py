"""The counts of a subtree or an organization, with the shares the pages show."""

from django.db.models import Sum

from common.numbers import percent

from ..models import BADGE_FIELDS, COUNT_FIELDS

SUMS = {name: Sum(name) for name in COUNT_FIELDS}


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

    @property
    def plan_pct(self):
        return percent(self["plan_approved"], self["plan_required"])

    @property
    def plan_missing(self):
        return self["plan_required"] - self["plan_approved"]

    @property
    def fulfilled_pct(self):
        return percent(self["commitments_fulfilled"], self["commitments_published"])

    @property
    def pa_pct(self):
        return percent(self["pa_reports"], self["members_in_service"])

    @property
    def pa_missing(self):
        return self["members_in_service"] - self["pa_reports"]

    @property
    def advanced_pct(self):
        return percent(self["tier_advanced"], self["tier_rated"])

    @property
    def prev_advanced_pct(self):
        return percent(self["prev_advanced"], self["prev_rated"])

    @property
    def no_contact_pct(self):
        return percent(self["households_no_contact"], self["households_active"])

    @property
    def resolved_pct(self):
        return percent(self["disputes_resolved"], self["disputes_found"])

    @property
    def instructor_pct(self):
        return percent(self["basic_with_instructor"], self["basic_orgs"])

    @property
    def instructor_missing(self):
        return self["basic_orgs"] - self["basic_with_instructor"]

    # 党员队伍: 党性分析 of every member, ratings, the 五个模范

    @property
    def pa_participated_pct(self):
        return percent(self["pa_participated"], self["members_total"])

    @property
    def pa_absent(self):
        return self["members_total"] - self["pa_participated"]

    @property
    def excellent_member_pct(self):
        return percent(self["rated_excellent"], self["members_rated"])

    def rated_pct(self, level: str):
        return percent(self[f"rated_{level}"], self["members_rated"])

    def model_pct(self, n: int):
        return percent(self[f"model{n}_reached"], self["models_assessed"])

    # 亮牌示范: current register entries, 佩戴党徽 (the sum of each basic organization's latest record)

    @property
    def badge_entries(self):
        return sum(self[column] for column in BADGE_FIELDS.values())

    @property
    def wearing_pct(self):
        """Members wearing the badge of the members counted, over the basic organizations' latest records."""
        return percent(self["wearing_members"], self["wearing_counted"])

    @property
    def wearing_orgs_pct(self):
        return percent(self["wearing_orgs"], self["basic_orgs"])

    @property
    def wearing_missing(self):
        return self["basic_orgs"] - self["wearing_orgs"]

    # 群众工作站, 述职评议, 一定三有 (dashboards.sources_bodies)

    @property
    def visits_closed_pct(self):
        return percent(self["station_visits_closed"], self["station_visits"])

    @property
    def duty_submitted_pct(self):
        return percent(self["duty_submitted"], self["basic_orgs"])

    @property
    def duty_missing(self):
        return self["basic_orgs"] - self["duty_submitted"]

    @property
    def duty_waiting(self):
        return self["duty_submitted"] - self["duty_rated"]

    @property
    def duty_rated_pct(self):
        return percent(self["duty_rated"], self["duty_submitted"])

    def duty_pct(self, rating: str):
        return percent(self[f"duty_{rating}"], self["duty_rated"])

    @property
    def measure_done_pct(self):
        return percent(self["measure_done"], self["measure_applicable"])
