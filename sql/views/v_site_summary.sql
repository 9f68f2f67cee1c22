-- One row per run and site: the per-site table of the report, and the first query an analyst runs.
create or replace view v_site_summary as
with page_stats as (
    select
        run_id,
        site,
        count(*) as pages,
        count(*) filter (where ok) as pages_ok,
        count(*) filter (where not ok) as errors
    from pages
    group by run_id, site
),

post_stats as (
    select
        run_id,
        site,
        count(*) as posts,
        avg(word_count) as avg_words,
        -- word-weighted, so a few short pages cannot dominate the site's share
        sum(boilerplate_words) / nullif(sum(page_words), 0) as boilerplate_share
    from posts
    group by run_id, site
),

finding_stats as (
    select
        run_id,
        site,
        count(*) as findings,
        count(*) filter (where severity = 'critical') as findings_critical,
        count(*) filter (where severity = 'warning') as findings_warning,
        count(*) filter (where severity = 'info') as findings_info,
        count(distinct post_id) as posts_with_findings
    from findings
    group by run_id, site
),

-- Copies only: the canonical member of a group is the original, not a duplicate.
duplicate_stats as (
    select
        duplicate_members.run_id,
        posts.site,
        count(distinct duplicate_members.post_id) as duplicate_posts
    from duplicate_members
    join posts
        on posts.run_id = duplicate_members.run_id
        and posts.post_id = duplicate_members.post_id
    where not duplicate_members.is_canonical
    group by duplicate_members.run_id, posts.site
),

score_stats as (
    select
        post_scores.run_id,
        posts.site,
        avg(post_scores.audit_score) as avg_audit_score
    from post_scores
    join posts
        on posts.run_id = post_scores.run_id
        and posts.post_id = post_scores.post_id
    group by post_scores.run_id, posts.site
)

select
    sites.run_id,
    sites.site,
    sites.url,
    coalesce(page_stats.pages, 0) as pages,
    coalesce(page_stats.pages_ok, 0) as pages_ok,
    coalesce(page_stats.errors, 0) as errors,
    coalesce(post_stats.posts, 0) as posts,
    post_stats.avg_words,
    post_stats.boilerplate_share,
    coalesce(finding_stats.findings, 0) as findings,
    coalesce(finding_stats.findings_critical, 0) as findings_critical,
    coalesce(finding_stats.findings_warning, 0) as findings_warning,
    coalesce(finding_stats.findings_info, 0) as findings_info,
    coalesce(finding_stats.posts_with_findings, 0) as posts_with_findings,
    coalesce(duplicate_stats.duplicate_posts, 0) as duplicate_posts,
    score_stats.avg_audit_score
from sites
left join page_stats using (run_id, site)
left join post_stats using (run_id, site)
left join finding_stats using (run_id, site)
left join duplicate_stats using (run_id, site)
left join score_stats using (run_id, site);
