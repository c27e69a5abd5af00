"""Restore an archive written by common.backup into an empty database and media folder (or over them with
``force``): the manifest and every member's checksum are verified before anything is replaced."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connections
from django.utils.translation import gettext as _

from .backup import (
    CHUNK,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    MEDIA_PREFIX,
    STAGING_PREFIX,
    backup_error,
    count_media_files,
    list_tables,
    pg_env,
    pg_tool,
    pg_tool_major,
    quote_name,
    row_counts,
    vendor_of,
)

# --- restore ------------------------------------------------------------------------------------------------------


@dataclass
class RestoreResult:
    manifest: dict
    tables: int = 0
    rows: int = 0
    files: int = 0
    notices: list[str] = field(default_factory=list)


def _read_manifest(tar: tarfile.TarFile) -> dict:
    member = tar.next()
    if member is None or member.name != MANIFEST or not member.isreg():
        raise backup_error(
            _("这不是本平台的备份归档（缺少 manifest.json）。"), "Not a portal backup archive (no manifest.json)."
        )
    try:
        manifest = json.loads(tar.extractfile(member).read())
    except (ValueError, UnicodeDecodeError) as exc:
        raise backup_error(_("备份清单已损坏。"), "The manifest of the archive is damaged.") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise backup_error(_("这不是本平台的备份归档。"), "Not a portal backup archive.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise backup_error(
            _("备份格式版本 %(version)s 不受支持（本程序支持 %(supported)s）。"),
            "Backup format version %(version)s is not supported (this code reads %(supported)s).",
            version=manifest.get("format_version"),
            supported=FORMAT_VERSION,
        )
    return manifest


def _safe_relative(name: str) -> PurePosixPath:
    rel = PurePosixPath(name)
    if not name or rel.is_absolute() or any(part in ("", ".", "..") for part in rel.parts) or "\\" in name:
        raise backup_error(
            _("归档中的文件名 %(name)s 不安全，已拒绝。"), "Unsafe file name %(name)s in the archive.", name=name
        )
    return rel


def _extract_verified(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path, expected: dict) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    source = tar.extractfile(member)
    with open(target, "xb") as out:
        for chunk in iter(lambda: source.read(CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    if digest.hexdigest() != expected.get("sha256") or size != expected.get("size"):
        raise backup_error(
            _("校验失败：%(name)s 与备份清单不符，归档已损坏或被改动。未做任何改动。"),
            "Checksum mismatch: %(name)s does not match the manifest; the archive is damaged or altered. "
            "Nothing was changed.",
            name=member.name,
        )


def database_tables(connection) -> dict[str, tuple[str, ...]]:
    with connection.cursor() as cursor:
        return list_tables(cursor, connection.vendor)


def restore_backup(archive: Path | str, *, force: bool = False, using: str = "default") -> RestoreResult:
    """Bring ``archive`` back into the configured database and MEDIA_ROOT (see the module's docstring)."""
    connection = connections[using]
    vendor = vendor_of(connection)
    archive = Path(archive)
    if not archive.is_file():
        raise backup_error(_("找不到归档文件 %(path)s。"), "The archive %(path)s does not exist.", path=archive)
    media_root = Path(settings.MEDIA_ROOT).resolve()
    try:
        tar = tarfile.open(archive, mode="r:*")  # noqa: SIM115 (closed in the finally below)
    except (tarfile.TarError, OSError) as exc:
        raise backup_error(_("无法读取归档 %(path)s。"), "Cannot read the archive %(path)s.", path=archive) from exc
    try:
        manifest = _read_manifest(tar)
        result = RestoreResult(manifest=manifest)
        database = manifest.get("database") or {}
        if database.get("vendor") != vendor:
            raise backup_error(
                _("数据库类型不符：备份来自 %(archived)s，当前配置的是 %(current)s。未做任何改动。"),
                "Database vendor mismatch: the archive holds %(archived)s, the configured database is %(current)s. "
                "Nothing was changed.",
                archived=database.get("vendor"),
                current=vendor,
            )
        if vendor == "postgresql":
            needed = int(database.get("tool_major") or 0)
            for tool in ("pg_restore", "psql"):
                if pg_tool_major(pg_tool(tool)) < needed:
                    raise backup_error(
                        _(
                            "%(tool)s 版本低于制作备份的 pg_dump %(needed)s："
                            "请安装 postgresql-client-%(needed)s。未做任何改动。"
                        ),
                        "%(tool)s is older than the pg_dump %(needed)s that made the archive: install "
                        "postgresql-client-%(needed)s. Nothing was changed.",
                        tool=tool,
                        needed=needed,
                    )
        existing = database_tables(connection)
        if existing and not force:
            raise backup_error(
                _(
                    "数据库不是空的（已有 %(count)s 张表）：恢复只写入空数据库。"
                    "未做任何改动。确需覆盖现有数据请加 --force。"
                ),
                "The database is not empty (%(count)s tables): restore writes into an empty database only. "
                "Nothing was changed. Add --force to overwrite the existing data.",
                count=len(existing),
            )
        present = count_media_files(media_root)
        if present and not force:
            raise backup_error(
                _("上传文件目录 %(media)s 不是空的（已有 %(count)s 个文件）。未做任何改动。确需覆盖请加 --force。"),
                "The media folder %(media)s is not empty (%(count)s files). Nothing was changed. "
                "Add --force to replace them.",
                media=media_root,
                count=present,
            )
        _migration_notices(manifest, result)

        created_root = not media_root.exists()
        media_root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=media_root))
        try:
            dump = _unpack(tar, manifest, staging)
            if vendor == "postgresql":
                _restore_postgresql(connection, dump, force=force, existing=existing)
            else:
                _restore_sqlite(connection, dump)
            _check_counts(connection, manifest, result)
            _replace_media(media_root, staging / "media")
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            if created_root and not any(media_root.iterdir()):
                media_root.rmdir()
            raise
        shutil.rmtree(staging, ignore_errors=True)
        result.files = len(manifest["media"]["files"])
        return result
    finally:
        tar.close()


