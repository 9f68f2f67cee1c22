"""Bring a DuckDB warehouse to the current schema: pending migrations, then the views.

Migrations are ``sql/migrations/NNN_verb_object.sql``, applied in version order, each in its own
transaction together with its row in ``schema_migrations``, so a failed migration leaves the
database at the previous version. Views (``sql/views/v_*.sql``) are ``create or replace`` and are
recreated on every call, so they always match the code that loads the data.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import duckdb

from pipeline.warehouse.errors import MigrationError
from pipeline.warehouse.sqlfiles import (
    execute_sql,
    fetch_dicts,
    read_sql,
    sql_files,
    transaction,
)

_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z][a-z0-9_]*\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def migrations() -> list[Migration]:
    """Every migration file, in version order; raise if a name or version is malformed."""
    found: dict[int, Migration] = {}
    for relpath in sql_files("migrations"):
        name = relpath.rsplit("/", 1)[1]
        match = _MIGRATION_NAME.match(name)
        if match is None:
            raise MigrationError(f"migration file {name!r} must be named NNN_verb_object.sql")
        version = int(match.group(1))
        if version in found:
            raise MigrationError(f"migrations {found[version].name} and {name} share version")
        found[version] = Migration(version, name, read_sql(relpath))
    return [found[v] for v in sorted(found)]


def applied_checksums(con: duckdb.DuckDBPyConnection) -> dict[int, str]:
    """version -> checksum of the migrations already applied to ``con``'s database."""
    exists = fetch_dicts(con, "meta/migrations_table_exists.sql")
    if not exists[0]["present"]:
        return {}
    rows = fetch_dicts(con, "meta/applied_migrations.sql")
    return {int(str(r["version"])): str(r["checksum"]) for r in rows}


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply pending migrations and recreate the views; return the names of migrations applied."""
    applied = applied_checksums(con)
    done: list[str] = []
    for migration in migrations():
        if migration.version in applied:
            if applied[migration.version] != migration.checksum:
                raise MigrationError(
                    f"{migration.name} changed after it was applied to this warehouse; "
                    "never edit an applied migration: add a new NNN_ file instead"
                )
            continue
        _apply(con, migration)
        done.append(migration.name)
    create_views(con)
    return done


def _apply(con: duckdb.DuckDBPyConnection, migration: Migration) -> None:
    record = {
        "version": migration.version,
        "name": migration.name,
        "checksum": migration.checksum,
    }
    try:
        with transaction(con):
            execute_sql(con, migration.sql)
            execute_sql(con, read_sql("meta/record_migration.sql"), record)
    except duckdb.Error as exc:
        raise MigrationError(f"{migration.name} failed and was rolled back: {exc}") from exc


_VIEW_NAME = re.compile(r"\bv_[a-z0-9_]+\b")
_SQL_COMMENT = re.compile(r"--[^\n]*|'(?:[^']|'')*'")  # comments and string literals


def _in_dependency_order(views: dict[str, str]) -> list[str]:
    """View files (``views/v_name.sql`` -> SQL) ordered so that a view comes after every view its
    SQL reads (DuckDB binds a view when it is created); alphabetical where nothing constrains."""
    name_of = {relpath: relpath.rsplit("/", 1)[1].removesuffix(".sql") for relpath in views}
    file_of = {name: relpath for relpath, name in name_of.items()}
    reads = {
        relpath: {file_of[n] for n in _VIEW_NAME.findall(_SQL_COMMENT.sub(" ", sql))
                  if n in file_of and n != name_of[relpath]}
        for relpath, sql in views.items()
    }  # fmt: skip
    ordered: list[str] = []
    while len(ordered) < len(views):
        ready = [r for r in sorted(views) if r not in ordered and reads[r] <= set(ordered)]
        if not ready:
            cycle = sorted(r for r in views if r not in ordered)
            raise MigrationError(f"views read each other in a cycle: {', '.join(cycle)}")
        ordered.append(ready[0])
    return ordered


def create_views(con: duckdb.DuckDBPyConnection) -> list[str]:
    """(Re)create every view in one transaction, each after the views it reads; return their
    file names in the order they were created."""
    names = _in_dependency_order(
        {relpath: read_sql(relpath) for relpath in sql_files("views", "v_")}
    )
    try:
        with transaction(con):
            for relpath in names:
                execute_sql(con, read_sql(relpath))
    except duckdb.Error as exc:
        raise MigrationError(f"creating views failed and was rolled back: {exc}") from exc
    return names
