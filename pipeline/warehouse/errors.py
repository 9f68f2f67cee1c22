"""Typed warehouse failures: infrastructure errors that fail the task (and let Airflow retry)."""

from __future__ import annotations


class WarehouseError(RuntimeError):
    """Base class of every warehouse failure."""


class MigrationError(WarehouseError):
    """The migration files and the database's ``schema_migrations`` ledger disagree."""


class LoadError(WarehouseError):
    """A load statement failed (bad input file, constraint violation); nothing was committed."""

    def __init__(self, sql_file: str, detail: str) -> None:
        super().__init__(f"{sql_file}: {detail} (the load was rolled back)")
        self.sql_file = sql_file


class CheckFailedError(WarehouseError):
    """A data check returned bad rows; the whole load was rolled back."""

    def __init__(self, check: str, n_rows: int, sample: list[dict[str, object]]) -> None:
        shown = "; ".join(repr(row) for row in sample)
        super().__init__(
            f"check {check} found {n_rows} bad row(s), e.g. {shown} (the load was rolled back; "
            f"see sql/checks/{check}.sql for what it tests)"
        )
        self.check = check
        self.n_rows = n_rows
        self.sample = sample
