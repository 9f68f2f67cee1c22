-- The runs row of a run that failed or fetched nothing, with no data rows. A run already loaded
-- as succeeded keeps its row: a failed rerun must not hide the good data still in the tables.
delete from runs where run_id = $run_id and status <> 'succeeded';

insert into runs by name
select
    $run_id as run_id,
    null::timestamptz as started_at,
    $loaded_at::timestamptz as loaded_at,
    $config_hash as config_hash,
    $config::json as config,
    $code_version as code_version,
    $n_sites as n_sites,
    0 as n_pages,
    0 as n_pages_ok,
    0 as n_posts,
    0 as n_findings,
    0 as n_duplicate_groups,
    0 as n_topics,
    $status as status,
    $stage_status::json as stage_status,
    $error as error
where not exists (select 1 from runs where run_id = $run_id);
