-- Topics and subtopics (parent_id not null) with their assigned posts counted, and
-- representative post titles in rank order. A post counts in its topic and in its subtopic.
create or replace view v_topic_summary as
with post_levels as (
    select run_id, post_id, topic_id, confidence from post_topics
    union all
    select run_id, post_id, subtopic_id as topic_id, confidence
    from post_topics
    where subtopic_id is not null
),

assigned as (
    select
        post_levels.run_id,
        post_levels.topic_id,
        count(*) as posts,
        count(distinct posts.site) as n_sites,
        avg(post_levels.confidence) as avg_confidence,
        avg(post_scores.audit_score) as avg_audit_score
    from post_levels
    left join posts
        on posts.run_id = post_levels.run_id
        and posts.post_id = post_levels.post_id
    left join post_scores
        on post_scores.run_id = post_levels.run_id
        and post_scores.post_id = post_levels.post_id
    group by post_levels.run_id, post_levels.topic_id
),

-- unnest with its ordinal keeps the topic stage's ranking of representatives
representatives as (
    select
        topics.run_id,
        topics.topic_id,
        unnest(topics.representative_post_ids) as post_id,
        generate_subscripts(topics.representative_post_ids, 1) as rank
    from topics
),

representative_titles as (
    select
        representatives.run_id,
        representatives.topic_id,
        list(
            struct_pack(title := posts.title, url := posts.url) order by representatives.rank
        ) as representatives
    from representatives
    join posts
        on posts.run_id = representatives.run_id
        and posts.post_id = representatives.post_id
    group by representatives.run_id, representatives.topic_id
)

select
    topics.run_id,
    topics.topic_id,
    topics.parent_id,
    topics.label,
    topics.terms,
    topics.size,
    coalesce(assigned.posts, 0) as posts,
    coalesce(assigned.n_sites, 0) as n_sites,
    assigned.avg_confidence,
    assigned.avg_audit_score,
    coalesce(representative_titles.representatives, []) as representatives
from topics
left join assigned using (run_id, topic_id)
left join representative_titles using (run_id, topic_id);
