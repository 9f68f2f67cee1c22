-- Header of the report. Timestamps are converted to naive UTC here because fetching TIMESTAMPTZ
-- into Python needs pytz, which the project does not depend on.
with findings_posts as (
    select
        count(distinct post_id) as posts_with_findings,
        count(*) filter (where severity = 'critical') as n_findings_critical
    from findings
    where run_id = $run_id
),

-- robots.txt exclusions are the site's own choice, not failures: the header counts them apart.
page_errors as (
    select
        count(*) filter (where error_class = 'robots_disallowed') as n_robots_blocked,
        count(*) filter (where error_class <> 'robots_disallowed' or error_class is null)
            as n_fetch_errors
    from pages
    where run_id = $run_id
        and not ok
)

select
    runs.run_id,
    runs.status,
    runs.error,
    runs.config ->> '$.report.title' as report_title,
    -- latest.html shows the latest succeeded run only; re-rendering an older run leaves it
    (select latest.run_id from v_latest_run as latest) as latest_run_id,
    timezone('UTC', runs.started_at) as started_at_utc,
    runs.config_hash,
    runs.code_version,
    runs.n_sites,
    runs.n_pages,
    runs.n_pages_ok,
    runs.n_pages - runs.n_pages_ok as n_page_errors,
    runs.n_posts,
    runs.n_findings,
    runs.n_duplicate_groups,
    runs.n_topics,
    findings_posts.posts_with_findings,
    findings_posts.n_findings_critical,
    page_errors.n_robots_blocked,
    page_errors.n_fetch_errors,
    (select count(*) from v_broken_links where run_id = $run_id) as n_broken_links,
    (select count(*) from links where run_id = $run_id) as n_links
from runs, findings_posts, page_errors
where runs.run_id = $run_id;
