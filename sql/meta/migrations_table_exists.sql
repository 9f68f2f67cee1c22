-- Before the first migration the ledger itself does not exist yet.
select count(*) > 0 as present
from duckdb_tables()
where schema_name = 'main'
    and table_name = 'schema_migrations';
