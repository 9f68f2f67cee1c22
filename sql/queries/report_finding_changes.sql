-- Findings new or fixed since each site's previous run, problems (critical, warning) before
-- notes; a fixed finding shows its post as the previous run had it. `total` counts them all.
select
    fc.change,
    fc.site,
    fc.kind,
    fc.severity,
    fc.evidence,
    fc.post_id,
    posts.url,
    posts.title,
    count(*) over () as total
from v_finding_changes as fc
left join posts
    on posts.run_id = case fc.change when 'fixed' then fc.previous_run_id else fc.run_id end
    and posts.post_id = fc.post_id
where fc.run_id = $run_id
    and fc.previous_run_id is not null
    and fc.change <> 'persisting'
order by
    case fc.severity when 'critical' then 0 when 'warning' then 1 else 2 end,
    fc.change,
    fc.site,
    posts.url,
    fc.kind
limit $limit;
