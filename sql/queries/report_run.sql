-- Header of the report. Timestamps are converted to naive UTC here because fetching TIMESTAMPTZ
-- into Python needs pytz, which the project does not depend on.
with findings_posts as (
    select count(distinct post_id) as posts_with_findings
    from findings
    where run_id = $run_id
)

select
    runs.run_id,
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
    findings_posts.posts_with_findings
from runs, findings_posts
where runs.run_id = $run_id;
