-- Each link to a URL the crawl could not fetch, with the page that carries it: what to edit to
-- fix a broken link. robots.txt exclusions are the site's choice, not broken links.
create or replace view v_broken_links as
select
    links.run_id,
    links.site,
    links.target_url,
    target.status,
    target.error_class,
    links.source_url,
    source_post.post_id as source_post_id,
    source_post.title as source_title,
    links.anchor_text
from links
join pages as target
    on target.run_id = links.run_id
    and target.site = links.site
    and target.url = links.target_url
left join posts as source_post
    on source_post.run_id = links.run_id
    and source_post.url = links.source_url
where not target.ok
    and coalesce(target.error_class, '') <> 'robots_disallowed';

comment on view v_broken_links is
    'Links to URLs the crawl could not fetch (robots.txt exclusions left out), each with the '
    'page that carries it and its anchor text. Grain: run x site x linking page x target. '
    'Key: (run_id, site, source_url, target_url).';
comment on column v_broken_links.run_id is 'The run (runs.run_id).';
comment on column v_broken_links.site is 'The site (sites.site).';
comment on column v_broken_links.target_url is 'The URL that failed (pages.url).';
comment on column v_broken_links.status is 'Its HTTP status; null when no response came.';
comment on column v_broken_links.error_class is 'Why it failed (pages.error_class).';
comment on column v_broken_links.source_url is 'The page carrying the link: edit it to fix the link.';
comment on column v_broken_links.source_post_id is 'The linking page''s post, when it is one.';
comment on column v_broken_links.source_title is 'That post''s title (scraped text).';
comment on column v_broken_links.anchor_text is 'The link''s text (scraped text).';
