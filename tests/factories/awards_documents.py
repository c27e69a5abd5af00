"""Factories for the documents area: approved nominations (the final list) and decisions."""

import datetime
import itertools

from awards.models import Decision, Nomination
from orgs.models import Org
from tests.factories import MemberFactory
from tests.factories.awards_nominations import category, make_round

__all__ = ["approve", "approve_member", "approve_org", "make_decision", "make_round", "sample_rows"]

_seq = itertools.count(1)


def _city_of(org: Org) -> Org | None:
    return Org.objects.filter(path=org.path[: Org.steplen * 2]).first() if org.depth >= 2 else None


def approve(award_round, *, code, member=None, org=None, name=None, unit="", post=""):
    """An approved nomination (on the final list), written directly: the nomination flow itself is
    tested by the nominations area."""
    subject_org = org if org is not None else member.org
    return Nomination.objects.create(
        award_round=award_round,
        category=category(award_round, code),
        nominee_org=org,
        nominee_member=member,
        nominee_name=name or (org.name if org is not None else member.name),
        unit=unit,
        post=post,
        city=_city_of(subject_org),
        nominating_org=subject_org,
        origin_path=subject_org.path,
        current_org=award_round.owner_org,
        status=Nomination.Status.APPROVED,
        deeds="事迹材料",
    )


def approve_member(award_round, org, *, name=None, code="excellent_member", post="党支部书记"):
    member = MemberFactory(org=org, name=name or f"受表彰{next(_seq)}", post=post)
    return approve(award_round, code=code, member=member, unit=org.name, post=post)


def approve_org(award_round, org, *, code="advanced_org"):
    return approve(award_round, code=code, org=org)


def make_decision(award_round, **fields):
    values = {
        "doc_number": f"冀创组〔2011〕{next(_seq)}号",
        "title": "中共河北省委关于表彰全省创先争优活动先进基层党组织、优秀共产党员和优秀党务工作者的决定",
        "addressee": "各市委，省委各部委，省直各部门党组（党委）：",
        "body": "开展创先争优活动以来，涌现出一大批先进典型。\n省委决定，予以表彰。",
        "attachment_title": "全省创先争优活动先进基层党组织、优秀共产党员和优秀党务工作者名单",
        "signed_on": datetime.date(2011, 6, 28),
        **fields,
    }
    return Decision.objects.create(award_round=award_round, **values)


def sample_rows():
    """Plain rows for awards.pdf: two cities × three categories, names unique and in list order."""
    rows = []
    for city, prefix in (("石家庄市", "甲"), ("唐山市", "乙")):
        rows.append(
            {
                "city": city,
                "category": "先进基层党组织",
                "kind": "org",
                "name": f"{prefix}村党支部",
                "unit": "",
                "post": "",
            }
        )
        for i, given in enumerate(("春华", "秋实")):
            rows.append(
                {
                    "city": city,
                    "category": "优秀共产党员",
                    "kind": "member",
                    "name": f"{prefix}{given}",
                    "unit": f"{city}第{i + 1}村党支部",
                    "post": "书记",
                }
            )
        rows.append(
            {
                "city": city,
                "category": "优秀党务工作者",
                "kind": "member",
                "name": f"{prefix}冬雪",
                "unit": "",
                "post": "组织委员",
            }
        )
    return rows
