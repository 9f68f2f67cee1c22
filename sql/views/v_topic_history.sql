-- One row per topic id and run it appears in, in run order: how a topic's size and terms move
-- across runs (topic ids are stable across runs; see topics.previous_similarity).
create or replace view v_topic_history as
select
    topics.topic_id,
    topics.run_id,
    runs.started_at,
    topics.parent_id,
    topics.label,
    topics.size,
    topics.previous_similarity,
    topics.size - lag(topics.size) over (
        partition by topics.topic_id order by runs.started_at nulls first, topics.run_id
    ) as size_change
from topics
left join runs using (run_id)
order by topics.topic_id, runs.started_at nulls first, topics.run_id;
