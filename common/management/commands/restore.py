"""Restore an archive written by ``manage.py backup`` into an EMPTY database and media folder.

    manage.py restore /var/backups/portal/portal-2026-05-01.tar.gz

Refuses (exit code 1, nothing changed) an archive of another database vendor, a damaged archive, a database with
tables and a media folder with files; ``--force`` replaces what is there (common/restore.py).
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext, gettext_noop

from common import backup, restore


class Command(BaseCommand):
    help = gettext_noop("把 manage.py backup 写的归档恢复到空数据库和空的上传文件目录（先校验全部 sha256）")

    def add_arguments(self, parser):
        parser.add_argument("archive", help=gettext("manage.py backup 写的归档文件"))
        parser.add_argument(
            "--force",
            action="store_true",
            help=gettext("数据库已有表、上传文件目录已有文件时仍然恢复：先删除现有的表和文件"),
        )

    def handle(self, *args, archive, force=False, **options):
        try:
            result = restore.restore_backup(archive, force=force)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        for notice in result.notices:
            self.stderr.write(self.style.WARNING(notice))
        self.stdout.write(
            self.style.SUCCESS(
                gettext(
                    "已恢复 %(created)s 的备份：%(tables)s 张表 %(rows)s 行，%(files)s 个上传文件，校验一致。\n"
                    "Restored the backup of %(created)s: %(tables)s tables, %(rows)s rows, %(files)s media files, "
                    "checksums and row counts verified."
                )
                % {
                    "created": result.manifest.get("created_at", ""),
                    "tables": result.tables,
                    "rows": result.rows,
                    "files": result.files,
                }
            )
        )
