"""manage.py backup / restore: one archive with the database and every uploaded file, brought back into an empty
database and media folder on "another server" (a database this test creates, a fresh MEDIA_ROOT, the restore run
as its own process with that server's environment), with every table's row count and every file's sha256 equal.

On SQLite (the default) the target is a new file; on PostgreSQL (DATABASE_URL) a database named after the test
database plus ``_restore``, created and dropped here — never another database of the machine."""

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from campaign.services.attachments import attach_files
from common import backup
from orgs.models import ImportJob
from tests.factories import member_user
from tests.factories.campaign_activities import pdf_upload, png_upload

ROOT = Path(__file__).resolve().parents[2]
POSTGRES = connection.vendor == "postgresql"

# pg_dump sees committed rows only: the data of these tests is committed (and flushed afterwards).
committed = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def data(world, media):
    """Organizations and members (the world), an account, two attachments and an import file with a Chinese name."""
    user = member_user(world.member_a, username="backup_member")
    attach_files(world.member_a, [png_upload(), pdf_upload()], org=world.branch_a, by=user)
    ImportJob.objects.create(
        kind=ImportJob.Kind.MEMBERS,
        created_by=user,
        original_name="党员名单.xlsx",
        file=ContentFile(b"PK\x03\x04 not really a workbook", name="党员名单.xlsx"),
    )
    files = file_checksums(media)
    assert len(files) == 3 and any(name.endswith(".pdf") for name in files)
    return world


def file_checksums(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(Path(root).rglob("*"))
        if path.is_file()
    }


class Target:
    """An empty database of the same vendor, reachable by URL (for the restore process) and by a DB-API
    connection (to count its rows)."""

    def __init__(self, url, connect):
        self.url = url
        self.connect = connect

    def counts(self) -> dict[str, int]:
        conn = self.connect()
        try:
            return backup.row_counts(conn.cursor(), connection.vendor)
        finally:
            conn.close()


def _pg_admin():
    import psycopg2

    params = connection.get_connection_params()
    params["dbname"] = "postgres"
    admin = psycopg2.connect(**{k: v for k, v in params.items() if k != "cursor_factory"})
    admin.autocommit = True
    return admin


