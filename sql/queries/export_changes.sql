-- changes.csv: every post new, removed or changed since each site's previous run, and every
-- finding new or fixed since then (kind says which).
select
    'post' as kind,
    changes.change,
    changes.site,
    changes.title,
    changes.url,
    changes.previous_audit_score,
    changes.audit_score,
    changes.score_delta,
    cast(null as varchar) as finding_kind,
    cast(null as varchar) as severity,
    cast(null as varchar) as evidence,
    changes.previous_run_id
from v_run_changes as changes
where changes.run_id = $run_id
    and changes.change <> 'unchanged'
union all
select
    'finding' as kind,
    fc.change,
    fc.site,
    posts.title,
    posts.url,
    null,
    null,
    null,
    fc.kind,
    fc.severity,
    fc.evidence,
    fc.previous_run_id
from v_finding_changes as fc
left join posts
    on posts.run_id = case fc.change when 'fixed' then fc.previous_run_id else fc.run_id end
    and posts.post_id = fc.post_id
where fc.run_id = $run_id
    and fc.previous_run_id is not null
    and fc.change <> 'persisting'
order by kind desc, change, site, url
