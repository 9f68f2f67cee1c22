-- Sites come from the run's config (which carries the start URL) plus any site seen in pages,
-- so a site that fetched nothing still shows up with zero pages.
delete from sites where run_id = $run_id;

insert into sites by name
with configured as (
    select site.name as site, site.url
    from (
        select unnest(
            from_json(json_extract($config::json, '$.sites'), '[{"name": "VARCHAR", "url": "VARCHAR"}]')
        ) as site
    )
),

crawled as (
    select site, count(*) as pages
    from pages
    where run_id = $run_id
    group by site
),

extracted as (
    select site, count(*) as posts
    from posts
    where run_id = $run_id
    group by site
),

all_sites as (
    select site from configured
    union
    select site from crawled
)

select
    $run_id as run_id,
    all_sites.site,
    configured.url,
    coalesce(crawled.pages, 0) as pages,
    coalesce(extracted.posts, 0) as posts
from all_sites
left join configured using (site)
left join crawled using (site)
left join extracted using (site);
