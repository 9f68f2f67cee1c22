-- The run's findings for the report's findings table (all posts: $post_ids null) or for the
-- cards of the listed posts: critical first, then warnings, then notes; within a severity the
-- detector's most confident first. `total` counts the rows before the limit, so a page that
-- shows fewer can say so.
select
    findings.finding_id,
    findings.post_id,
    findings.site,
    posts.url,
    posts.title,
    findings.kind,
    findings.severity,
    findings.score,
    findings.message,
    findings.evidence,
    findings.fix_hint,
    count(*) over () as total
from findings
join posts using (run_id, post_id)
where findings.run_id = $run_id
    and ($post_ids is null or list_contains($post_ids, findings.post_id))
order by
    case findings.severity when 'critical' then 0 when 'warning' then 1 else 2 end,
    findings.score desc nulls last,
    posts.url,
    findings.finding_id
limit $limit;
