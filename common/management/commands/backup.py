"""Back up the database and every uploaded file into one archive (common/backup.py says what is in it).

    manage.py backup --output /var/lib/portal/backups/portal-$(date +%F).tar.gz
    manage.py backup --output /var/lib/portal/backups      (a folder: portal-backup-<date-time>.tar.gz in it)

Refuses to overwrite an existing archive unless --force.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext, gettext_noop

from common import backup


class Command(BaseCommand):
    help = gettext_noop(
        "把数据库和全部上传文件备份到一个归档文件（.tar.gz，含清单：迁移状态、各表行数、各文件 sha256）"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            help=gettext("归档文件路径，或存放归档的目录（默认：当前目录；文件名 portal-backup-<日期-时间>.tar.gz）"),
        )
        parser.add_argument("--force", action="store_true", help=gettext("覆盖已存在的归档文件"))

    def handle(self, *args, output=None, force=False, **options):
        try:
            manifest = backup.create_backup(output, force=force)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        tables = manifest["tables"]
        media = manifest["media"]
        self.stdout.write(
            self.style.SUCCESS(
                gettext(
                    "已备份：%(tables)s 张表 %(rows)s 行，%(files)s 个上传文件（%(bytes)s 字节）→ %(path)s\n"
                    "Backed up %(tables)s tables, %(rows)s rows, %(files)s media files (%(bytes)s bytes) → %(path)s"
                )
                % {
                    "tables": len(tables),
                    "rows": sum(tables.values()),
                    "files": media["count"],
                    "bytes": media["bytes"],
                    "path": manifest.get("output", output),
                }
            )
        )