def _migration_notices(manifest: dict, result: RestoreResult) -> None:
    from django.db.migrations.loader import MigrationLoader

    on_disk = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    archived = {(app, name) for app, names in (manifest.get("migrations") or {}).items() for name in names}
    unknown = sorted(archived - on_disk)
    missing = sorted(on_disk - archived)
    if unknown:
        names = ", ".join(f"{app}.{name}" for app, name in unknown[:5])
        result.notices.append(
            _("备份来自更新的代码版本（本代码没有迁移 %(names)s）：请部署与备份相同或更新的版本。") % {"names": names}
            + f"\nThe archive comes from newer code (unknown migrations {names}): deploy the same or a newer version."
        )
    if missing:
        result.notices.append(
            _("备份早于当前代码（缺少 %(count)s 个迁移）：恢复后请运行 manage.py migrate。")
            % {"count": len(missing)}
            + f"\nThe archive predates this code ({len(missing)} migrations missing): run manage.py migrate after the "
            "restore."
        )


def _unpack(tar: tarfile.TarFile, manifest: dict, staging: Path) -> Path:
    """Unpack the database file and the media files into ``staging``, checking each against the manifest."""
    database = manifest["database"]
    files = manifest.get("media", {}).get("files", {})
    dump = None
    seen = set()
    while (member := tar.next()) is not None:
        if not member.isreg():
            raise backup_error(
                _("归档中有不应有的条目 %(name)s（只应有普通文件）。"),
                "Unexpected entry %(name)s in the archive (regular files only).",
                name=member.name,
            )
        if member.name == database.get("member"):
            dump = staging / "database" / PurePosixPath(member.name).name
            _extract_verified(tar, member, dump, database)
            continue
        if not member.name.startswith(MEDIA_PREFIX):
            raise backup_error(
                _("归档中有未知条目 %(name)s。"), "Unknown entry %(name)s in the archive.", name=member.name
            )
        rel = _safe_relative(member.name[len(MEDIA_PREFIX) :])
        key = rel.as_posix()
        if key not in files or key in seen:
            raise backup_error(
                _("归档中的文件 %(name)s 不在备份清单中。"),
                "The file %(name)s in the archive is not in the manifest.",
                name=member.name,
            )
        seen.add(key)
        _extract_verified(tar, member, staging / "media" / rel, files[key])
    missing = sorted(set(files) - seen)
    if dump is None or missing:
        raise backup_error(
            _("归档不完整（缺少 %(missing)s）。未做任何改动。"),
            "The archive is incomplete (%(missing)s missing). Nothing was changed.",
            missing=", ".join(([] if dump else [database.get("member")]) + missing[:5]),
        )
    (staging / "media").mkdir(exist_ok=True)
    return dump


