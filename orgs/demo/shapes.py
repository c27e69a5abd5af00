"""The shapes the demo generator (orgs.demo.generator) draws from: the scales, the row types it yields, the real
2010 divisions, the date ranges of births and joining, and the mixes of townships, sectors, posts and names.

The figures are meant to look like a real province's: see each table's comment."""

import csv
import datetime
from dataclasses import dataclass, field
from pathlib import Path

from ..enums import OrgKind, OrgLevel, Sector
from . import names

CSV_PATH = Path(__file__).resolve().parent.parent / "data" / "hebei_divisions_2010.csv"

STEPLEN = 4
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
CSV_LEVELS = {"province": OrgLevel.PROVINCE, "prefecture": OrgLevel.CITY, "county": OrgLevel.COUNTY}

# Everybody is 18 or older when the campaign starts (2010-04-01) and joined the party before it.
CAMPAIGN_START = datetime.date(2010, 4, 1)
EIGHTEEN_YEARS = 18 * 365 + 5  # days; never less than 18 calendar years
BIRTH_LO = datetime.date(1930, 1, 1).toordinal()
BIRTH_HI = CAMPAIGN_START.toordinal() - EIGHTEEN_YEARS
JOIN_HI = CAMPAIGN_START.toordinal()
PROBATION_FROM = JOIN_HI - 364  # probationary members joined within the last year
LEADER_LO = datetime.date(1958, 1, 1).toordinal()  # branch leaders: of working age
LEADER_HI = datetime.date(1985, 12, 31).toordinal()
STUDENT_LO = datetime.date(1987, 1, 1).toordinal()
MODE_RETIRED = datetime.date(1950, 1, 1).toordinal()  # the peak birth year of community members
MODE_WORKING = datetime.date(1965, 1, 1).toordinal()

# System committees: ordinary nodes under the province (level 省直) holding one sector each.
SYSTEM_COMMITTEES = (
    # code suffix, name, kind, sector, share of the system budget, typical unit size (province scale)
    ("001", "省直机关工委", OrgKind.WORK_COMMITTEE, Sector.ORGAN, 0.30, 14),
    ("002", "省委教育工委", OrgKind.WORK_COMMITTEE, Sector.UNIVERSITY, 0.35, 45),
    ("003", "省国资委党委", OrgKind.COMMITTEE, Sector.SOE, 0.35, 120),
)

# The demo secretary's branch: the first village of 正定镇.
DEMO_COUNTY = "130123"
DEMO_BRANCH = "130123100001"
DEMO_CITY = "130100"


@dataclass(frozen=True)
class Scale:
    """How much to generate. ``counties`` maps populated county codes to their number of
    townships (None: every county, a realistic random number each)."""

    name: str
    counties: dict[str, int] | None
    basic_per_township: int | None = None  # fixed number of basic orgs per township (demo)
    system_basic: int | None = None  # basic orgs under the system committees (demo)
    basic_total: int | None = None  # basic orgs everywhere (county)
    org_total: int | None = None  # all organizations, skeleton included (province)
    system_share: float = 0.06
    members_per_leaf: int | None = None
    members_total: int | None = None


SCALES = {
    # SQLite-friendly: every county exists; 正定县 and two 唐山 counties (and a 回族 autonomous
    # county, for the 民族宗教聚居 flag) get townships, basic orgs and members.
    "demo": Scale(
        "demo",
        counties={"130123": 3, "130223": 2, "130283": 2, "131028": 1},
        basic_per_township=4,
        system_basic=12,
        members_per_leaf=8,
    ),
    # One real county's worth (正定县, its 9 townships): about 1,000 basic orgs, 25,000 members.
    "county": Scale("county", counties={DEMO_COUNTY: 9}, basic_total=1000, system_share=0.05, members_total=25_000),
    # Hebei around 2010: 170,000 organizations and 4,200,000 members.
    "province": Scale("province", counties=None, org_total=170_000, system_share=0.06, members_total=4_200_000),
}


@dataclass(slots=True)
class OrgRow:
    index: int
    parent: int | None
    path: str
    depth: int
    code: str
    name: str
    kind: str
    level: str
    sector: str = ""
    ethnic_religious: bool = False
    numchild: int = 0
    group: str = ""  # members of one group share an ID-number counter (a county, or "system")
    area: str = ""  # address code of members' ID numbers ("" = a city district, chosen per member)
    short: str = ""  # the name without the organization suffix, for naming children
    ethnic: str = ""  # main minority of an autonomous county


@dataclass(slots=True)
class MemberRow:
    org: int  # OrgRow.index
    name: str
    gender: str
    ethnicity: str
    birth_date: datetime.date
    id_number: str
    mobile: str
    join_date: datetime.date
    status: str
    category: str
    post: str
    duties: str = ""
    badge_demo_household: bool = False
    badge_vanguard_post: bool = False
    badge_responsibility_area: bool = False


def read_divisions(path: Path = CSV_PATH) -> list[dict]:
    """The 2010 province, cities and counties (GB/T 2260 codes), in file order."""
    with open(path, encoding="utf-8", newline="") as fh:
        return [row for row in csv.DictReader(fh) if row["level"] in CSV_LEVELS]


