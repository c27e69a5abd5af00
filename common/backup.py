"""One archive holding the database and every uploaded file: ``manage.py backup`` and ``manage.py restore``.

The archive (``.tar.gz``) holds, in this order:

- ``manifest.json``: when and from which code it was made (git revision, Django version), the database vendor and
  server version, the applied migrations, the row count of every table and the sha256 and size of every file;
- ``database/portal.pgdump`` (PostgreSQL: ``pg_dump --format=custom``, taken in an exported snapshot so that the row
  counts of the manifest are those of the dump) or ``database/portal.sqlite3`` (SQLite: a copy made through the
  sqlite3 backup API, consistent while the portal writes, never a copy of the file in use);
- ``media/…``: every file under MEDIA_ROOT (uploads, import files, generated PDFs and sheets).

Restore reads the manifest first and refuses, changing nothing, an archive of another vendor, a database that has
tables and a media folder that has files, unless ``--force``. It then unpacks into a staging folder inside
MEDIA_ROOT and checks every checksum before it touches anything; the PostgreSQL restore is one transaction
(``pg_restore`` writes the SQL, ``psql`` runs it between BEGIN and COMMIT, with ``--force`` after dropping the
tables that are there and with ``--clean --if-exists``), so a failed restore leaves the database as it was.
Afterwards the row counts are compared with the manifest.

django-dbbackup (5.x) was weighed first and not taken: it writes the database and the media folder as two archives
with two commands (dbbackup, mediabackup) that can drift apart; its restores do not look at what is there
(``dbrestore`` writes over a populated database, its SQLite connectors write the file over an open database,
``mediarestore`` skips or replaces file by file and leaves files the backup does not know); it keeps no manifest
to verify checksums and row counts against, and it has no refusal to overwrite. Wrapping it would have cost
more code than the tools it wraps: pg_dump/pg_restore/psql, the sqlite3 backup API, tarfile and hashlib.

Database passwords reach the PostgreSQL tools through ``PGPASSWORD`` in their environment, never the command line.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = "cxzy-portal-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_MEMBER = {"postgresql": "database/portal.pgdump", "sqlite": "database/portal.sqlite3"}
MEDIA_PREFIX = "media/"
STAGING_PREFIX = ".restore-"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A refusal or failure, with a message for the operator (Chinese, then English)."""


def backup_error(chinese: str, english: str, **values) -> BackupError:
    """The operator's message in Chinese (from the catalog) and in English, placeholders ``%(name)s``."""
    return BackupError(f"{chinese % values}\n{english % values}")


# --- helpers ------------------------------------------------------------------------------------------------------


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fileobj:
        for chunk in iter(lambda: fileobj.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def media_files(root: Path) -> dict[str, dict]:
    """Every regular file under ``root`` (symbolic links are not followed): relative POSIX path → sha256, size."""
    root = Path(root)
    found = {}
    if not root.is_dir():
        return found
    for directory, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(directory, name)
            if path.is_symlink() or not path.is_file():
                continue
            rel = path.relative_to(root).as_posix()
            found[rel] = {"sha256": sha256_file(path), "size": path.stat().st_size}
    return found


def count_media_files(root: Path) -> int:
    """Files (of any kind but directories) under ``root``: a media folder with none counts as empty."""
    root = Path(root)
    if not root.is_dir():
        return 0
    return sum(len(filenames) for _directory, _dirnames, filenames in os.walk(root))


def quote_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


PG_TABLES = """
SELECT n.nspname, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
ORDER BY n.nspname, c.relname
"""
SQLITE_TABLES = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"


def list_tables(cursor, vendor: str) -> dict[str, tuple[str, ...]]:
    """The tables of a database: name in the manifest → its name parts (a table outside PostgreSQL's ``public``
    schema is named ``schema.table``)."""
    if vendor == "postgresql":
        cursor.execute(PG_TABLES)
        tables = {}
        for schema, name in cursor.fetchall():
            key = name if schema == "public" else f"{schema}.{name}"
            tables[key] = (schema, name)
        return tables
    cursor.execute(SQLITE_TABLES)
    return {name: (name,) for (name,) in sorted(cursor.fetchall())}


def _count_rows(cursor, vendor: str, names: tuple[str, ...]) -> int:
    """``SELECT count(*)`` of one table named by the catalog, quoted by psycopg (``sql.Identifier``) on
    PostgreSQL and by SQL's double quotes on SQLite (whose DB-API has no quoting of its own)."""
    if vendor == "postgresql":
        from psycopg2 import sql

        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(*names)))
    else:
        cursor.execute("SELECT count(*) FROM " + ".".join(quote_name(name) for name in names))  # noqa: S608 (catalog names, quoted)
    return cursor.fetchone()[0]


