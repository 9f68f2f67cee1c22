-- runs.started_at is now when the run first started, kept when the run is rerun or cleared (it
-- was the first page fetch of the latest execution, so clearing an old run made it the latest).
comment on column runs.started_at is
    'When the run first started (UTC), kept when it is rerun or cleared: the run order that '
    'every "previous run" follows (v_site_runs, v_latest_run). Runs loaded by earlier versions '
    'have their first page fetch here; null if nothing was fetched.';
