"""Member import: upsert by ID number; a changed 所在组织编码 is a transfer (组织关系转接)."""

from collections import Counter, namedtuple
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from common.sql import compose, identifiers

from .. import services
from ..enums import Gender, MemberCategory, MemberStatus, OrgLevel
from ..models import Member, Org
from ..validators import (
    MOBILE_RE,
    id_number_18,
    id_number_error,
    id_number_forms,
    member_facts_errors,
    normalize_id_number,
)
from .base import (
    PROGRESS_EVERY,
    WRITE_BATCH,
    Importer,
    bulk_create_with_history,
    bulk_update_with_history,
    cell_text,
    chunks,
)
from .columns import MEMBER_COLUMNS, MEMBERS

(
    C_NAME,
    C_GENDER,
    C_ETHNICITY,
    C_BIRTH,
    C_ID,
    C_MOBILE,
    C_JOIN,
    C_STATUS,
    C_CATEGORY,
    C_ORG,
    C_POST,
) = MEMBER_COLUMNS

# The member fields the template carries (besides the organization), in template order.
FIELDS = ("name", "gender", "ethnicity", "birth_date", "id_number", "mobile", "join_date", "status", "category", "post")
COMPARED = tuple(f for f in FIELDS if f != "id_number")
UPDATE_FIELDS = [*COMPARED, "org", "org_path", "org_sector", "org_kind", "updated_at"]

OrgRef = namedtuple("OrgRef", "pk code path level sector active name kind")
FACT_COLUMNS = {"gender": C_GENDER, "birth_date": C_BIRTH, "join_date": C_JOIN}


def members_by_id_number(id_numbers: list):
    """The members with these ID numbers. On PostgreSQL one array parameter (``= ANY(%s)``): Django's ``__in``
    compiles a placeholder per number, which cost more than the query for 5,000 numbers."""
    if connection.vendor != "postgresql":
        return Member.objects.filter(id_number__in=id_numbers)
    statement = compose(
        "SELECT {columns} FROM {table} WHERE {id_number} = ANY(%s)",
        columns=identifiers(f.column for f in Member._meta.concrete_fields),
        table=Member._meta.db_table,
        id_number="id_number",
    )
    return Member.objects.raw(statement, [list(id_numbers)])


@dataclass
class MemberPlan:
    creates: list = field(default_factory=list)  # (OrgRef, fields) of each new member: built when written
    updates: list = field(default_factory=list)  # changed Member objects (``_old_path`` set on transfers)
    unchanged: int = 0
    transferred: int = 0


