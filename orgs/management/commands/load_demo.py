"""manage.py load_demo [--scale demo|county|province] [--seed N] [--reset]

Loads the real 2010 province, its 11 cities and 172 county-level units (GB/T 2260), the system
committees, generated townships, basic-level organizations and members, and one demo account
per role. Running it again without --reset changes nothing and prints the accounts again.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from orgs.demo import loader
from orgs.demo.shapes import SCALES
from orgs.models import Member, Org


class Command(BaseCommand):
    help = "加载演示数据：河北省 2010 年的省、市、县（GB/T 2260），生成的乡镇、基层党组织和党员，以及演示账号。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=list(SCALES),
            default="demo",
            help="demo：演示（默认，几秒）；county：约 1,000 个基层组织、25,000 名党员；"
            "province：170,000 个组织、4,200,000 名党员（仅 PostgreSQL）",
        )
        parser.add_argument("--seed", type=int, default=2010, help="随机种子：同一种子生成同样的数据（默认 2010）")
        parser.add_argument("--reset", action="store_true", help="先删除全部组织、党员和演示账号，再重新加载")

    def handle(self, *args, scale, seed, reset, **options):
        if scale == "province" and connection.vendor != "postgresql":
            raise CommandError(
                "--scale province（170,000 个组织、4,200,000 名党员）只能加载到 PostgreSQL："
                "请设置 DATABASE_URL=postgres://…；SQLite 请使用 --scale demo 或 --scale county。"
            )
        if reset:
            try:
                loader.reset(out=self.stdout)
            except loader.ResetBlocked as exc:
                raise CommandError(f"无法删除演示账号：{exc}仍引用这些账号。请先删除这些数据后再加 --reset。") from None
        try:
            loader.load(scale, seed, out=self.stdout)
        except loader.AlreadyLoaded:
            self.stdout.write(
                self.style.WARNING(
                    f"演示数据已存在（{Org.objects.count():,} 个组织、{Member.objects.count():,} 名党员），"
                    "未重复加载；如需重新生成请加 --reset。"
                )
            )
        except loader.NotEmpty:
            raise CommandError(
                "数据库中已有其他组织数据，演示数据只能加载到空的组织树；"
                "如确需替换，请加 --reset（将删除全部组织和党员）。"
            ) from None
        self._print_accounts(loader.ensure_accounts())

    def _print_accounts(self, rows):
        if not rows:
            return
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("演示账号（每个角色一个）："))
        headers = ("用户名", "角色", "授权组织", "姓名")
        table = [headers] + [(r["username"], r["role"], r["org"], r["name"]) for r in rows]
        widths = [max(_width(row[i]) for row in table) for i in range(len(headers))]
        for n, row in enumerate(table):
            self.stdout.write("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip())
            if n == 0:
                self.stdout.write("  ".join("-" * w for w in widths))
        self.stdout.write(f"密码（全部演示账号）：{loader.DEMO_PASSWORD}")
        if not all(r["created"] for r in rows):
            self.stdout.write("（已存在的账号保留原密码；如已修改过密码，请使用修改后的密码。）")


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(text))


def _pad(text: str, width: int) -> str:
    return str(text) + " " * (width - _width(text))
