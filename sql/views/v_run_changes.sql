-- For each run and site, compare posts (by URL) with the previous run that crawled the same site:
-- new, removed, score changed or unchanged. A site's first run has no rows here.
create or replace view v_run_changes as
-- Succeeded runs only: a failed or empty run is never "the previous run".
with site_runs as (
    select sites.run_id, sites.site, runs.started_at
    from sites
    join runs using (run_id)
    where runs.status = 'succeeded'
),

-- Previous run = the latest earlier crawl of the same site; run_id breaks started_at ties.
previous as (
    select
        run_id,
        site,
        lag(run_id) over (
            partition by site order by started_at nulls first, run_id
        ) as previous_run_id
    from site_runs
),

scored_posts as (
    select
        posts.run_id,
        posts.site,
        posts.url,
        posts.title,
        post_scores.audit_score,
        post_scores.n_findings
    from posts
    left join post_scores
        on post_scores.run_id = posts.run_id
        and post_scores.post_id = posts.post_id
),

current_posts as (
    select previous.previous_run_id, scored_posts.*
    from scored_posts
    join previous using (run_id, site)
    where previous.previous_run_id is not null
),

-- Posts of the previous run, tagged with the run they are compared from.
previous_posts as (
    select previous.run_id as compared_run_id, scored_posts.*
    from scored_posts
    join previous
        on previous.previous_run_id = scored_posts.run_id
        and previous.site = scored_posts.site
),

compared as (
    select
        coalesce(cur.run_id, prev.compared_run_id) as run_id,
        coalesce(cur.previous_run_id, prev.run_id) as previous_run_id,
        coalesce(cur.site, prev.site) as site,
        coalesce(cur.url, prev.url) as url,
        coalesce(cur.title, prev.title) as title,
        cur.url is not null as in_current,
        prev.url is not null as in_previous,
        cur.audit_score,
        prev.audit_score as previous_audit_score,
        cur.n_findings,
        prev.n_findings as previous_n_findings
    from current_posts as cur
    full outer join previous_posts as prev
        on prev.compared_run_id = cur.run_id
        and prev.site = cur.site
        and prev.url = cur.url
)

select
    run_id,
    previous_run_id,
    site,
    url,
    title,
    case
        when not in_previous then 'new'
        when not in_current then 'removed'
        when audit_score is distinct from previous_audit_score then 'score_changed'
        else 'unchanged'
    end as change,
    audit_score,
    previous_audit_score,
    audit_score - previous_audit_score as score_delta,
    n_findings,
    previous_n_findings
from compared;
