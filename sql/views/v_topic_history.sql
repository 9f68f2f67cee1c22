-- One row per topic id and run it appears in, in run order: how a topic's size and terms move
-- across runs (topic ids are stable across runs; see topics.previous_similarity).
create or replace view v_topic_history as
select
    topics.topic_id,
    topics.run_id,
    runs.started_at,
    topics.parent_id,
    topics.label,
    cast(topics.size as bigint) as size,
    cast(round(topics.previous_similarity, 3) as double) as previous_similarity,
    cast(topics.size as bigint) - lag(topics.size) over (
        partition by topics.topic_id order by runs.started_at nulls first, topics.run_id
    ) as size_change
from topics
left join runs using (run_id);

comment on view v_topic_history is
    'A topic id across runs: one row per topic or subtopic and run it appears in (unordered: order '
    'by topic_id, started_at), with its label, size and size change. Topic ids are stable across runs '
    '(topics.previous_similarity). A run without the topic has no row. Grain: topic x run. '
    'Key: (topic_id, run_id).';
comment on column v_topic_history.topic_id is 'The topic or subtopic (topics.topic_id), stable across runs.';
comment on column v_topic_history.run_id is 'The run (runs.run_id).';
comment on column v_topic_history.started_at is 'The run''s crawl start (runs.started_at); orders the runs.';
comment on column v_topic_history.parent_id is
    'For a subtopic, its broad topic (topics.topic_id); null for a broad topic.';
comment on column v_topic_history.label is 'The topic''s top terms in that run, comma-separated.';
comment on column v_topic_history.size is 'Posts assigned to the topic in that run (topics.size).';
comment on column v_topic_history.previous_similarity is
    'Cosine similarity of the topic''s term centroid to the previous run''s topic of the same id '
    '(1 = unchanged); null for a new topic or with no previous run. That previous run is the topics '
    'stage''s (the last finished), not necessarily the preceding row here.';
comment on column v_topic_history.size_change is
    'size minus the size on the preceding row of the same topic_id (the last earlier run it appears '
    'in, by started_at then run_id); null on its first row.';
