"""Factories for a basic organization's own commendation: a draft, awards, an announced honour."""

import datetime
import itertools

from awards.models import BasicAward, BasicCommendation
from awards.services import basic as services
from orgs.enums import Role
from orgs.models import RoleAssignment
from tests.factories import user_with_role

_seq = itertools.count(1)


def secretary_of(org):
    """The org's secretary (created once per org)."""
    found = RoleAssignment.objects.filter(org=org, role=Role.SECRETARY).select_related("user").first()
    return found.user if found else user_with_role(org, Role.SECRETARY, full_name=f"{org.name}书记")


def make_commendation(org, *, by=None, publicity=False, **fields) -> BasicCommendation:
    n = next(_seq)
    values = {
        "title": f"2011年度优秀共产党员表彰{n}",
        "year": 2011,
        "date": datetime.date(2011, 6, 20),
        "method": "党员大会评选",
        "publicity": publicity,
        "publicity_working_days": 5,
        **fields,
    }
    return services.create_commendation(org, by=by or secretary_of(org), **values)


def add_award(commendation, member, *, by=None, **fields) -> BasicAward:
    return services.add_award(commendation, member, by=by or secretary_of(commendation.org), **fields)


def announced_award(member, *, by=None, honour="优秀共产党员", citation="带头致富，服务群众。", **fields) -> BasicAward:
    """An announced commendation of the member's organization with the member on it."""
    by = by or secretary_of(member.org)
    commendation = make_commendation(member.org, by=by, **fields)
    award = add_award(commendation, member, by=by, honour=honour, citation=citation)
    services.announce(commendation, by=by)
    award.refresh_from_db()
    return award
