-- Biggest and most widely syndicated groups first.
select
    group_id,
    canonical_site,
    canonical_title,
    canonical_url,
    canonical_rule,
    size,
    n_sites,
    members
from v_duplicate_groups
where run_id = $run_id
order by size desc, n_sites desc, canonical_url
limit $limit;
