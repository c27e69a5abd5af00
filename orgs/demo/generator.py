"""Deterministic demo data: the real 2010 province, cities and counties, then generated townships,
basic-level organizations and members.

"全省所有基层党组织和党员都要积极投身创先争优活动，实现组织和党员全覆盖。" (seed, part 三)

Pure Python: ``DemoData(scale, seed)`` builds the organization rows (with treebeard paths computed
here: steplen 4, alphabet 0-9A-Z) and yields member rows lazily; ``orgs.demo.loader`` writes them.
The same scale and seed give the same rows, whatever the database.
"""

import datetime
import random
from collections.abc import Iterator

from ..enums import Gender, MemberCategory, MemberStatus, OrgKind, OrgLevel, Sector
from ..validators import ID_CHECK_CHARS, ID_WEIGHTS
from . import names
from .shapes import (
    ACTIVE_POSTS,
    BIG_CHANCE,
    BIRTH_HI,
    BIRTH_LO,
    CSV_LEVELS,
    DEMO_COUNTY,
    EIGHTEEN_YEARS,
    JOIN_HI,
    LEADER_HI,
    LEADER_LO,
    MALE_SHARE,
    MEMBER_WEIGHT,
    MODE_RETIRED,
    MODE_WORKING,
    PROBATION_FROM,
    RETIRED_POST,
    SCALES,
    STREET_POOL,
    STUDENT_LO,
    SURNAME_POOL,
    SYSTEM_COMMITTEES,
    TOWN_POOL,
    MemberRow,
    OrgRow,
    Scale,
    Township,
    cn_number,
    county_short,
    minority_name,
    path_step,
    read_divisions,
    split,
)


