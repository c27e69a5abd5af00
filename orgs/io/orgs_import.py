"""Organization import: upsert by 组织编码. New organizations may hang under existing ones in scope or
under other new rows of the same file (defined earlier or later); the parent of an existing
organization is never changed by an import.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import F
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from .. import services
from ..enums import OrgKind, Sector
from ..models import Member, Org
from ..pinyin import fill_name_keys
from ..views.tree import NEXT_LEVEL
from .base import PROGRESS_EVERY, WRITE_BATCH, Importer, bulk_update_with_history, cell_text, chunks
from .columns import NO, ORG_COLUMNS, ORGS, YES

C_CODE, C_NAME, C_PARENT, C_KIND, C_SECTOR, C_ETHNIC = ORG_COLUMNS
UPDATE_FIELDS = ["name", "kind", "sector", "ethnic_religious"]
# Written with them: the name's pinyin keys (orgs.pinyin), which bulk writes must fill themselves.
KEY_FIELDS = ["name_initials", "name_pinyin"]


@dataclass
class OrgRow:
    row: int
    code: str
    name: str
    parent_code: str
    kind: str | None
    sector: str | None
    ethnic_religious: bool | None
    clean: bool
    # resolved for new organizations:
    level: str = ""
    depth: int = 0
    failed: bool = False


@dataclass
class OrgPlan:
    creates: list = field(default_factory=list)  # OrgRow, parents before children
    updates: list = field(default_factory=list)  # changed Org objects
    unchanged: int = 0
    existing: dict = field(default_factory=dict)  # code → Org (existing organizations the file names)


class OrgImporter(Importer):
    kind = ORGS
    columns = ORG_COLUMNS

    def _parse(self, row, values) -> OrgRow:
        before = len(self.errors)
        code, name, parent_code, kind, sector, ethnic = (cell_text(v) for v in values)
        self.required(row, C_CODE, code, max_length=32)
        self.required(row, C_NAME, name, max_length=100)
        kind_value = self.choice(row, C_KIND, OrgKind, kind) if self.required(row, C_KIND, kind) else None
        sector_value = self.choice(row, C_SECTOR, Sector, sector) if sector else ""
        ethnic_value = {YES: True, NO: False, "": False}.get(ethnic)
        if ethnic_value is None:
            self.error(row, C_ETHNIC, _("应填写“是”或“否”，文件中为“%(value)s”") % {"value": ethnic})
        return OrgRow(
            row=row,
            code=code,
            name=name,
            parent_code=parent_code,
            kind=kind_value,
            sector=sector_value,
            ethnic_religious=ethnic_value,
            clean=len(self.errors) == before,
        )

    def _load(self, codes):
        """Existing organizations named by the file (as codes or parent codes), and their parents' codes."""
        found = {}
        for part in chunks(codes):
            for org in Org.objects.filter(code__in=part):
                found[org.code] = org
        code_of_path = {org.path: org.code for org in found.values()}
        missing = {org.path[: -Org.steplen] for org in found.values() if org.depth > 1} - code_of_path.keys()
        for part in chunks(missing):
            code_of_path.update(Org.objects.filter(path__in=part).values_list("path", "code"))
        return found, code_of_path

    def plan(self) -> OrgPlan:
        rows = self.table.rows
        total = len(rows)
        parsed = []
        first_row = {}
        for index, (row, values) in enumerate(rows, start=1):
            item = self._parse(row, values)
            if item.code:
                if item.code in first_row:
                    self.error(row, C_CODE, _("组织编码与第 %(row)s 行重复") % {"row": first_row[item.code].row})
                    item.clean = False
                    item.failed = True
                else:
                    first_row[item.code] = item
            parsed.append(item)
            if index % PROGRESS_EVERY == 0:
                self.report(index, total, "check")

        existing, code_of_path = self._load(set(first_row) | {p.parent_code for p in parsed if p.parent_code})
        plan = OrgPlan(existing=existing)
        new_rows = {}
        for item in parsed:
            if item.failed or not item.code:
                continue
            org = existing.get(item.code)
            if org is None:
                new_rows[item.code] = item
                continue
            self._check_existing(item, org, code_of_path, plan)

        for item in new_rows.values():
            if not item.clean:
                item.failed = True
        self._resolve(new_rows, existing)
        plan.creates = sorted(
            (item for item in new_rows.values() if not item.failed and item.clean), key=lambda i: (i.depth, i.row)
        )
        self.report(total, total, "match")
        return plan

    def _check_existing(self, item, org, code_of_path, plan):
        if not self.covers(org.path, org.sector):
            self.error(item.row, C_CODE, _("组织编码“%(code)s”已被您管理范围以外的组织使用") % {"code": item.code})
            return
        current_parent = code_of_path.get(org.path[: -Org.steplen], "") if org.depth > 1 else ""
        if item.parent_code != current_parent:
            self.error(
                item.row,
                C_PARENT,
                _("不能通过导入调整上级组织（该组织现在的上级组织编码为“%(code)s”）") % {"code": current_parent},
            )
            return
        if not item.clean:
            return
        changed = False
        for name in UPDATE_FIELDS:
            value = getattr(item, name)
            if getattr(org, name) != value:
                setattr(org, name, value)
                changed = True
        if changed:
            plan.updates.append(org)
        else:
            plan.unchanged += 1

    def _resolve(self, new_rows, existing):
        """Give each new row its level and depth from its parent, walking chains of new rows
        (parents may come later in the file); report unknown parents, parents outside the
        scope, cycles, and children of bad rows."""
        done = set()
        for start in new_rows:
            chain = []
            on_chain = set()
            code = start
            while code in new_rows and code not in done:
                if code in on_chain:
                    cycle = chain[chain.index(code) :]
                    for member in cycle:
                        item = new_rows[member]
                        self.error(item.row, C_PARENT, _("上级组织编码形成循环，无法确定层级"))
                        item.failed = True
                        done.add(member)
                    chain = chain[: chain.index(code)]
                    break
                chain.append(code)
                on_chain.add(code)
                code = new_rows[code].parent_code
            for member in reversed(chain):
                self._resolve_one(new_rows[member], new_rows, existing)
                done.add(member)

    def _resolve_one(self, item, new_rows, existing):
        parent_code = item.parent_code
        if not parent_code:
            self.error(item.row, C_PARENT, _("不能为空：新建组织必须填写上级组织编码"))
            item.failed = True
            return
        parent_new = new_rows.get(parent_code)
        if parent_new is not None:
            if parent_new.failed:
                self.error(item.row, C_PARENT, _("上级组织（第 %(row)s 行）有错误，无法导入") % {"row": parent_new.row})
                item.failed = True
                return
            parent_level, parent_depth, parent_kind = parent_new.level, parent_new.depth, parent_new.kind
        else:
            parent = existing.get(parent_code)
            if parent is None:
                self.error(item.row, C_PARENT, _("找不到上级组织编码“%(code)s”") % {"code": parent_code})
                item.failed = True
                return
            if not self.covers(parent.path, parent.sector):
                self.error(item.row, C_PARENT, _("上级组织“%(code)s”不在您的管理范围内") % {"code": parent_code})
                item.failed = True
                return
            if not parent.active:
                self.error(item.row, C_PARENT, _("上级组织“%(code)s”已撤销") % {"code": parent_code})
                item.failed = True
                return
            parent_level, parent_depth, parent_kind = parent.level, parent.depth, parent.kind
        if parent_kind == OrgKind.BRANCH:
            self.error(
                item.row, C_PARENT, _("上级组织“%(code)s”是党支部，党支部下不能设立组织") % {"code": parent_code}
            )
            item.failed = True
            return
        item.level = NEXT_LEVEL[parent_level]
        item.depth = parent_depth + 1
        if not item.clean:
            item.failed = True

    def summary(self, plan) -> dict:
        return {"created": len(plan.creates), "updated": len(plan.updates), "unchanged": plan.unchanged}

    def write(self, plan: OrgPlan):
        total = len(plan.creates) + len(plan.updates)
        if plan.creates:
            new_orgs = self._place(plan)
            for start in range(0, len(new_orgs), WRITE_BATCH * 5):
                batch = new_orgs[start : start + WRITE_BATCH * 5]
                bulk_create_with_history(
                    batch, Org, batch_size=WRITE_BATCH, default_user=self.user, default_change_reason=self.change_reason
                )
                self.report(start + len(batch), total, "write")
            services.bump_org_counts([org.path for org in new_orgs])
        if plan.updates:
            keys = {}
            for org in plan.updates:
                fill_name_keys(org, keys)
            bulk_update_with_history(
                plan.updates, Org, [*UPDATE_FIELDS, *KEY_FIELDS], user=self.user, reason=self.change_reason
            )
            self._copy_sectors(plan.updates)
        self.report(total, total, "write")

    def _copy_sectors(self, orgs):
        """Members carry a copy of their organization's sector and kind (Member.org_sector, org_kind): follow
        a change."""
        for column, attr in (("org_sector", "sector"), ("org_kind", "kind")):
            by_value = defaultdict(list)
            for org in orgs:
                by_value[getattr(org, attr)].append(org.pk)
            for value, ids in by_value.items():
                for part in chunks(ids):
                    Member.objects.filter(org_id__in=part).exclude(**{column: value}).update(**{column: value})

    def _place(self, plan) -> list[Org]:
        """Materialized paths for the new organizations: after each parent's last child, parents first."""
        parent_codes = {item.parent_code for item in plan.creates if item.parent_code in plan.existing}
        parents = {
            org.code: org for org in Org.objects.select_for_update().filter(code__in=parent_codes).order_by("pk")
        }
        next_step = {}
        for code, parent in parents.items():
            last = (
                Org.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
                .order_by("-path")
                .values_list("path", flat=True)
                .first()
            )
            next_step[code] = Org._str2int(last[-Org.steplen :]) + 1 if last else 1
        path_of = {code: parent.path for code, parent in parents.items()}
        children = Counter(item.parent_code for item in plan.creates)
        keys = {}
        new_orgs = []
        for item in plan.creates:  # sorted by depth: a parent's path is known before its children's
            step = next_step.get(item.parent_code, 1)
            next_step[item.parent_code] = step + 1
            path = Org._get_path(path_of[item.parent_code], item.depth, step)
            path_of[item.code] = path
            org = Org(
                code=item.code,
                name=item.name,
                kind=item.kind,
                level=item.level,
                sector=item.sector,
                ethnic_religious=item.ethnic_religious,
                active=True,
                path=path,
                depth=item.depth,
                numchild=children.get(item.code, 0),
            )
            fill_name_keys(org, keys)
            new_orgs.append(org)
        by_added = defaultdict(list)
        for code, parent in parents.items():
            by_added[children[code]].append(parent.pk)
        for added, pks in by_added.items():
            Org.objects.filter(pk__in=pks).update(numchild=F("numchild") + added)
        return new_orgs
