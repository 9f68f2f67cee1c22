-- One row per loaded run: what configuration and code produced it, and its headline counts.
-- Every other table is keyed by run_id so the warehouse keeps the history of all runs.
create table runs (
    run_id varchar primary key,
    started_at timestamptz,
    loaded_at timestamptz not null,
    config_hash varchar not null,
    config json,
    code_version varchar not null,
    n_sites integer not null,
    n_pages integer not null,
    n_pages_ok integer not null,
    n_posts integer not null,
    n_findings integer not null,
    n_duplicate_groups integer not null,
    n_topics integer not null
);

comment on table runs is
    'Pipeline runs loaded into the warehouse. Grain: one row per run. Key: run_id.';
comment on column runs.run_id is 'The run id (Airflow run id or CLI --run-id).';
comment on column runs.started_at is
    'First fetch of the crawl (min pages.fetched_at); orders runs in time, null if nothing was fetched.';
comment on column runs.loaded_at is 'Wall-clock time of the load; recorded, never used for logic.';
comment on column runs.config_hash is 'sha256 prefix of the validated config (Config.config_hash).';
comment on column runs.config is 'The validated config the run started with, as JSON.';
comment on column runs.code_version is 'content-audit package version that loaded the run.';
comment on column runs.n_sites is 'Sites in the run (rows of sites).';
comment on column runs.n_pages is 'URLs attempted by the crawl (rows of pages).';
comment on column runs.n_pages_ok is 'URLs fetched with a usable body (pages.ok).';
comment on column runs.n_posts is 'Posts extracted (rows of posts).';
comment on column runs.n_findings is 'Audit findings (rows of findings).';
comment on column runs.n_duplicate_groups is 'Duplicate groups (rows of duplicate_groups).';
comment on column runs.n_topics is 'Topics found (rows of topics, outlier topic -1 excluded).';
