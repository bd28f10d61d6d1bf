"""Backups: the whole database and every uploaded file in one archive, and back again.

An archive is a .tar.gz holding `manifest.json`, the database (`database.sqlite3`, made with
SQLite's online backup API, or `database.dump`, made by `pg_dump -Fc`) and the files of
MEDIA_ROOT under `media/`. The manifest names the database it came from, counts the rows of
every table and holds the SHA-256 of every file, so a restore checks the archive whole
(vendor, every file's bytes) before it touches anything, and checks the counts after.

Both are safe while the app runs: SQLite's backup API and pg_dump read one consistent
moment. A restore replaces today's data and should be run with the app stopped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import tomllib
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections, transaction

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DATABASE_FILE = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
SUFFIX = ".tar.gz"


class BackupError(Exception):
    """A backup or restore that cannot be done, with a message saying why and what to do."""


@dataclass(frozen=True)
class Restored:
    """What a restore brought back, and any table whose count differs from the manifest."""

    manifest: dict[str, Any]
    files: int
    today: Path | None  # the backup of today's data made before the restore
    differences: dict[str, tuple[int, int | None]] = field(default_factory=dict)


def backups_dir() -> Path:
    """Where `manage.py backup` writes when told nowhere else: var/backups/."""
    return Path(settings.VAR_DIR) / "backups"


def backup_make(*, to: Path) -> Path:
    """Write one archive of the database and the uploaded files into the folder `to`."""
    vendor = connection.vendor
    if vendor not in DATABASE_FILE:
        raise BackupError(f"Backups know SQLite and PostgreSQL, not {vendor}.")
    to.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC)
    archive = _free_name(to, f"tonle-{stamp:%Y%m%d-%H%M%S}")
    with tempfile.TemporaryDirectory(dir=to, prefix=".backup-") as work:
        database = Path(work) / DATABASE_FILE[vendor]
        tables = _sqlite_dump(database) if vendor == "sqlite" else _postgres_dump(database)
        media = _media_files()
        manifest = {
            "format": FORMAT,
            "tonle": _version(),
            "commit": _commit(),
            "vendor": vendor,
            "created_at": stamp.isoformat(timespec="seconds"),
            "tables": tables,
            "files": {
                DATABASE_FILE[vendor]: _sha256(database),
                **{f"{MEDIA}/{name}": _sha256(path) for name, path in media.items()},
            },
        }
        (Path(work) / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
        # Written under a hidden name and renamed when whole: a backup cut short (a full disk,
        # a killed cron job) never lies in the folder looking like a good one.
        partial = Path(work) / "archive.partial"
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(Path(work) / MANIFEST, arcname=MANIFEST)
            tar.add(database, arcname=DATABASE_FILE[vendor])
            for name, path in media.items():
                tar.add(path, arcname=f"{MEDIA}/{name}", recursive=False)
        os.replace(partial, archive)
    return archive


def backup_check(*, archive: Path, into: Path) -> dict[str, Any]:
    """Unpack the archive into the folder `into` and check it whole: a Tonle backup of this
    database's kind, every file present with its recorded bytes. Returns its manifest."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            manifest = _manifest_in(tar)
            _vendor_matches(manifest)
            for name, digest in manifest["files"].items():
                target = _inside(into, name)
                member = tar.extractfile(name)
                if member is None:
                    raise KeyError(name)
                target.parent.mkdir(parents=True, exist_ok=True)
                with member, target.open("wb") as out:
                    shutil.copyfileobj(member, out)
                if _sha256(target) != digest:
                    raise BackupError(
                        f"{archive.name} is damaged: {name} is not the file that was backed up. "
                        "Nothing was changed."
                    )
    except FileNotFoundError as missing:
        raise BackupError(f"There is no file {archive}.") from missing
    except (tarfile.TarError, EOFError, OSError, zlib.error, KeyError, ValueError) as broken:
        raise BackupError(
            f"{archive.name} is damaged or not a Tonle backup ({broken}). Nothing was changed."
        ) from broken
    return manifest


def backup_restore(*, from_: Path, keep_today_in: Path | None = None) -> Restored:
    """Replace today's database and uploaded files with those of the archive, after checking
    the archive whole and, given `keep_today_in`, backing up today's data there first. Run it
    with the app stopped: whatever was written since the archive was made is gone."""
    if connection.in_atomic_block:
        raise BackupError("A restore cannot run inside a transaction.")
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    # Unpacked beside MEDIA_ROOT, so the files move into place by a rename, not a copy.
    with tempfile.TemporaryDirectory(dir=media_root.parent, prefix=".restore-") as work:
        unpacked = Path(work) / "archive"
        manifest = backup_check(archive=from_, into=unpacked)
        today = backup_make(to=keep_today_in) if keep_today_in is not None else None
        database = unpacked / DATABASE_FILE[manifest["vendor"]]
        if manifest["vendor"] == "sqlite":
            _sqlite_load(database)
        else:
            _postgres_load(database)
        cache.clear()  # figures cached from today's data must not outlive it
        files = _media_swap(unpacked / MEDIA, media_root, Path(work) / "before")
    counts = _table_counts()
    differences = {
        table: (expected, counts.get(table))
        for table, expected in manifest["tables"].items()
        if counts.get(table) != expected
    }
    return Restored(manifest=manifest, files=files, today=today, differences=differences)


# -- the archive --------------------------------------------------------------------------


def _free_name(folder: Path, stem: str) -> Path:
    archive, number = folder / f"{stem}{SUFFIX}", 1
    while archive.exists():
        number += 1
        archive = folder / f"{stem}-{number}{SUFFIX}"
    return archive


