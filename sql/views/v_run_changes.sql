-- For each run and site, compare posts (by post_key: the path of the canonical URL, so a host,
-- scheme, port or trailing-slash change is the same post) with the previous run that crawled the
-- same site: new, removed, score changed, text changed or unchanged. A site's first run has no rows.
create or replace view v_run_changes as
with previous as (
    select run_id, site, previous_run_id from v_site_runs
),

scored_posts as (
    select
        posts.run_id,
        posts.site,
        posts.url,
        coalesce(posts.post_key, posts.url) as post_key,
        posts.text_hash,
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
        prev.url as previous_url,
        coalesce(cur.post_key, prev.post_key) as post_key,
        coalesce(cur.title, prev.title) as title,
        cur.url is not null as in_current,
        prev.url is not null as in_previous,
        cur.text_hash is distinct from prev.text_hash as text_changed,
        cur.audit_score,
        prev.audit_score as previous_audit_score,
        cur.n_findings,
        prev.n_findings as previous_n_findings
    from current_posts as cur
    full outer join previous_posts as prev
        on prev.compared_run_id = cur.run_id
        and prev.site = cur.site
        and prev.post_key = cur.post_key
)

select
    run_id,
    previous_run_id,
    site,
    url,
    previous_url,
    post_key,
    title,
    case
        when not in_previous then 'new'
        when not in_current then 'removed'
        when audit_score is distinct from previous_audit_score then 'score_changed'
        when text_changed then 'text_changed'
        else 'unchanged'
    end as change,
    cast(round(audit_score, 1) as double) as audit_score,
    cast(round(previous_audit_score, 1) as double) as previous_audit_score,
    cast(round(audit_score - previous_audit_score, 1) as double) as score_delta,
    cast(n_findings as bigint) as n_findings,
    cast(previous_n_findings as bigint) as previous_n_findings
from compared;

comment on view v_run_changes is
    'Posts of a run compared by post_key (the path of the canonical URL: a move to another host, '
    'scheme, port or a trailing slash is the same post) with the previous succeeded run of the '
    'same site: new, removed, score_changed, text_changed or unchanged. Grain: run x site x post '
    '(removed posts carry the previous run''s values). Key: (run_id, site, post_key). A site''s first succeeded run has no rows here '
    '(unlike v_finding_changes, where its findings are all new).';
comment on column v_run_changes.run_id is
    'The run (runs.run_id); for a removed post, the run it is missing from.';
comment on column v_run_changes.previous_run_id is
    'The previous succeeded run of the site (by started_at, then run_id); never null here.';
comment on column v_run_changes.site is 'The site (sites.site).';
comment on column v_run_changes.url is 'The post''s URL in this run (in the previous run for a removed post).';
comment on column v_run_changes.previous_url is
    'The post''s URL in the previous run; differs from url when the site moved (host, scheme, port).';
comment on column v_run_changes.post_key is 'The comparison key (posts.post_key).';
comment on column v_run_changes.title is
    'The post''s title in this run (in the previous run for a removed post).';
comment on column v_run_changes.change is
    'new (post_key not in the previous run), removed (only in the previous run), score_changed '
    '(audit_score differs, nulls compared), text_changed (same score, main text hash differs) or '
    'unchanged (same score and text; see v_finding_changes for findings).';
comment on column v_run_changes.audit_score is
    'Audit score 0-100 in this run (post_scores.audit_score); null for a removed or unscored post.';
comment on column v_run_changes.previous_audit_score is
    'Audit score 0-100 in the previous run; null for a new or unscored post.';
comment on column v_run_changes.score_delta is
    'audit_score - previous_audit_score: positive = improved; null unless both scores are known.';
comment on column v_run_changes.n_findings is
    'Findings on the post in this run (post_scores.n_findings); null for a removed post.';
comment on column v_run_changes.previous_n_findings is
    'Findings on the post in the previous run; null for a new post.';
