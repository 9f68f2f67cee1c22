-- The report's first screen: the run's health score (the average audit score of its posts) and
-- the same figure over each site's previous succeeded run, findings by severity now and then,
-- and how many findings are new or fixed since (v_finding_changes, matched by finding_id).
with previous as (
    select site, previous_run_id
    from v_site_runs
    where run_id = $run_id
        and previous_run_id is not null
),

current_posts as (
    select
        avg(post_scores.audit_score) as health,
        count(*) as posts
    from post_scores
    where post_scores.run_id = $run_id
),

previous_posts as (
    select
        avg(post_scores.audit_score) as health,
        count(*) as posts
    from post_scores
    join posts using (run_id, post_id)
    join previous
        on previous.previous_run_id = posts.run_id
        and previous.site = posts.site
),

current_findings as (
    select
        count(*) filter (where severity = 'critical') as critical,
        count(*) filter (where severity = 'warning') as warning,
        count(*) filter (where severity = 'info') as info
    from findings
    where run_id = $run_id
),

previous_findings as (
    select
        count(*) filter (where severity = 'critical') as critical,
        count(*) filter (where severity = 'warning') as warning,
        count(*) filter (where severity = 'info') as info
    from findings
    join previous
        on previous.previous_run_id = findings.run_id
        and previous.site = findings.site
),

changes as (
    select
        count(*) filter (where change = 'new') as new_findings,
        count(*) filter (where change = 'fixed') as fixed_findings,
        count(*) filter (where change = 'new' and severity <> 'info') as new_problems,
        count(*) filter (where change = 'fixed' and severity <> 'info') as fixed_problems
    from v_finding_changes
    where run_id = $run_id
        and previous_run_id is not null
)

select
    current_posts.health,
    current_posts.posts,
    (select count(*) from previous) as sites_compared,
    previous_posts.health as previous_health,
    previous_posts.posts as previous_posts,
    current_findings.critical,
    current_findings.warning,
    current_findings.info,
    previous_findings.critical as previous_critical,
    previous_findings.warning as previous_warning,
    previous_findings.info as previous_info,
    changes.new_findings,
    changes.fixed_findings,
    changes.new_problems,
    changes.fixed_problems
from current_posts, previous_posts, current_findings, previous_findings, changes;