def _manifest_in(tar: tarfile.TarFile) -> dict[str, Any]:
    member = tar.extractfile(MANIFEST)
    if member is None:
        raise KeyError(MANIFEST)
    manifest = json.loads(member.read())
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ValueError("its manifest is not one this version of Tonle reads")
    if not isinstance(manifest.get("files"), dict) or not isinstance(manifest.get("tables"), dict):
        raise ValueError("its manifest lists no files or tables")
    return manifest


def _vendor_matches(manifest: dict[str, Any]) -> None:
    theirs, ours = manifest.get("vendor"), connection.vendor
    if theirs != ours:
        raise BackupError(
            f"This backup is of a {_VENDOR_NAMES.get(theirs, theirs)} database and Tonle runs on "
            f"{_VENDOR_NAMES.get(ours, ours)}: restore it where it was made (DATABASE_URL). "
            "Nothing was changed."
        )


_VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _inside(folder: Path, name: str) -> Path:
    """The path of an archive member under `folder`, refusing names that would leave it."""
    parts = PurePosixPath(name).parts
    if not parts or PurePosixPath(name).is_absolute() or ".." in parts:
        raise ValueError(f"a file named {name!r}")
    return folder.joinpath(*parts)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _version() -> str | None:
    try:
        project = tomllib.loads((Path(settings.BASE_DIR) / "pyproject.toml").read_text())
    except (OSError, tomllib.TOMLDecodeError):
        return None
    return project.get("project", {}).get("version")


def _commit() -> str | None:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=settings.BASE_DIR, capture_output=True, text=True,
            timeout=5, check=True,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None


# -- uploaded files -----------------------------------------------------------------------


def _media_files() -> dict[str, Path]:
    """Every file under MEDIA_ROOT by its path relative to it, in POSIX form."""
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return {}
    return {
        path.relative_to(root).as_posix(): path
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


def _media_swap(restored: Path, media_root: Path, aside: Path) -> int:
    """Put the archive's files where today's are, by two renames; today's go away after."""
    restored.mkdir(parents=True, exist_ok=True)
    try:
        if media_root.exists():
            os.replace(media_root, aside)
        os.replace(restored, media_root)
    except OSError:
        # MEDIA_ROOT is a mount point (or on another disk): empty it and move the files in.
        media_root.mkdir(parents=True, exist_ok=True)
        for path in list(media_root.iterdir()):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        for path in list(restored.iterdir()):
            shutil.move(path, media_root / path.name)
    return sum(1 for path in media_root.rglob("*") if path.is_file())


# -- SQLite ---------------------------------------------------------------------------------


def _sqlite_dump(target: Path) -> dict[str, int]:
    """Copy the live database with the online backup API (one consistent moment, writers
    wait at most a moment), and count the copy's rows."""
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        return _sqlite_counts(copy)
    finally:
        copy.close()


def _sqlite_counts(database: sqlite3.Connection) -> dict[str, int]:
    names = [
        row[0]
        for row in database.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    return {
        name: database.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in names
    }


def _sqlite_load(source: Path) -> None:
    """Write the archive's database over the live one with the backup API, page by page
    inside SQLite's own lock, so no connection ever sees half of each."""
    connection.ensure_connection()
    archived = sqlite3.connect(source)
    try:
        archived.backup(connection.connection)
    finally:
        archived.close()


# -- PostgreSQL -----------------------------------------------------------------------------


def _postgres_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not installed: install PostgreSQL's client tools "
            "(on Debian: apt-get install postgresql-client)."
        )
    return path


def _postgres_arguments() -> tuple[list[str], dict[str, str]]:
    """pg_dump/pg_restore arguments and environment for the database Django uses."""
    db = connection.settings_dict
    arguments = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        arguments += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        arguments += ["--port", str(db["PORT"])]
    if db.get("USER"):
        arguments += ["--username", str(db["USER"])]
    environment = {**os.environ}
    if db.get("PASSWORD"):
        environment["PGPASSWORD"] = str(db["PASSWORD"])  # never on the command line
    if sslmode := db.get("OPTIONS", {}).get("sslmode"):
        environment["PGSSLMODE"] = str(sslmode)
    return ["--no-password", *arguments], environment


def _run(command: list[str], environment: dict[str, str]) -> None:
    done = subprocess.run(command, env=environment, capture_output=True, text=True)
    if done.returncode != 0:
        tool = Path(command[0]).name
        raise BackupError(f"{tool} failed: {done.stderr.strip() or done.returncode}")


def _postgres_dump(target: Path) -> dict[str, int]:
    """pg_dump from the snapshot in which the rows are counted, so the counts are the dump's."""
    pg_dump = _postgres_tool("pg_dump")
    if connection.in_atomic_block:
        raise BackupError("A backup cannot run inside a transaction.")
    arguments, environment = _postgres_arguments()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = _table_counts()
        _run(
            [pg_dump, "--format=custom", f"--snapshot={snapshot}", "--file", str(target),
             *arguments],
            environment,
        )  # fmt: skip
    return counts


def _postgres_load(source: Path) -> None:
    """pg_restore into the configured database in one transaction: all of it or nothing."""
    pg_restore = _postgres_tool("pg_restore")
    arguments, environment = _postgres_arguments()
    # Our own connection would hold locks pg_restore's DROPs wait for.
    connections.close_all()
    _run(
        [pg_restore, "--clean", "--if-exists", "--no-owner", "--no-acl", "--single-transaction",
         "--exit-on-error", *arguments, str(source)],
        environment,
    )  # fmt: skip


def _table_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        names = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")
            counts[name] = cursor.fetchone()[0]
    return counts
