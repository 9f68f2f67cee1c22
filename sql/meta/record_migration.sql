-- now() is the transaction's start time: recorded for people, never compared by migrate.py.
insert into schema_migrations (version, name, checksum, applied_at)
values ($version, $name, $checksum, now());
