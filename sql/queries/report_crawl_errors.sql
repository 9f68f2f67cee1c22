-- Failed URLs of the run, each with the pages that link to it (the first three, and how many
-- in all): a broken link is fixed on the page that carries it.
with sources as (
    select
        site,
        target_url,
        count(*) as inlinks,
        list(
            struct_pack(url := source_url, title := source_title, anchor := anchor_text)
            order by source_url
        )[1:3] as linked_from
    from v_broken_links
    where run_id = $run_id
    group by site, target_url
)

select
    pages.site,
    pages.url,
    pages.status,
    pages.error_class,
    pages.error_message,
    coalesce(sources.inlinks, 0) as inlinks,
    coalesce(sources.linked_from, []) as linked_from
from pages
left join sources
    on sources.site = pages.site
    and sources.target_url = pages.url
where pages.run_id = $run_id
    and not pages.ok
order by coalesce(sources.inlinks, 0) desc, pages.site, pages.error_class, pages.url
limit $limit;
