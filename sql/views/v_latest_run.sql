-- The most recent run by crawl start (data time), not by load time: reloading an old run must
-- not make it "latest". Ties fall back to run_id order. Only succeeded runs: a run that failed
-- or fetched nothing never becomes "latest" (runs.status).
create or replace view v_latest_run as
select *
from runs
where status = 'succeeded'
order by started_at desc nulls last, run_id desc
limit 1;

comment on view v_latest_run is
    'The latest succeeded run: the runs row with the latest started_at (crawl start, not load time; '
    'null last, ties by run_id), every column of runs. Grain: one row, none while no run succeeded. '
    'Key: run_id. Latest over all sites: when runs crawl different sites, it may not cover them all.';
comment on column v_latest_run.run_id is 'The run id (Airflow run id or CLI --run-id).';
comment on column v_latest_run.started_at is
    'First fetch of the crawl (min pages.fetched_at); what "latest" is by.';
comment on column v_latest_run.loaded_at is
    'Wall-clock time of the load; recorded, not used to pick the run.';
comment on column v_latest_run.config_hash is 'sha256 prefix of the validated config (Config.config_hash).';
comment on column v_latest_run.config is 'The validated config the run started with, as JSON.';
comment on column v_latest_run.code_version is 'content-audit package version that loaded the run.';
comment on column v_latest_run.n_sites is 'Sites in the run (rows of sites).';
comment on column v_latest_run.n_pages is
    'URLs attempted by the crawl (rows of pages), refused and failed ones included.';
comment on column v_latest_run.n_pages_ok is 'URLs fetched with a usable body (pages.ok).';
comment on column v_latest_run.n_posts is 'Posts extracted (rows of posts).';
comment on column v_latest_run.n_findings is 'Audit findings (rows of findings).';
comment on column v_latest_run.n_duplicate_groups is 'Duplicate groups (rows of duplicate_groups).';
comment on column v_latest_run.n_topics is
    'Broad topics found (rows of topics with topic_id >= 0 and parent_id null: outlier topic and '
    'subtopics excluded).';
comment on column v_latest_run.status is
    'Always succeeded here (runs.status; the view keeps succeeded runs only).';
comment on column v_latest_run.stage_status is
    'Each stage''s status as JSON: {"crawl": "succeeded", "extract": "succeeded", ...}.';
comment on column v_latest_run.error is 'Why the run did not succeed (runs.error); always null here.';
