-- Posts no other page of their site links to in the run: readers and search engines reach them
-- only through the sitemap or a feed. Meaningful when the crawl followed links (crawl depth
-- above 0); a site crawled from its sitemap alone has every post orphaned by construction.
create or replace view v_orphan_posts as
with inlinks as (
    select run_id, site, target_url, count(distinct source_url) as n
    from links
    group by run_id, site, target_url
),

crawled_links as (
    select run_id, site, count(*) as n from links group by run_id, site
)

select
    posts.run_id,
    posts.site,
    posts.post_id,
    posts.url,
    posts.title,
    page.discovered_via
from posts
join pages as page
    on page.run_id = posts.run_id
    and page.site = posts.site
    and page.url = posts.url
-- Only sites whose pages' links were recorded: no links at all says nothing about orphans.
join crawled_links
    on crawled_links.run_id = posts.run_id
    and crawled_links.site = posts.site
left join inlinks
    on inlinks.run_id = posts.run_id
    and inlinks.site = posts.site
    and inlinks.target_url = posts.url
where inlinks.n is null;

comment on view v_orphan_posts is
    'Posts that no other page of their site links to in the run (found only through the '
    'sitemap, a feed or the start URL). Sites with no recorded link are left out. '
    'Grain: run x post. Key: (run_id, post_id).';
comment on column v_orphan_posts.run_id is 'The run (runs.run_id).';
comment on column v_orphan_posts.site is 'The site (sites.site).';
comment on column v_orphan_posts.post_id is 'The post (posts.post_id).';
comment on column v_orphan_posts.url is 'The post''s URL.';
comment on column v_orphan_posts.title is 'Its title (scraped text).';
comment on column v_orphan_posts.discovered_via is 'How the crawl found it: sitemap, feed or start.';
