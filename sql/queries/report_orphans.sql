-- Posts that no other page of their site links to (v_orphan_posts), with their score; `total`
-- is the run's count, so a page that shows fewer can say so.
select
    orphans.post_id,
    orphans.site,
    orphans.url,
    orphans.title,
    orphans.discovered_via,
    post_scores.audit_score,
    count(*) over () as total
from v_orphan_posts as orphans
left join post_scores
    on post_scores.run_id = orphans.run_id
    and post_scores.post_id = orphans.post_id
where orphans.run_id = $run_id
order by orphans.site, orphans.url
limit $limit;
