-- Fetched HTML pages that did not become posts, per site and reason, with up to three example
-- URLs each: what the audit left out and why (pages.page_type / pages.reason from extract).
with left_out as (
    select
        site,
        coalesce(reason, page_type) as reason,
        url,
        row_number() over (partition by site, coalesce(reason, page_type) order by url) as n
    from pages
    where run_id = $run_id
        and ok
        and page_type is not null
        and page_type <> 'post'
)

select
    site,
    reason,
    count(*) as pages,
    list(url order by url) filter (where n <= $examples) as examples
from left_out
group by site, reason
order by site, pages desc, reason;
