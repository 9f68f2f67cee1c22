-- "What to fix first": the lowest-scoring posts that have findings, each with its worst findings.
with ranked_findings as (
    select
        *,
        row_number() over (
            partition by post_id order by severity_rank desc, score desc, finding_id
        ) as finding_rank
    from v_post_findings
    where run_id = $run_id
),

top_findings as (
    select
        post_id,
        list(
            struct_pack(
                kind := kind,
                severity := severity,
                message := message,
                evidence := evidence,
                fix_hint := fix_hint
            )
            order by finding_rank
        ) as findings
    from ranked_findings
    where finding_rank <= $findings_per_post
    group by post_id
)

select
    posts.post_id,
    posts.site,
    posts.title,
    posts.url,
    post_scores.audit_score,
    post_scores.n_findings,
    top_findings.findings
from post_scores
join posts
    on posts.run_id = post_scores.run_id
    and posts.post_id = post_scores.post_id
join top_findings
    on top_findings.post_id = post_scores.post_id
where post_scores.run_id = $run_id
order by post_scores.audit_score, post_scores.n_findings desc, posts.url
limit $limit;
