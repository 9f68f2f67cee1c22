-- One row per site, with the site's average score in the previous run that crawled it (from
-- v_run_changes), so the report can say whether the site got better or worse.
with previous_runs as (
    select distinct
        site,
        previous_run_id
    from v_run_changes
    where run_id = $run_id
),

-- robots.txt exclusions are the site's choice, not failures: counted apart from errors.
robots as (
    select site, count(*) as robots_blocked
    from pages
    where run_id = $run_id
        and error_class = 'robots_disallowed'
    group by site
)

select
    current_run.site,
    current_run.url,
    current_run.pages,
    current_run.pages_ok,
    current_run.errors - coalesce(robots.robots_blocked, 0) as errors,
    coalesce(robots.robots_blocked, 0) as robots_blocked,
    current_run.posts,
    current_run.avg_words,
    current_run.boilerplate_share,
    current_run.findings,
    current_run.findings_critical,
    current_run.findings_warning,
    current_run.findings_info,
    current_run.posts_with_findings,
    current_run.duplicate_posts,
    current_run.avg_audit_score,
    previous_runs.previous_run_id,
    previous_run.avg_audit_score as previous_avg_audit_score
from v_site_summary as current_run
left join previous_runs
    on previous_runs.site = current_run.site
left join robots
    on robots.site = current_run.site
left join v_site_summary as previous_run
    on previous_run.run_id = previous_runs.previous_run_id
    and previous_run.site = current_run.site
where current_run.run_id = $run_id
order by current_run.site;