class DemoData:
    """The organizations of one scale and seed (built at once), and their members (lazily)."""

    def __init__(self, scale: Scale | str = "demo", seed: int = 2010, divisions: list[dict] | None = None):
        self.scale = SCALES[scale] if isinstance(scale, str) else scale
        self.seed = seed
        self.rng = random.Random(seed)
        self.orgs: list[OrgRow] = []
        self.by_code: dict[str, OrgRow] = {}
        self.member_counts: list[int] = []
        self._build(divisions if divisions is not None else read_divisions())

    # --- organizations ---------------------------------------------------------------------

    def add(self, parent: OrgRow | None, *, code: str, name: str, kind: str, level: str, **extra) -> OrgRow:
        if parent is None:
            if self.orgs:
                raise ValueError("one root only")
            path, depth = path_step(1), 1
        else:
            parent.numchild += 1
            path, depth = parent.path + path_step(parent.numchild), parent.depth + 1
            extra.setdefault("group", parent.group)
            extra.setdefault("area", parent.area)
            extra.setdefault("ethnic", parent.ethnic)
        row = OrgRow(len(self.orgs), parent.index if parent else None, path, depth, code, name, kind, level, **extra)
        if code in self.by_code:
            raise ValueError(f"duplicate organization code {code}")
        self.orgs.append(row)
        self.by_code[code] = row
        return row

    def _build(self, divisions):
        rng = self.rng
        scale = self.scale
        counties = []
        for div in divisions:
            level = CSV_LEVELS[div["level"]]
            parent = self.by_code.get(div["parent_code"]) if div["parent_code"] else None
            row = self.add(
                parent,
                code=div["code"],
                name=div["name"] + "委",
                kind=OrgKind.COMMITTEE,
                level=level,
                short=div["name"],
                group=div["code"],
                area=div["code"] if level == OrgLevel.COUNTY else "",
                ethnic=minority_name(div["name"]),
            )
            if level == OrgLevel.COUNTY:
                counties.append((row, div["type"]))
        root = self.orgs[0]
        self.city_areas = [o.code[:4] + "01" for o in self.orgs if o.level == OrgLevel.CITY]
        systems = [
            (
                self.add(
                    root,
                    code=root.code + suffix,
                    name=name,
                    kind=kind,
                    level=OrgLevel.PROVINCIAL,
                    sector=sector,
                    short=name,
                    group="system",
                    area="",
                ),
                share,
                unit,
            )
            for suffix, name, kind, sector, share, unit in SYSTEM_COMMITTEES
        ]

        # Townships and streets of the populated counties.
        townships: list[Township] = []
        for county, county_type in counties:
            if scale.counties is None:
                count = rng.randint(6, 12) if county_type == "市辖区" else rng.randint(8, 18)
                if county.code == DEMO_COUNTY:
                    count = len(names.ZHENGDING_TOWNSHIPS)
            elif county.code in scale.counties:
                count = scale.counties[county.code]
            else:
                continue
            townships.extend(self._townships(county, county_type, count))

        # How many basic organizations where.
        if scale.basic_per_township is not None:
            for t in townships:
                t.budget = scale.basic_per_township
            system_budget = scale.system_basic or 0
        else:
            total = scale.basic_total if scale.basic_total is not None else scale.org_total - len(self.orgs)
            system_budget = round(total * scale.system_share)
            weights = [{"street": 1.1, "town": 1.0, "xiang": 0.8}[t.kind] * rng.uniform(0.6, 1.4) for t in townships]
            for t, budget in zip(townships, split(total - system_budget, weights, minimum=3), strict=True):
                t.budget = budget
        for t in townships:
            self._fill_township(t)
        budgets = split(system_budget, [share for _row, share, _unit in systems], minimum=1)
        for (row, _share, unit), budget in zip(systems, budgets, strict=True):
            self._fill_system(row, budget, unit)
        self._count_members()

    def _townships(self, county: OrgRow, county_type: str, count: int) -> list[Township]:
        rng = self.rng
        if county.code == DEMO_COUNTY:
            plan = list(names.ZHENGDING_TOWNSHIPS[:count])
        else:
            if county_type == "市辖区":
                streets = max(1, round(count * 0.7))
            elif county_type == "县级市":
                streets = max(1, round(count * 0.25))
            else:
                streets = 1 if count >= 6 else 0
            towns = count - streets - (count - streets) * 2 // 5
            xiangs = count - streets - towns
            bases = rng.sample(names.STREET_BASES, min(streets, len(names.STREET_BASES)))
            bases += [f"{cn_number(i + 1)}区" for i in range(streets - len(bases))]
            rural = rng.sample(names.TOWNSHIP_BASES, towns + xiangs)
            plan = [(f"{i + 1:03d}", bases[i] + "街道", "street") for i in range(streets)]
            plan += [(f"{100 + i:03d}", rural[i] + "镇", "town") for i in range(towns)]
            plan += [(f"{200 + i:03d}", rural[towns + i] + "乡", "xiang") for i in range(xiangs)]
        result = []
        for suffix, name, kind in plan:
            row = self.add(
                county,
                code=county.code + suffix,
                name=name + ("党工委" if kind == "street" else "党委"),
                kind=OrgKind.WORK_COMMITTEE if kind == "street" else OrgKind.COMMITTEE,
                level=OrgLevel.TOWNSHIP,
                short=name,
            )
            result.append(Township(row, kind))
        return result

    def _unique(self, t: Township, make) -> str:
        for _ in range(30):
            name = make()
            if name not in t.used:
                t.used.add(name)
                return name
        n = 2
        while f"{name}{cn_number(n)}" in t.used:
            n += 1
        t.used.add(f"{name}{cn_number(n)}")
        return f"{name}{cn_number(n)}"

    def _village(self) -> str:
        rng = self.rng
        pattern = rng.random()
        if pattern < 0.35:
            base = rng.choice(names.VILLAGE_MIDDLES[:18]) + "家" + rng.choice(names.VILLAGE_SUFFIXES)
        elif pattern < 0.75:
            base = rng.choice(names.VILLAGE_PREFIXES) + rng.choice(names.VILLAGE_MIDDLES)
            base += rng.choice(names.VILLAGE_SUFFIXES)
        else:
            base = rng.choice(names.VILLAGE_PREFIXES) + rng.choice(names.VILLAGE_SUFFIXES)
        return base if base.endswith("村") else base + "村"

    def _unit_name(self, t: Township, sector: str) -> str:
        """A realistic name for a basic organization's unit (without the 党支部 suffix)."""
        rng = self.rng
        county = self.orgs[t.row.parent]
        c = county.short  # 正定县
        cs = county_short(c)  # 正定
        town = t.row.short  # 正定镇
        if sector == Sector.RURAL:
            if t.row.code == DEMO_COUNTY + "100":
                for real in names.ZHENGDING_TOWN_VILLAGES:
                    if real + "村" not in t.used:
                        t.used.add(real + "村")
                        return real + "村"
            return self._unique(t, self._village)
        if sector == Sector.COMMUNITY:
            return self._unique(t, lambda: rng.choice(names.COMMUNITY_BASES) + "社区")
        choices = {
            Sector.SCHOOL: lambda: rng.choice(
                [self._village()[:-1] + "小学", town + "中心小学", town + "中学", town + "第二小学", cs + "第三中学"]
            ),
            Sector.VOCATIONAL: lambda: rng.choice([c + "职业技术教育中心", cs + "职业中学"]),
            Sector.HEALTH: lambda: rng.choice(
                [town + "卫生院", c + "人民医院", c + "中医院", c + "妇幼保健院", c + "疾病预防控制中心"]
            ),
            Sector.ORGAN: lambda: rng.choice(
                [town + "机关", town + "派出所", town + "财政所", town + "农业技术推广站",
                 c + "国土资源局" + town[:-1] + "所"]
            ),
            Sector.PRIVATE: lambda: cs + rng.choice(names.BRANDS) + rng.choice(names.INDUSTRIES)
            + rng.choice(names.COMPANY_FORMS),
            Sector.SOE: lambda: rng.choice(
                [c + "供电公司", "中国邮政集团公司" + c + "分公司", c + "粮食储备库", "中国移动" + c + "分公司",
                 c + "自来水公司", c + "供销合作社", c + "烟草专卖局", c + "石油分公司"]
            ),
            Sector.FINANCE: lambda: rng.choice(
                [c + "农村信用联社" + town[:-1] + "信用社", "中国农业银行" + c + "支行", "中国工商银行" + c + "支行",
                 "中国建设银行" + c + "支行", "中国银行" + c + "支行", "中国邮政储蓄银行" + c + "支行"]
            ),
            Sector.SOCIAL: lambda: rng.choice(
                [c + "个体劳动者协会", c + "私营企业协会", cs + rng.choice(names.BRANDS) + "律师事务所",
                 cs + rng.choice(names.BRANDS) + "会计师事务所"]
            ),
            Sector.CULTURE: lambda: rng.choice([c + "文化馆", c + "图书馆", c + "广播电视台", town + "文化站"]),
            Sector.SPORTS: lambda: rng.choice([c + "体育场", c + "业余体育学校"]),
            Sector.RESEARCH: lambda: rng.choice([c + "农业科学研究所", c + "林业技术推广站", c + "畜牧兽医站"]),
        }  # fmt: skip
        return self._unique(t, choices[sector])

    def _fill_township(self, t: Township):
        rng = self.rng
        remaining = t.budget
        first = True
        pool = STREET_POOL if t.kind == "street" else TOWN_POOL
        while remaining > 0:
            if first:
                sector = Sector.COMMUNITY if t.kind == "street" else Sector.RURAL
            else:
                sector = rng.choice(pool)
            unit = self._unit_name(t, sector)
            ethnic = False
            if t.row.ethnic and sector in (Sector.RURAL, Sector.COMMUNITY):
                ethnic = first or rng.random() < 0.3
            big = not first and remaining >= 5 and rng.random() < BIG_CHANCE.get(sector, 0.0)
            if big:
                size = min(remaining, rng.randint(3, 8))
                kind, suffix = (OrgKind.GENERAL_BRANCH, "党总支")
                if sector == Sector.SOE:
                    kind, suffix = OrgKind.COMMITTEE, "党委"
                node = self.add(
                    t.row,
                    code=f"{t.row.code}{t.row.numchild + 1:03d}",
                    name=unit + suffix,
                    kind=kind,
                    level=OrgLevel.BASIC,
                    sector=sector,
                    ethnic_religious=ethnic,
                    short=unit,
                )
                for i in range(size - 1):
                    self._branch(node, f"{unit}{suffix}第{cn_number(i + 1)}党支部", sector, ethnic)
                remaining -= size
            else:
                self._branch(t.row, unit + "党支部", sector, ethnic, short=unit)
                remaining -= 1
            first = False

    def _branch(self, parent: OrgRow, name: str, sector: str, ethnic: bool = False, short: str = "") -> OrgRow:
        if parent.numchild >= 999:
            raise ValueError(f"{parent.name}: more than 999 children")
        return self.add(
            parent,
            code=f"{parent.code}{parent.numchild + 1:03d}",
            name=name,
            kind=OrgKind.BRANCH,
            level=OrgLevel.BASIC,
            sector=sector,
            ethnic_religious=ethnic,
            short=short or name,
        )

    def _fill_system(self, committee: OrgRow, budget: int, unit_size: int):
        """``budget`` basic organizations under a system committee: units (党委) with branches."""
        rng = self.rng
        sector = committee.sector
        unit_names = {
            Sector.ORGAN: names.PROVINCIAL_DEPARTMENTS,
            Sector.UNIVERSITY: names.UNIVERSITIES,
            Sector.SOE: names.STATE_GROUPS,
        }[sector]
        count = max(1, min(len(unit_names), round(budget / unit_size)))
        sizes = split(budget, [rng.uniform(0.5, 1.5) for _ in range(count)], minimum=1)
        for unit_name, size in zip(unit_names, sizes, strict=False):
            suffix = "机关党委" if sector == Sector.ORGAN else "党委"
            unit = self.add(
                committee,
                code=f"{committee.code}{committee.numchild + 1:03d}",
                name=unit_name + suffix,
                kind=OrgKind.COMMITTEE,
                level=OrgLevel.BASIC,
                sector=sector,
                short=unit_name,
            )
            self._fill_unit(unit, size - 1)

    def _fill_unit(self, unit: OrgRow, budget: int):
        """Branches of a unit; a big unit has middle nodes (院系党总支 / 二级单位党委) first."""
        rng = self.rng
        sector = unit.sector
        middles = {
            Sector.ORGAN: ("办公室", "人事处", "计划财务处", "政策法规处", "综合处", "监察室", "机关服务中心",
                           "离退休干部处"),
            Sector.UNIVERSITY: names.UNIVERSITY_DEPARTMENTS,
            Sector.SOE: names.STATE_UNITS,
        }[sector]  # fmt: skip
        if budget <= 6 or sector == Sector.ORGAN:
            for i in range(budget):
                name = middles[i] + "党支部" if i < len(middles) else f"第{cn_number(i + 1)}党支部"
                self._branch(unit, unit.short + name, sector)
            return
        count = max(1, min(len(middles), round(budget / 9)))
        sizes = split(budget, [rng.uniform(0.6, 1.4) for _ in range(count)], minimum=1)
        for middle_name, size in zip(middles, sizes, strict=False):
            if size == 1:
                self._branch(unit, unit.short + middle_name + "党支部", sector)
                continue
            kind, suffix = OrgKind.COMMITTEE, "党委"
            if sector == Sector.UNIVERSITY:
                kind, suffix = OrgKind.GENERAL_BRANCH, "党总支"
            middle = self.add(
                unit,
                code=f"{unit.code}{unit.numchild + 1:03d}",
                name=unit.short + middle_name + suffix,
                kind=kind,
                level=OrgLevel.BASIC,
                sector=sector,
                short=unit.short + middle_name,
            )
            for i in range(size - 1):
                if sector == Sector.UNIVERSITY:
                    label = "教工党支部" if i == 0 else f"学生第{cn_number(i)}党支部"
                else:
                    label = f"第{cn_number(i + 1)}党支部"
                self._branch(middle, middle.short + label, sector)

    def _count_members(self):
        """Members per leaf organization (basic orgs without children hold the members)."""
        scale = self.scale
        leaves = [o for o in self.orgs if o.level == OrgLevel.BASIC and o.numchild == 0]
        counts = [0] * len(self.orgs)
        if scale.members_per_leaf is not None:
            for o in leaves:
                counts[o.index] = scale.members_per_leaf
        else:
            rng = self.rng
            weights = [MEMBER_WEIGHT[o.sector] * rng.uniform(0.5, 1.5) for o in leaves]
            for o, n in zip(leaves, split(scale.members_total, weights, minimum=3), strict=True):
                counts[o.index] = n
        self.member_counts = counts

    @property
    def total_members(self) -> int:
        return sum(self.member_counts)

    @property
    def leaves(self) -> list[OrgRow]:
        return [o for o in self.orgs if self.member_counts[o.index]]

    # --- members ---------------------------------------------------------------------------

    def members(self) -> Iterator[MemberRow]:
        """Every member, leaf by leaf in creation order. A separate random stream, so the
        organizations never depend on how many members are drawn."""
        rng = random.Random(self.seed * 1_000_003 + 17)
        r = rng.random
        choice = rng.choice
        area_sums = {}
        date_cache = {}
        join_dates = {}
        seq_sums = [sum(int(d) * w for d, w in zip(f"{s:03d}", ID_WEIGHTS[14:], strict=True)) for s in range(1000)]
        counters: dict = {}
        finished_groups = set()
        group = None
        index = 0
        mobile_offset = rng.randrange(10**8)
        for org in self.orgs:
            n = self.member_counts[org.index]
            if not n:
                continue
            if org.group != group:
                if org.group in finished_groups:
                    raise AssertionError("member groups must be contiguous for unique ID numbers")
                if group is not None:
                    finished_groups.add(group)
                group = org.group
                counters = {}
            sector = org.sector
            male_share = MALE_SHARE.get(sector, 0.72)
            active_posts = ACTIVE_POSTS[sector]
            leaders = names.LEADER_POSTS[sector]
            duties_pool = names.DUTIES.get(sector, names.DUTIES["default"])
            retired_post = RETIRED_POST[sector]
            minority = org.ethnic
            for k in range(n):
                male = r() < male_share
                gender = Gender.MALE if male else Gender.FEMALE
                # birth date
                if k < 2:  # the branch's leaders are of working age
                    birth = LEADER_LO + int(r() * (LEADER_HI - LEADER_LO))
                elif sector == Sector.UNIVERSITY and r() < 0.55:
                    birth = STUDENT_LO + int(r() * (BIRTH_HI - STUDENT_LO))
                elif sector == Sector.COMMUNITY:
                    birth = int(rng.triangular(BIRTH_LO, BIRTH_HI, MODE_RETIRED))
                else:
                    birth = int(rng.triangular(BIRTH_LO, BIRTH_HI, MODE_WORKING))
                cached = date_cache.get(birth)
                if cached is None:
                    d = datetime.date.fromordinal(birth)
                    digits = f"{d:%Y%m%d}"
                    cached = (d, digits, sum(int(c) * w for c, w in zip(digits, ID_WEIGHTS[6:14], strict=True)))
                    date_cache[birth] = cached
                birth_date, digits, date_sum = cached
                year = birth_date.year
                # name
                era = "old" if year < 1955 else ("mid" if year < 1975 else "young")
                name = choice(SURNAME_POOL) + choice(names.GIVEN_NAMES[(gender, era)])
                # ethnicity
                x = r()
                if minority and x < (0.7 if org.ethnic_religious else 0.25):
                    ethnicity = minority if len(minority) == 2 else ("蒙古族" if x < 0.08 else "满族")
                elif x < 0.955:
                    ethnicity = "汉族"
                elif x < 0.98:
                    ethnicity = "满族"
                elif x < 0.995:
                    ethnicity = "回族"
                else:
                    ethnicity = "蒙古族"
                # ID number: address code + birth date + sequence (odd: men, even: women) + check
                area = org.area or choice(self.city_areas)
                key = (area, birth, male)
                nth = counters.get(key, 0)
                counters[key] = nth + 1
                if nth >= 500:
                    raise AssertionError("ID sequence exhausted")
                # a spread-out start per day (real sequences are not 001, 003 …), parity kept
                seq = (2 * ((birth * 37) % 450) + 2 * nth + (1 if male else 2)) % 1000
                area_sum = area_sums.get(area)
                if area_sum is None:
                    area_sum = area_sums[area] = sum(int(c) * w for c, w in zip(area, ID_WEIGHTS[:6], strict=True))
                id_number = f"{area}{digits}{seq:03d}{ID_CHECK_CHARS[(area_sum + date_sum + seq_sums[seq]) % 11]}"
                # mobile: a bijection of the running index, so every number is unique
                mobile = choice(names.MOBILE_PREFIXES) + f"{(index * 61_803_399 + mobile_offset) % 10**8:08d}"
                index += 1
                # party standing
                adult = birth + EIGHTEEN_YEARS
                if adult > PROBATION_FROM or (k >= 2 and r() < 0.04):
                    status = MemberStatus.PROBATIONARY
                    start = max(adult, PROBATION_FROM)
                    join = start + int(r() * (JOIN_HI - start))
                else:
                    status = MemberStatus.FULL
                    span = min(PROBATION_FROM - 1 - adult, 365 * 30)
                    join = adult + int(span * r() ** 1.6)
                # category and post
                y = r()
                if sector == Sector.RURAL:
                    category = (
                        MemberCategory.FARMER
                        if y < 0.84
                        else (MemberCategory.MOBILE if y < 0.94 else MemberCategory.OTHER)
                    )
                elif sector == Sector.UNIVERSITY and year >= 1986:
                    category = MemberCategory.STUDENT
                elif year < 1950 or (sector == Sector.COMMUNITY and year < 1955):
                    category = MemberCategory.RETIRED
                elif y < 0.03:
                    category = MemberCategory.MOBILE
                elif sector == Sector.COMMUNITY and y < 0.3:
                    category = MemberCategory.OTHER
                else:
                    category = MemberCategory.IN_SERVICE
                if k < 2:
                    category = MemberCategory.FARMER if sector == Sector.RURAL else MemberCategory.IN_SERVICE
                    post = leaders[k]
                elif category == MemberCategory.STUDENT:
                    post = "学生"
                elif category == MemberCategory.RETIRED and sector != Sector.RURAL:
                    post = retired_post
                else:
                    post = choice(active_posts)
                active = category != MemberCategory.RETIRED
                yield MemberRow(
                    org.index,
                    name,
                    gender,
                    ethnicity,
                    birth_date,
                    id_number,
                    mobile,
                    join_dates.get(join) or join_dates.setdefault(join, datetime.date.fromordinal(join)),
                    status,
                    category,
                    post,
                    choice(duties_pool) if active and r() < 0.25 else "",
                    sector == Sector.RURAL and r() < 0.06,
                    active and r() < 0.08,
                    sector in (Sector.COMMUNITY, Sector.SOE, Sector.RURAL) and r() < 0.06,
                )
