-- "What to fix first": the lowest-scoring posts that have findings, each with its worst findings.
-- One example per kind comes before a second of any kind, so a post with ten promo blocks and one
-- keyword-stuffing finding shows both problems, not three promo blocks; what is not shown is
-- summed per kind in `more_findings`.
with ranked_findings as (
    select
        *,
        row_number() over (
            partition by post_id, kind order by severity_rank desc, score desc, finding_id
        ) as kind_rank
    from v_post_findings
    where run_id = $run_id
),

post_ranked_findings as (
    select
        *,
        row_number() over (
            partition by post_id
            order by kind_rank, severity_rank desc, score desc, kind, finding_id
        ) as finding_rank
    from ranked_findings
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
    from post_ranked_findings
    where finding_rank <= $findings_per_post
    group by post_id
),

hidden_by_kind as (
    select
        post_id,
        kind,
        count(*) as n
    from post_ranked_findings
    where finding_rank > $findings_per_post
    group by post_id, kind
),

hidden_findings as (
    select
        post_id,
        list(struct_pack(kind := kind, n := n) order by n desc, kind) as more_findings
    from hidden_by_kind
    group by post_id
)

select
    posts.post_id,
    posts.site,
    posts.title,
    posts.url,
    post_scores.audit_score,
    post_scores.n_findings,
    top_findings.findings,
    coalesce(hidden_findings.more_findings, []) as more_findings,
    -- A copy says so on its card: fixing the canonical post may be the better move.
    case when not members.is_canonical then groups.canonical_url end as copy_of_url,
    case when not members.is_canonical then groups.canonical_title end as copy_of_title
from post_scores
join posts
    on posts.run_id = post_scores.run_id
    and posts.post_id = post_scores.post_id
join top_findings
    on top_findings.post_id = post_scores.post_id
left join hidden_findings
    on hidden_findings.post_id = post_scores.post_id
left join duplicate_members as members
    on members.run_id = post_scores.run_id
    and members.post_id = post_scores.post_id
left join v_duplicate_groups as groups
    on groups.run_id = members.run_id
    and groups.group_id = members.group_id
where post_scores.run_id = $run_id
order by post_scores.audit_score, post_scores.n_findings desc, posts.url
limit $limit;
