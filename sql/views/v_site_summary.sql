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

comment on view v_site_summary is
    'One row per run and site: crawl outcome, posts, words, boilerplate share, findings by severity, '
    'duplicate copies and average audit score; the per-site table of the report. Grain: run x site. '
    'Key: (run_id, site). pages and errors count every URL the crawl attempted or refused, '
    'robots.txt, sitemaps and feeds included, not only HTML pages.';
comment on column v_site_summary.run_id is 'The run (runs.run_id).';
comment on column v_site_summary.site is 'The site (sites.site).';
comment on column v_site_summary.url is
    'The site''s start URL from the config (sites.url); null if the site is not in the run config.';
comment on column v_site_summary.pages is
    'URLs attempted on the site (rows of pages): pages, robots.txt, sitemaps and feeds, and URLs '
    'refused without a request (robots.txt disallow, private address).';
comment on column v_site_summary.pages_ok is
    'Of pages, the URLs fetched with a usable body (pages.ok), 304 Not Modified revisits included.';
comment on column v_site_summary.errors is
    'Of pages, every row with ok = false (= pages - pages_ok), whatever its error_class: URLs never '
    'requested because robots.txt disallowed them (robots_disallowed) or they are private '
    'addresses, failed fetches of robots.txt, sitemaps and feeds (e.g. a 404 on /sitemap.xml), HTTP '
    'errors, timeouts, out-of-scope redirects, unsupported content types, decode errors. Not only '
    'broken pages: group pages by error_class to tell them apart.';
comment on column v_site_summary.posts is 'Posts extracted from the site (rows of posts).';
comment on column v_site_summary.avg_words is
    'Mean main-text words per post (posts.word_count, boilerplate excluded); null when no posts.';
comment on column v_site_summary.boilerplate_share is
    'Word-weighted boilerplate share of the site''s posts: sum(boilerplate_words) / sum(page_words), '
    '0-1 (not the mean of the posts'' shares); null when no posts or no words.';
comment on column v_site_summary.findings is 'Findings on the site''s posts, all severities.';
comment on column v_site_summary.findings_critical is 'Findings of severity critical.';
comment on column v_site_summary.findings_warning is 'Findings of severity warning.';
comment on column v_site_summary.findings_info is 'Findings of severity info.';
comment on column v_site_summary.posts_with_findings is
    'Distinct posts of the site with at least one finding.';
comment on column v_site_summary.duplicate_posts is
    'Posts of the site that are copies: non-canonical members of a duplicate group (the canonical '
    'original is not counted), counted on the copy''s site.';
comment on column v_site_summary.avg_audit_score is
    'Mean audit score 0-100 of the site''s scored posts (post_scores.audit_score), one per post, '
    'unrounded; null when no post is scored.';