def row_counts(cursor, vendor: str) -> dict[str, int]:
    """The number of rows of every table (see ``list_tables``)."""
    return {key: _count_rows(cursor, vendor, names) for key, names in list_tables(cursor, vendor).items()}


def applied_migrations(cursor, tables: dict[str, tuple[str, ...]]) -> dict[str, list[str]]:
    if "django_migrations" not in tables:
        return {}
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    applied: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        applied.setdefault(app, []).append(name)
    return applied


def _git_revision() -> str | None:
    base = Path(settings.BASE_DIR)
    if not (base / ".git").exists() or not shutil.which("git"):
        return None
    try:
        result = subprocess.run(
            ["git", "-C", str(base), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        return None
    return result.stdout.strip() or None


# --- PostgreSQL tools ---------------------------------------------------------------------------------------------

PG_OPTION_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


def pg_env(settings_dict: dict) -> dict[str, str]:
    """The environment that points libpq's tools (pg_dump, pg_restore, psql) at a configured database: every
    connection setting, the password included, goes through the environment and none onto a command line."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    values = {
        "PGDATABASE": settings_dict.get("NAME"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
    }
    options = settings_dict.get("OPTIONS") or {}
    for option, variable in PG_OPTION_ENV.items():
        values[variable] = options.get(option)
    env.update({key: str(value) for key, value in values.items() if value not in (None, "")})
    env["PGAPPNAME"] = "portal-backup"
    return env


def pg_tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise backup_error(
            _(
                "找不到 %(name)s：请安装与数据库服务器版本一致的 PostgreSQL 客户端"
                "（apt-get install postgresql-client）。"
            ),
            "%(name)s not found: install the PostgreSQL client matching the server "
            "(apt-get install postgresql-client).",
            name=name,
        )
    return path


def pg_tool_major(path: str) -> int:
    output = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30, check=False).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    return int(match.group(1)) if match else 0


def _pg_dump(source, target: Path) -> dict:
    """Dump the PostgreSQL database of ``source`` (a connection wrapper) into ``target`` in an exported snapshot;
    the row counts and migrations of the manifest are read in the same snapshot."""
    pg_dump = pg_tool("pg_dump")
    source.ensure_connection()
    server_major = source.pg_version // 10000
    tool_major = pg_tool_major(pg_dump)
    if tool_major < server_major:
        raise backup_error(
            _("pg_dump %(tool)s 不能备份 PostgreSQL %(server)s 服务器：请安装 postgresql-client-%(server)s。"),
            "pg_dump %(tool)s cannot dump a PostgreSQL %(server)s server: install postgresql-client-%(server)s.",
            tool=tool_major,
            server=server_major,
        )
    # A connection of our own, so that the snapshot transaction is not the portal's (nor a test's) connection.
    raw = source.get_new_connection(source.get_connection_params())
    try:
        cursor = raw.cursor()
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        with tempfile.TemporaryFile() as errors:
            process = subprocess.Popen(  # noqa: S603 (fixed arguments, no shell)
                [pg_dump, "--format=custom", "--no-password", f"--snapshot={snapshot}", f"--file={target}"],
                env=pg_env(source.settings_dict),
                stdout=subprocess.DEVNULL,
                stderr=errors,
            )
            try:
                tables = list_tables(cursor, "postgresql")
                counts = row_counts(cursor, "postgresql")
                migrations = applied_migrations(cursor, tables)
            finally:
                returncode = process.wait()
            if returncode != 0:
                errors.seek(0)
                raise backup_error(
                    _("pg_dump 失败：%(detail)s"),
                    "pg_dump failed: %(detail)s",
                    detail=errors.read().decode(errors="replace").strip(),
                )
        raw.rollback()
    finally:
        raw.close()
    return {
        "tables": counts,
        "migrations": migrations,
        "server_version": _pg_version_string(source.pg_version),
        "tool": f"pg_dump {tool_major}",
        "tool_major": tool_major,
    }


def _pg_version_string(number: int) -> str:
    return f"{number // 10000}.{number % 10000}"


def _sqlite_copy(source, target: Path) -> dict:
    """Copy the SQLite database of ``source`` into ``target`` through the backup API (consistent while in use)."""
    source.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        source.connection.backup(copy)
        cursor = copy.cursor()
        tables = list_tables(cursor, "sqlite")
        counts = row_counts(cursor, "sqlite")
        migrations = applied_migrations(cursor, tables)
    finally:
        copy.close()
    return {
        "tables": counts,
        "migrations": migrations,
        "server_version": sqlite3.sqlite_version,
        "tool": "sqlite3 backup API",
    }


# --- backup -------------------------------------------------------------------------------------------------------


def default_output() -> Path:
    return Path.cwd() / f"portal-backup-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"


class _HashingReader:
    """Reads a file into the archive and hashes what it read, to catch a file that changed since it was listed."""

    def __init__(self, fileobj):
        self.fileobj = fileobj
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        data = self.fileobj.read(size)
        self.digest.update(data)
        return data


def _tarinfo(name: str, size: int, mtime: float) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(mtime)
    info.mode = 0o600
    return info


def vendor_of(connection) -> str:
    if connection.vendor not in DATABASE_MEMBER:
        raise backup_error(
            _("不支持的数据库类型：%(vendor)s（只支持 PostgreSQL 和 SQLite）。"),
            "Unsupported database vendor: %(vendor)s (PostgreSQL and SQLite only).",
            vendor=connection.vendor,
        )
    return connection.vendor


def create_backup(output: Path | str | None = None, *, force: bool = False, using: str = "default") -> dict:
    """Write the archive to ``output`` and answer its manifest. The archive appears only when complete (written
    beside it under a temporary name, then renamed) and readable by its owner only: it holds personal data."""
    connection = connections[using]
    vendor = vendor_of(connection)
    output = Path(output) if output else default_output()
    if output.is_dir():  # a folder: the archive gets the default name inside it
        output = output / default_output().name
    output = output.resolve()
    media_root = Path(settings.MEDIA_ROOT).resolve()
    if output.exists() and not force:
        raise backup_error(
            _("归档文件 %(path)s 已存在：未做任何改动。确需覆盖请加 --force。"),
            "The archive %(path)s exists already: nothing was changed. Add --force to overwrite it.",
            path=output,
        )
    if media_root == output.parent or media_root in output.parents:
        raise backup_error(
            _("不能把备份写进上传文件目录 %(media)s。"),
            "The archive must not be written into the media folder %(media)s.",
            media=media_root,
        )
    if not output.parent.is_dir():
        raise backup_error(_("目录 %(path)s 不存在。"), "The folder %(path)s does not exist.", path=output.parent)

    with tempfile.TemporaryDirectory(prefix=".portal-backup-", dir=output.parent) as work:
        dump = Path(work) / Path(DATABASE_MEMBER[vendor]).name
        database = _pg_dump(connection, dump) if vendor == "postgresql" else _sqlite_copy(connection, dump)
        # After the database: a file uploaded meanwhile is in the archive without its row, never the other way.
        files = media_files(media_root)
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": timezone.localtime().isoformat(timespec="seconds"),
            "app": {"git_revision": _git_revision(), "django": _django_version()},
            "database": {
                "vendor": vendor,
                "name": str(connection.settings_dict.get("NAME") or ""),
                "server_version": database["server_version"],
                "tool": database["tool"],
                "tool_major": database.get("tool_major"),
                "member": DATABASE_MEMBER[vendor],
                "sha256": sha256_file(dump),
                "size": dump.stat().st_size,
            },
            "migrations": database["migrations"],
            "tables": database["tables"],
            "media": {"count": len(files), "bytes": sum(f["size"] for f in files.values()), "files": files},
        }
        descriptor, partial = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".partial", dir=output.parent)
        try:
            with os.fdopen(descriptor, "wb") as raw:
                with tarfile.open(fileobj=raw, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
                    body = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
                    tar.addfile(_tarinfo(MANIFEST, len(body), timezone.now().timestamp()), _BytesReader(body))
                    with open(dump, "rb") as fileobj:
                        tar.addfile(
                            _tarinfo(DATABASE_MEMBER[vendor], dump.stat().st_size, dump.stat().st_mtime), fileobj
                        )
                    for rel, meta in files.items():
                        path = media_root / rel
                        with open(path, "rb") as fileobj:
                            reader = _HashingReader(fileobj)
                            tar.addfile(_tarinfo(MEDIA_PREFIX + rel, meta["size"], path.stat().st_mtime), reader)
                        if reader.digest.hexdigest() != meta["sha256"]:
                            raise backup_error(
                                _("文件 %(rel)s 在备份过程中被修改，请重新备份。"),
                                "The file %(rel)s changed while it was being backed up: run the backup again.",
                                rel=rel,
                            )
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, output)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
    return {**manifest, "output": str(output)}


class _BytesReader:
    def __init__(self, data: bytes):
        self.data = memoryview(data)
        self.position = 0

    def read(self, size=-1):
        end = len(self.data) if size is None or size < 0 else self.position + size
        chunk = bytes(self.data[self.position : end])
        self.position += len(chunk)
        return chunk


def _django_version() -> str:
    import django

    return django.get_version()