def path_step(n: int) -> str:
    """The 4-character base-36 path step of the n-th child (treebeard's encoding)."""
    digits = ""
    while n:
        n, r = divmod(n, 36)
        digits = ALPHABET[r] + digits
    if len(digits) > STEPLEN:
        raise ValueError("too many children for steplen 4")
    return digits.rjust(STEPLEN, "0")


def split(total: int, weights: list[float], minimum: int = 0) -> list[int]:
    """``total`` split into parts proportional to ``weights`` (largest remainder), each ≥ ``minimum``."""
    if not weights:
        return []
    base = [minimum] * len(weights)
    rest = total - minimum * len(weights)
    if rest < 0:
        raise ValueError("total too small for the minimum")
    wsum = sum(weights)
    exact = [rest * w / wsum for w in weights]
    parts = [int(x) for x in exact]
    short = rest - sum(parts)
    by_remainder = sorted(range(len(weights)), key=lambda i: (exact[i] - parts[i], -i), reverse=True)
    for i in by_remainder[:short]:
        parts[i] += 1
    return [b + p for b, p in zip(base, parts, strict=True)]


def cn_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return str(n)


def county_short(name: str) -> str:
    """正定县 → 正定, 石家庄市 → 石家庄, 青龙满族自治县 → 青龙; one-character names stay whole."""
    for suffix in ("满族蒙古族自治县", "回族自治县", "满族自治县", "矿区", "县", "市", "区"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def minority_name(name: str) -> str:
    """回族, 满族 or 满族蒙古族 for an autonomous county, else ""."""
    for people in ("满族蒙古族", "回族", "满族"):
        if people in name:
            return people
    return ""


# Basic organizations of a 乡/镇 and of a street, by sector (weights); the first is always a
# village or a community.
TOWN_MIX = (
    (Sector.RURAL, 62), (Sector.SCHOOL, 10), (Sector.PRIVATE, 13), (Sector.HEALTH, 4), (Sector.ORGAN, 3),
    (Sector.SOE, 2), (Sector.FINANCE, 2), (Sector.SOCIAL, 1), (Sector.CULTURE, 1), (Sector.VOCATIONAL, 1),
    (Sector.RESEARCH, 1),
)  # fmt: skip
STREET_MIX = (
    (Sector.COMMUNITY, 40), (Sector.PRIVATE, 20), (Sector.SCHOOL, 10), (Sector.SOE, 8), (Sector.HEALTH, 6),
    (Sector.FINANCE, 4), (Sector.ORGAN, 4), (Sector.SOCIAL, 3), (Sector.CULTURE, 2), (Sector.SPORTS, 1),
    (Sector.VOCATIONAL, 1), (Sector.RESEARCH, 1),
)  # fmt: skip
# Chance that an organization of the sector is a 党委/党总支 with branches of its own.
BIG_CHANCE = {Sector.RURAL: 0.06, Sector.SOE: 0.5, Sector.HEALTH: 0.25, Sector.PRIVATE: 0.08, Sector.SCHOOL: 0.08}
# Typical members of one leaf organization, by sector.
MEMBER_WEIGHT = {
    Sector.RURAL: 30, Sector.COMMUNITY: 35, Sector.SCHOOL: 15, Sector.VOCATIONAL: 20, Sector.HEALTH: 25,
    Sector.SOE: 35, Sector.PRIVATE: 8, Sector.FINANCE: 15, Sector.ORGAN: 20, Sector.UNIVERSITY: 35,
    Sector.RESEARCH: 20, Sector.CULTURE: 15, Sector.SPORTS: 10, Sector.SOCIAL: 6,
}  # fmt: skip
MALE_SHARE = {
    Sector.RURAL: 0.82, Sector.COMMUNITY: 0.55, Sector.SCHOOL: 0.45, Sector.VOCATIONAL: 0.5, Sector.HEALTH: 0.4,
    Sector.UNIVERSITY: 0.5, Sector.FINANCE: 0.5, Sector.CULTURE: 0.55,
}  # fmt: skip
RETIRED_POSTS = frozenset({"退休职工", "退休教师", "离退休干部", "离退休教师", "离退休职工"})


def _weighted(pairs):
    """A flat list to draw from with ``rng.choice`` (weights as repetitions)."""
    return [value for value, weight in pairs for _ in range(weight)]


SURNAME_POOL = _weighted(names.SURNAMES)
TOWN_POOL = _weighted(TOWN_MIX)
STREET_POOL = _weighted(STREET_MIX)
ACTIVE_POSTS = {
    sector: _weighted([(p, w) for p, w in pairs if p not in RETIRED_POSTS and p != "学生"])
    for sector, pairs in names.POSTS.items()
}
RETIRED_POST = {
    sector: next((p for p, _w in pairs if p in RETIRED_POSTS), "退休职工") for sector, pairs in names.POSTS.items()
}


@dataclass
class Township:
    row: OrgRow
    kind: str  # "street", "town" or "xiang"
    budget: int = 0
    used: set = field(default_factory=set)