@pytest.fixture
def target(tmp_path):
    if not POSTGRES:
        path = tmp_path / "restored.sqlite3"
        yield Target(f"sqlite:///{path}", lambda: sqlite3.connect(path))
        return
    import psycopg2

    source = connection.settings_dict
    name = f"{source['NAME']}_restore"  # named after this run's own test database
    admin = _pg_admin()
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    user = source["USER"] or "postgres"
    password = f":{source['PASSWORD']}" if source.get("PASSWORD") else ""
    url = f"postgres://{user}{password}@{source['HOST'] or '127.0.0.1'}:{source['PORT'] or 5432}/{name}"
    params = {k: v for k, v in connection.get_connection_params().items() if k != "cursor_factory"}
    params["dbname"] = name
    try:
        yield Target(url, lambda: psycopg2.connect(**params))
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def restore(archive, target, media_root, *extra):
    """manage.py restore as its own process, configured like a new server: its DATABASE_URL and MEDIA_ROOT."""
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(
        {"DATABASE_URL": target.url, "MEDIA_ROOT": str(media_root), "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    )
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(archive), *extra],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def source_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        return backup.row_counts(cursor, connection.vendor)


def _rewrite(archive: Path, out: Path, change) -> Path:
    """A copy of ``archive`` with ``change(name, data) -> data`` applied to every member."""
    with tarfile.open(archive) as src, tarfile.open(out, "w:gz") as dst:
        for member in src:
            data = change(member.name, src.extractfile(member).read())
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    return out


@committed
def test_round_trip_refusals_and_force(data, media, target, tmp_path):
    archive = tmp_path / "backups" / "portal.tar.gz"
    archive.parent.mkdir()
    out = io.StringIO()
    call_command("backup", "--output", str(archive), stdout=out)
    assert "已备份" in out.getvalue() and "portal.tar.gz" in out.getvalue()
    assert archive.stat().st_mode & 0o077 == 0  # personal data: readable by its owner only

    counts = source_counts()
    files = file_checksums(media)
    assert counts["orgs_org"] >= 10 and counts["orgs_member"] >= 3
    assert counts["campaign_attachment"] == 2 and counts["orgs_importjob"] == 1

    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert names[0] == "manifest.json"
    assert backup.DATABASE_MEMBER[connection.vendor] in names
    assert sorted(n for n in names if n.startswith("media/")) == sorted(f"media/{name}" for name in files)
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["tables"] == counts
    assert {name: meta["sha256"] for name, meta in manifest["media"]["files"].items()} == files
    assert "0001_initial" in manifest["migrations"]["orgs"]
    assert manifest["created_at"] and manifest["app"]["django"]

    # A new server, an empty database: a damaged archive and one of the other vendor are refused, nothing changed.
    new_media = tmp_path / "new-media"
    attachment = next(name for name in files if name.endswith(".png"))

    def damage(name, data):
        return data[:-1] + b"!" if name == f"media/{attachment}" else data

    refused = restore(_rewrite(archive, tmp_path / "damaged.tar.gz", damage), target, new_media)
    assert refused.returncode != 0
    assert "校验失败" in refused.stderr and "Checksum mismatch" in refused.stderr and attachment in refused.stderr
    assert target.counts() == {}
    assert not new_media.exists()

    def other_vendor(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["database"]["vendor"] = "sqlite" if POSTGRES else "postgresql"
        return json.dumps(manifest).encode()

    refused = restore(_rewrite(archive, tmp_path / "other.tar.gz", other_vendor), target, new_media)
    assert refused.returncode != 0
    assert "数据库类型不符" in refused.stderr and "vendor mismatch" in refused.stderr
    assert target.counts() == {} and not new_media.exists()

    # A media folder that already holds a stray file → refused, nothing changed.
    (new_media / "left-over").mkdir(parents=True)
    (new_media / "left-over" / "note.txt").write_text("old")
    refused = restore(archive, target, new_media)
    assert refused.returncode != 0, refused.stdout
    assert "上传文件目录" in refused.stderr and "不是空的" in refused.stderr and "is not empty" in refused.stderr
    assert "未做任何改动" in refused.stderr and "Traceback" not in refused.stderr
    assert target.counts() == {}
    assert file_checksums(new_media) == {"left-over/note.txt": hashlib.sha256(b"old").hexdigest()}

    # Emptied: the restore brings back every row and every file.
    (new_media / "left-over" / "note.txt").unlink()
    done = restore(archive, target, new_media)
    assert done.returncode == 0, done.stderr
    assert "已恢复" in done.stdout and "Restored" in done.stdout
    assert target.counts() == counts
    assert file_checksums(new_media) == files
    assert not [p for p in new_media.iterdir() if p.name.startswith(".restore-")]

    # Now the database has tables: refused without --force, nothing changed.
    (new_media / "stray.txt").write_text("after the restore")
    refused = restore(archive, target, new_media)
    assert refused.returncode != 0
    assert "数据库不是空的" in refused.stderr and "The database is not empty" in refused.stderr
    assert "--force" in refused.stderr
    assert target.counts() == counts
    assert (new_media / "stray.txt").exists()

    # --force replaces the database and the media folder (a row added since and the stray file are gone).
    conn = target.connect()
    with conn:
        conn.cursor().execute("DELETE FROM campaign_attachment")
    conn.close()
    assert target.counts()["campaign_attachment"] == 0
    forced = restore(archive, target, new_media, "--force")
    assert forced.returncode == 0, forced.stderr
    assert target.counts() == counts
    assert file_checksums(new_media) == files


@committed
def test_backup_output_never_overwritten_nor_inside_media(data, media, tmp_path):
    archive = tmp_path / "backups" / "portal.tar.gz"
    archive.parent.mkdir()
    archive.write_bytes(b"an older backup")
    with pytest.raises(CommandError) as refused:
        call_command("backup", "--output", str(archive), stdout=io.StringIO())
    assert "已存在" in str(refused.value) and "exists already" in str(refused.value)
    assert archive.read_bytes() == b"an older backup"
    assert [p.name for p in archive.parent.iterdir()] == ["portal.tar.gz"]  # no partial file left behind

    call_command("backup", "--output", str(archive), "--force", stdout=io.StringIO())
    with tarfile.open(archive) as tar:
        assert tar.getnames()[0] == "manifest.json"

    # a folder: the archive is named by the time inside it
    call_command("backup", "--output", str(archive.parent), stdout=io.StringIO())
    (named,) = archive.parent.glob("portal-backup-*.tar.gz")
    with tarfile.open(named) as tar:
        assert tar.getnames()[0] == "manifest.json"

    with pytest.raises(CommandError, match="上传文件目录"):
        call_command("backup", "--output", str(media / "b.tar.gz"), stdout=io.StringIO())
    assert not (media / "b.tar.gz").exists()


def test_pg_tools_get_the_password_through_the_environment():
    env = backup.pg_env({"NAME": "portal", "USER": "portal", "PASSWORD": "s3cret", "HOST": "db", "PORT": 5433})
    assert env["PGPASSWORD"] == "s3cret" and env["PGDATABASE"] == "portal" and env["PGPORT"] == "5433"


@pytest.mark.skipif(not POSTGRES, reason="needs PostgreSQL (DATABASE_URL)")
@pytest.mark.django_db
def test_pg_dump_matches_the_server():
    """scripts/install.sh installs Debian's postgresql-client, of the server's major version on Debian 12."""
    connection.ensure_connection()
    assert backup.pg_tool_major(backup.pg_tool("pg_dump")) >= connection.pg_version // 10000
    assert settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
