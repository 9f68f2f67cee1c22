-- Every post across every succeeded run of its site, matched by (site, post_key): one row per
-- post and run it appears in, with what changed since the post's previous appearance. The
-- answer to "how did this post (or this site) move over all runs", and, filtered to two runs,
-- "what changed between them".
create or replace view v_post_history as
with appearances as (
    select
        posts.site,
        coalesce(posts.post_key, posts.url) as post_key,
        posts.run_id,
        runs.started_at,
        posts.post_id,
        posts.url,
        posts.title,
        posts.text_hash,
        cast(round(post_scores.audit_score, 1) as double) as audit_score,
        cast(coalesce(post_scores.n_findings, 0) as bigint) as findings
    from posts
    join runs
        on runs.run_id = posts.run_id
        and runs.status = 'succeeded'
    left join post_scores
        on post_scores.run_id = posts.run_id
        and post_scores.post_id = posts.post_id
)

select
    site,
    post_key,
    run_id,
    started_at,
    post_id,
    url,
    title,
    audit_score,
    findings,
    lag(run_id) over history as previous_appearance_run_id,
    audit_score - lag(audit_score) over history as score_delta,
    findings - lag(findings) over history as findings_delta,
    coalesce(text_hash is distinct from lag(text_hash) over history, false)
        and lag(run_id) over history is not null as text_changed,
    cast(row_number() over history as bigint) as appearance,
    min(started_at) over (partition by site, post_key) as first_seen,
    max(started_at) over (partition by site, post_key) as last_seen
from appearances
window history as (partition by site, post_key order by started_at nulls first, run_id);

comment on view v_post_history is
    'Each post across all succeeded runs of its site, matched by (site, post_key) so that a host, '
    'scheme, port or trailing-slash change is the same post: one row per post and run it appears '
    'in, with the change since its previous appearance. Trends: group by site and run; two runs: '
    'filter run_id in (a, b). Grain: site x post_key x run. Key: (site, post_key, run_id).';
comment on column v_post_history.site is 'The site (sites.site).';
comment on column v_post_history.post_key is 'The post''s identity across runs (posts.post_key).';
comment on column v_post_history.run_id is 'A succeeded run the post appears in (runs.run_id).';
comment on column v_post_history.started_at is 'That run''s crawl start (runs.started_at); orders the history.';
comment on column v_post_history.post_id is 'The post''s id in that run (posts.post_id; it changes when the URL changes).';
comment on column v_post_history.url is 'The post''s URL in that run.';
comment on column v_post_history.title is 'The post''s title in that run.';
comment on column v_post_history.audit_score is 'Audit score 0-100 in that run, one decimal; null when unscored.';
comment on column v_post_history.findings is 'Findings on the post in that run.';
comment on column v_post_history.previous_appearance_run_id is
    'The run the post last appeared in before this one (not always the site''s previous run: a '
    'post can be missing from a run); null at its first appearance.';
comment on column v_post_history.score_delta is 'audit_score minus its value at the previous appearance; null at the first.';
comment on column v_post_history.findings_delta is 'findings minus its value at the previous appearance; null at the first.';
comment on column v_post_history.text_changed is 'The main text''s hash differs from the previous appearance; false at the first.';
comment on column v_post_history.appearance is 'The post''s 1st, 2nd, ... appearance over the runs.';
comment on column v_post_history.first_seen is 'Crawl start of the first run the post appears in.';
comment on column v_post_history.last_seen is 'Crawl start of the last run the post appears in.';
