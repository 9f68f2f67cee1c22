-- Each site's succeeded runs in crawl order, each with the run before it: the one definition of
-- "the previous run of a site" that the comparison views share. A failed or empty run is never
-- a previous run; run_id breaks ties of started_at.
create or replace view v_site_runs as
select
    sites.run_id,
    sites.site,
    runs.started_at,
    lag(sites.run_id) over (
        partition by sites.site order by runs.started_at nulls first, sites.run_id
    ) as previous_run_id
from sites
join runs using (run_id)
where runs.status = 'succeeded';

comment on view v_site_runs is
    'Each site''s succeeded runs with the previous succeeded run of the same site (by crawl start, '
    'then run_id): what v_run_changes and v_finding_changes compare against. Grain: run x site. '
    'Key: (run_id, site).';
comment on column v_site_runs.run_id is 'A succeeded run (runs.run_id).';
comment on column v_site_runs.site is 'A site that run crawled (sites.site).';
comment on column v_site_runs.started_at is 'The run''s crawl start (runs.started_at); orders the runs.';
comment on column v_site_runs.previous_run_id is
    'The site''s previous succeeded run; null for the site''s first one.';
