-- Findings fixed since the previous run of each site (a finding on a post no longer crawled
-- counts as fixed), with the post they were on.
select changes.site, changes.kind, changes.severity, changes.evidence, posts.title, posts.url
from v_finding_changes as changes
left join posts
    on posts.run_id = changes.previous_run_id
    and posts.post_id = changes.post_id
where changes.run_id = (select run_id from v_latest_run)
    and changes.change = 'fixed'
order by changes.site, changes.kind, posts.url;
