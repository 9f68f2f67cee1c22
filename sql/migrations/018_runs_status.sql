-- Run status (issue 16): a run that fetched nothing or whose stage failed is recorded with its
-- status instead of being loaded as if it had succeeded. Rows loaded before this migration were
-- loaded by a run that reached the load, so they are succeeded.
alter table runs add column status varchar default 'succeeded';
alter table runs add column stage_status json;
alter table runs add column error varchar;

update runs set status = 'succeeded' where status is null;

comment on column runs.status is
    'succeeded (every stage up to the load succeeded; the run''s data is loaded), failed (a stage failed: see error and stage_status; no data rows), or empty (the crawl fetched no page; no data rows). Views and reports use succeeded runs only.';
comment on column runs.stage_status is
    'Each stage''s status as JSON: {"crawl": "succeeded", "extract": "failed", ...}; not_run for stages after a failure.';
comment on column runs.error is 'Why the run did not succeed, one line ("<stage>: <message>"); null when succeeded.';
