"""Import organizations or members from an xlsx/CSV file in the portal's template.

    manage.py import_data members roster.xlsx --user zhangsan            # dry run: every error
    manage.py import_data members roster.xlsx --user zhangsan --apply    # all rows or none

The user's org_department scope decides what may be created or changed, as in the web import.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from orgs import queries
from orgs.io.columns import COLUMNS
from orgs.io.jobs import IMPORTERS
from orgs.io.reader import ImportFileError, read_table
from orgs.models import User


class TqdmProgress:
    """The importers' progress callback ``(done, total, phase)`` drawn as tqdm bars, one per phase."""

    PHASES = {
        "read": _lazy("读取文件"),
        "check": _lazy("逐行校验"),
        "match": _lazy("比对现有数据"),
        "write": _lazy("写入数据库"),
    }

    def __init__(self, stream):
        self.stream = stream
        self.bar = None
        self.phase = None

    def __call__(self, done, total, phase="check"):
        from tqdm import tqdm

        if phase != self.phase:
            self.close()
            self.phase = phase
            self.bar = tqdm(
                total=total, desc=str(self.PHASES.get(phase, phase)), unit=_("行"), file=self.stream, leave=True
            )
        self.bar.total = max(total, done)
        self.bar.n = done
        self.bar.refresh()

    def close(self):
        if self.bar is not None:
            self.bar.close()
            self.bar = None
            self.phase = None


def import_user(username):
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(_("找不到用户 %(username)s") % {"username": username})
    if not queries.has_role(user, queries.MANAGE_ROLES):
        raise CommandError(_("用户 %(username)s 没有组织部角色，不能导入或导出") % {"username": username})
    return user


class Command(BaseCommand):
    help = gettext_noop("从 xlsx/CSV 文件导入组织或党员（默认只校验，--apply 才写入，全部成功或全部不写入）")

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(COLUMNS), help=gettext("orgs（组织）或 members（党员）"))
        parser.add_argument("file", help=gettext(".xlsx 或 .csv 文件"))
        parser.add_argument("--user", required=True, help=gettext("以该用户（组织部角色）的管理范围导入"))
        parser.add_argument("--apply", action="store_true", help=gettext("校验通过后写入数据库"))

    def handle(self, *args, kind, file, user, apply, **options):
        user = import_user(user)
        progress = TqdmProgress(self.stderr._out)
        try:
            with open(file, "rb") as fileobj:
                table = read_table(kind, fileobj, file, progress=progress)
            importer = IMPORTERS[kind](user, table, progress=progress)
            outcome = importer.apply() if apply else importer.dry_run()
        except ImportFileError as exc:
            raise CommandError(exc.message) from exc
        except OSError as exc:
            raise CommandError(_("无法读取文件“%(name)s”：文件不存在，或没有读取权限") % {"name": file}) from exc
        finally:
            progress.close()
        for error in outcome.errors:
            where = _("第 %(row)s 行") % {"row": error["row"]} if error["row"] else _("整个文件")
            column = f"[{error['column']}] " if error["column"] else ""
            self.stdout.write(f"{where} {column}{error['message']}")
        summary = {"created": 0, "updated": 0, "unchanged": 0, "rows": 0, **outcome.summary}
        counts = _("新增 %(created)s / 更新 %(updated)s / 未变 %(unchanged)s") % summary
        if summary.get("transferred"):
            counts += _("（其中组织关系转接 %(transferred)s）") % summary
        if not outcome.ok:
            raise CommandError(_("校验未通过：共 %(n)s 处错误，未写入任何数据。") % {"n": len(outcome.errors)})
        if apply:
            self.stdout.write(self.style.SUCCESS(_("已导入 %(rows)s 行：%(counts)s") % {**summary, "counts": counts}))
        else:
            self.stdout.write(
                self.style.SUCCESS(_("校验通过（未写入）：%(counts)s。加 --apply 写入。") % {"counts": counts})
            )
