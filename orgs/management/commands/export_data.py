"""Export organizations or members of a user's scope to an xlsx file in the import template.

    manage.py export_data members members.xlsx --user zhangsan

A member export carries full ID numbers: it is audited like the web export (one record per export).
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _

from orgs import exporters
from orgs.io.columns import COLUMNS

from .import_data import import_user


class Command(BaseCommand):
    help = gettext_noop("把某用户（组织部角色）管理范围内的组织或党员导出为 xlsx（与导入模板相同的列）")

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(COLUMNS), help=gettext("orgs（组织）或 members（党员）"))
        parser.add_argument("file", help=gettext("输出的 .xlsx 文件"))
        parser.add_argument("--user", required=True, help=gettext("导出该用户（组织部角色）管理范围内的数据"))

    def handle(self, *args, kind, file, user, **options):
        user = import_user(user)
        with open(file, "wb") as fileobj:
            count = exporters.EXPORTERS[kind](user, fileobj)
        self.stdout.write(self.style.SUCCESS(_("已导出 %(count)s 行到 %(file)s") % {"count": count, "file": file}))
