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
    cast(topics.size as bigint) as size,
    coalesce(assigned.posts, 0) as posts,
    coalesce(assigned.n_sites, 0) as n_sites,
    assigned.avg_confidence,
    assigned.avg_audit_score,
    coalesce(representative_titles.representatives, []) as representatives
from topics
left join assigned using (run_id, topic_id)
left join representative_titles using (run_id, topic_id);

comment on view v_topic_summary is
    'Topics and subtopics of a run (parent_id not null = subtopic) with their assigned posts counted, '
    'sites, mean confidence and audit score, and representative posts in rank order. A post counts '
    'in its topic and again in its subtopic: sum posts over rows with parent_id null only. Outlier '
    'posts (topic_id -1) have no row here. Grain: run x topic. Key: (run_id, topic_id).';
comment on column v_topic_summary.run_id is 'The run (runs.run_id).';
comment on column v_topic_summary.topic_id is 'The topic or subtopic (topics.topic_id), stable across runs.';
comment on column v_topic_summary.parent_id is
    'For a subtopic, its broad topic (topics.topic_id); null for a broad topic.';
comment on column v_topic_summary.label is 'Short label: the top terms, comma-separated.';
comment on column v_topic_summary.terms is 'Top terms of the topic, most characteristic first.';
comment on column v_topic_summary.size is 'Posts assigned to the topic by the topics stage (topics.size).';
comment on column v_topic_summary.posts is
    'Posts assigned to it in post_topics (topic_id, or subtopic_id for a subtopic); 0 when none.';
comment on column v_topic_summary.n_sites is 'Distinct sites of those posts.';
comment on column v_topic_summary.avg_confidence is
    'Mean assignment confidence of those posts (post_topics.confidence, 0-1). There is no subtopic '
    'confidence: a subtopic''s value averages its posts'' broad-topic confidence.';
comment on column v_topic_summary.avg_audit_score is
    'Mean audit score 0-100 of those posts (post_scores.audit_score), unrounded; null when none is scored.';
comment on column v_topic_summary.representatives is
    'Representative posts, closest to the centroid first: a list of struct(title, url); ids missing '
    'from posts are dropped; empty list when none. Titles are scraped text: escape before display.';
