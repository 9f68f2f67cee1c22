-- The migration ledger: one row per applied migration file. migrate.py reads it to skip what is
-- already applied, and compares checksums so an edited (already applied) migration is refused
-- instead of silently diverging from the databases that ran the old text.
create table schema_migrations (
    version integer primary key,
    name varchar not null,
    checksum varchar not null,
    applied_at timestamptz not null
);

comment on table schema_migrations is
    'Applied schema migrations. Grain: one row per sql/migrations file. Key: version.';
comment on column schema_migrations.version is 'The NNN prefix of the migration file name.';
comment on column schema_migrations.name is 'The migration file name, e.g. 002_create_runs.sql.';
comment on column schema_migrations.checksum is 'sha256 of the file text when it was applied.';
comment on column schema_migrations.applied_at is 'Wall-clock time it was applied (recorded only).';