def _restore_postgresql(connection, dump: Path, *, force: bool, existing: dict[str, tuple[str, ...]]) -> None:
    """Run pg_restore's SQL through psql in ONE transaction: it commits only when pg_restore finished and every
    statement succeeded, so a failed restore leaves the database untouched."""
    pg_restore = pg_tool("pg_restore")
    psql = pg_tool("psql")
    env = pg_env(connection.settings_dict)
    connection.close()
    arguments = [pg_restore, "--no-owner", "--no-acl", "--file=-"]
    prologue = "BEGIN;\n"
    if force:
        arguments += ["--clean", "--if-exists"]
        if existing:
            # Tables the archive does not know (a newer migration's) go too: the result is the archive, nothing else.
            quoted = (".".join(quote_name(name) for name in names) for names in existing.values())
            prologue += "DROP TABLE IF EXISTS " + ", ".join(quoted) + " CASCADE;\n"
    arguments.append(str(dump))
    with tempfile.TemporaryFile() as restore_errors, tempfile.TemporaryFile() as psql_errors:
        producer = subprocess.Popen(arguments, env=env, stdout=subprocess.PIPE, stderr=restore_errors)  # noqa: S603
        consumer = subprocess.Popen(  # noqa: S603 (fixed arguments, no shell)
            [psql, "--no-psqlrc", "--quiet", "--no-password", "--set=ON_ERROR_STOP=1", "--file=-"],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=psql_errors,
        )
        produced = False
        try:
            consumer.stdin.write(prologue.encode())
            shutil.copyfileobj(producer.stdout, consumer.stdin, CHUNK)
            produced = producer.wait() == 0
            consumer.stdin.write(b"COMMIT;\n" if produced else b"ROLLBACK;\n")
        except BrokenPipeError:
            pass  # psql stopped at an error: its transaction is rolled back when it exits
        finally:
            producer.stdout.close()
            if producer.poll() is None:
                producer.kill()
            producer.wait()
            try:
                consumer.stdin.close()
            except BrokenPipeError:
                pass
            consumer_rc = consumer.wait()
        if not produced or consumer_rc != 0:
            restore_errors.seek(0)
            psql_errors.seek(0)
            detail = (restore_errors.read() + psql_errors.read()).decode(errors="replace").strip()
            raise backup_error(
                _("PostgreSQL 恢复失败，数据库未改动：%(detail)s"),
                "The PostgreSQL restore failed and was rolled back: %(detail)s",
                detail=detail[-2000:],
            )


def _restore_sqlite(connection, dump: Path) -> None:
    """Copy the archived database over the configured one through the backup API (in place, under SQLite's lock,
    whatever it held before)."""
    connection.ensure_connection()
    source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def _check_counts(connection, manifest: dict, result: RestoreResult) -> None:
    with connection.cursor() as cursor:
        counts = row_counts(cursor, connection.vendor)
    expected = manifest.get("tables") or {}
    different = sorted(name for name in set(expected) | set(counts) if expected.get(name) != counts.get(name))
    if different:
        raise backup_error(
            _("恢复后的行数与备份清单不符：%(tables)s"),
            "Row counts after the restore differ from the manifest: %(tables)s",
            tables=", ".join(different[:10]),
        )
    result.tables = len(counts)
    result.rows = sum(counts.values())


def _replace_media(media_root: Path, staged: Path) -> None:
    """Empty MEDIA_ROOT (with --force it held files; without, at most empty folders) and move the staged files in:
    renames within one file system."""
    for child in media_root.iterdir():
        if child == staged.parent:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    for child in staged.iterdir():
        os.replace(child, media_root / child.name)
