-- Loaded last so its headline counts are taken from the rows this transaction just inserted.
delete from runs where run_id = $run_id;

insert into runs by name
with run_pages as (
    select
        min(fetched_at) as started_at,
        count(*) as n_pages,
        count(*) filter (where ok) as n_pages_ok
    from pages
    where run_id = $run_id
)

select
    $run_id as run_id,
    -- When the run first started, kept when it is rerun or cleared: the run order every
    -- "previous run" comparison follows (v_site_runs, v_latest_run).
    coalesce($run_started_at::timestamptz, run_pages.started_at) as started_at,
    $loaded_at::timestamptz as loaded_at,
    $config_hash as config_hash,
    $config::json as config,
    $code_version as code_version,
    (select count(*) from sites where run_id = $run_id) as n_sites,
    run_pages.n_pages,
    run_pages.n_pages_ok,
    (select count(*) from posts where run_id = $run_id) as n_posts,
    (select count(*) from findings where run_id = $run_id) as n_findings,
    (select count(*) from duplicate_groups where run_id = $run_id) as n_duplicate_groups,
    -- topic_id -1 (outliers), if the topics stage writes a row for it, is not a topic
    (select count(*) from topics where run_id = $run_id and topic_id >= 0 and parent_id is null)
        as n_topics,
    -- Only a run whose stages up to the load succeeded is loaded (failed and empty runs get a
    -- data-less row from meta/record_run_status.sql).
    'succeeded' as status,
    $stage_status::json as stage_status,
    null as error
from run_pages;
