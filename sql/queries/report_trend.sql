-- Key figures of the last succeeded runs that crawled any site of this run, oldest first, up
-- to this run: the trend chart of the report. Later runs are left out, so an older report shows
-- the history as it stood then.
with this_run as (
    select started_at from runs where run_id = $run_id
),

history as (
    select distinct runs.run_id, runs.started_at
    from runs
    join sites using (run_id)
    where runs.status = 'succeeded'
        and sites.site in (select site from sites where run_id = $run_id)
        and (
            runs.started_at < (select started_at from this_run)
            or (runs.started_at = (select started_at from this_run) and runs.run_id <= $run_id)
        )
    order by runs.started_at desc, runs.run_id desc
    limit $limit
),

findings_per_run as (
    select
        run_id,
        count(*) filter (where severity = 'critical') as critical,
        count(*) filter (where severity = 'warning') as warning
    from findings
    where run_id in (select run_id from history)
    group by run_id
),

scores_per_run as (
    select run_id, avg(audit_score) as health, count(*) as posts
    from post_scores
    where run_id in (select run_id from history)
    group by run_id
)

select
    history.run_id,
    timezone('UTC', history.started_at) as started_at_utc,
    scores_per_run.health,
    coalesce(scores_per_run.posts, 0) as posts,
    coalesce(findings_per_run.critical, 0) as critical,
    coalesce(findings_per_run.warning, 0) as warning
from history
left join scores_per_run using (run_id)
left join findings_per_run using (run_id)
order by history.started_at, history.run_id;