class MemberImporter(Importer):
    kind = MEMBERS
    columns = MEMBER_COLUMNS

    def _parse(self, row, values):
        """One row's own checks (no database); returns the fields, the org code, the person (the 18-digit form
        of a valid ID number, else ""), and whether the row is clean."""
        before = len(self.errors)
        name, gender, ethnicity, birth, id_raw, mobile, joined, status, category, code, post = values
        fields = {}
        fields["name"] = name = cell_text(name)
        self.required(row, C_NAME, name, max_length=50)
        text = cell_text(gender)
        if self.required(row, C_GENDER, text):
            fields["gender"] = self.choice(row, C_GENDER, Gender, text)
        fields["ethnicity"] = ethnicity = cell_text(ethnicity)
        self.required(row, C_ETHNICITY, ethnicity, max_length=20)
        fields["birth_date"] = birth_date = self.date(row, C_BIRTH, birth)

        id_number = normalize_id_number(cell_text(id_raw))
        fields["id_number"] = id_number
        id_ok = False
        if self.required(row, C_ID, id_number):
            reason = id_number_error(id_number)
            if reason and isinstance(id_raw, int | float):
                reason = _("身份证号被保存成了数字，末几位已丢失：请把该列设为文本格式后重新填写")
            if reason:
                self.error(row, C_ID, reason)
            else:
                id_ok = True

        fields["mobile"] = mobile = cell_text(mobile)
        if mobile and not MOBILE_RE.match(mobile):
            self.error(
                row, C_MOBILE, _("手机号码“%(value)s”无效：应为以 1 开头的 11 位数字，第二位为 3—9") % {"value": mobile}
            )

        fields["join_date"] = join_date = self.date(row, C_JOIN, joined)
        if join_date and join_date > self.today:
            self.error(row, C_JOIN, _("入党日期不能晚于今天"))
            join_date = None
        facts = member_facts_errors(
            gender=fields.get("gender"),
            birth_date=birth_date,
            id_number=id_number if id_ok else "",
            join_date=join_date,
        )
        for name, message in facts.items():
            self.error(row, FACT_COLUMNS[name], message)

        text = cell_text(status)
        if self.required(row, C_STATUS, text):
            fields["status"] = self.choice(row, C_STATUS, MemberStatus, text)
        text = cell_text(category)
        if self.required(row, C_CATEGORY, text):
            fields["category"] = self.choice(row, C_CATEGORY, MemberCategory, text)
        code = cell_text(code)
        self.required(row, C_ORG, code)
        fields["post"] = post = cell_text(post)
        self.max_length(row, C_POST, post, 100)
        return fields, code, id_number_18(id_number) if id_ok else "", len(self.errors) == before

    def _load_orgs(self, codes):
        found = {}
        for part in chunks(codes):
            for values in Org.objects.filter(code__in=part).values_list(
                "pk", "code", "path", "level", "sector", "active", "name", "kind"
            ):
                ref = OrgRef(*values)
                found[ref.code] = ref
        return found

    def _load_members(self, id_numbers):
        """Existing members by the 18-digit form of their ID number: a 15-digit number and its 18-digit
        form are one person, whichever of the two is stored or typed."""
        wanted = {form for id_number in id_numbers for form in id_number_forms(id_number)}
        found = {}
        for part in chunks(wanted):
            for member in members_by_id_number(part):
                found[id_number_18(member.id_number)] = member
        return found

    def _org_refusal(self, code, org):
        """Why members cannot go into the organization ``code`` (None: they can). One answer per organization,
        not per row: a file names a few hundred organizations in 100,000 rows."""
        if org is None:
            return _("找不到组织编码“%(code)s”") % {"code": code}
        if not self.covers(org.path, org.sector):
            return _("组织“%(code)s”不在您的管理范围内") % {"code": code}
        if not org.active:
            return _("组织“%(code)s”已撤销，不能编入党员") % {"code": code}
        if org.level != OrgLevel.BASIC:
            return _("“%(name)s”（%(code)s）不是基层党组织，党员只能编入基层党组织") % {"name": org.name, "code": code}
        return None

    def plan(self) -> MemberPlan:
        self.today = timezone.localdate()
        rows = self.table.rows
        total = len(rows)
        parsed = []
        first_row = {}
        codes = set()
        for index, (row, values) in enumerate(rows, start=1):
            fields, code, person, clean = self._parse(row, values)
            id_number = fields["id_number"]
            if clean:
                if person in first_row:
                    other_row, other_number = first_row[person]
                    if other_number == id_number:
                        message = _("身份证号与第 %(row)s 行重复") % {"row": other_row}
                    else:
                        message = _("身份证号与第 %(row)s 行重复（15 位与 18 位身份证号为同一人）") % {"row": other_row}
                    self.error(row, C_ID, message)
                    clean = False
                else:
                    first_row[person] = (row, id_number)
            elif person and person not in first_row:
                first_row[person] = (row, id_number)
            if code:
                codes.add(code)
            parsed.append((row, fields, code, person, clean))
            if index % PROGRESS_EVERY == 0:
                self.report(index, total, "check")

        orgs = self._load_orgs(codes)
        refusals = {code: self._org_refusal(code, orgs.get(code)) for code in codes}
        existing = self._load_members(first_row)
        in_scope = {}  # (path, sector) of an existing member's organization → may the user manage it?
        plan = MemberPlan()
        for index, (row, fields, code, person, clean) in enumerate(parsed, start=1):
            if index % PROGRESS_EVERY == 0:
                self.report(index, total, "match")
            org = None
            if code:
                refusal = refusals[code]
                if refusal is None:
                    org = orgs[code]
                else:
                    self.error(row, C_ORG, refusal)
            member = existing.get(person) if person else None
            if member is not None:
                place = (member.org_path, member.org_sector)
                if place not in in_scope:
                    in_scope[place] = self.covers(*place)
                if not in_scope[place]:
                    self.error(row, C_ID, _("该身份证号已登记在您管理范围以外的组织，请由对方办理组织关系转出"))
                    continue
            if not clean or org is None:
                continue
            if member is None:
                plan.creates.append((org, fields))
                continue
            changed = False
            for name in COMPARED:
                if getattr(member, name) != fields[name]:
                    setattr(member, name, fields[name])
                    changed = True
            if member.org_id != org.pk:
                member._old_path = member.org_path
                member.org_id = org.pk
                member.org_path = org.path
                member.org_sector = org.sector
                member.org_kind = org.kind
                plan.transferred += 1
                changed = True
            if changed:
                plan.updates.append(member)
            else:
                plan.unchanged += 1
        self.report(total, total, "match")
        return plan

    def summary(self, plan) -> dict:
        return {
            "created": len(plan.creates),
            "updated": len(plan.updates),
            "unchanged": plan.unchanged,
            "transferred": plan.transferred,
        }

    def write(self, plan: MemberPlan):
        total = len(plan.creates) + len(plan.updates)
        done = 0
        deltas = Counter()
        step = WRITE_BATCH * 5
        for start in range(0, len(plan.creates), step):
            batch = [
                Member(org_id=org.pk, org_path=org.path, org_sector=org.sector, org_kind=org.kind, **fields)
                for org, fields in plan.creates[start : start + step]
            ]
            bulk_create_with_history(batch, Member, user=self.user, reason=self.change_reason)
            for member in batch:
                deltas[member.org_path] += 1
            done += len(batch)
            self.report(done, total, "write")
        now = timezone.now()
        for start in range(0, len(plan.updates), step):
            batch = plan.updates[start : start + step]
            for member in batch:
                member.updated_at = now
                old_path = getattr(member, "_old_path", None)
                if old_path:
                    deltas[old_path] -= 1
                    deltas[member.org_path] += 1
            bulk_update_with_history(batch, Member, UPDATE_FIELDS, user=self.user, reason=self.change_reason)
            done += len(batch)
            self.report(done, total, "write")
        services.bump_member_counts({path: delta for path, delta in deltas.items() if delta})
