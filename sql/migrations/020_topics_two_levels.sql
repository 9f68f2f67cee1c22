-- Topics have two levels (issue 19): broad topics, and subtopics within the large ones. A
-- subtopic is a row of topics like any topic, with parent_id naming its topic; posts carry both.
-- The added columns are null for rows loaded before this migration (one level then).
alter table topics add column parent_id integer;
alter table post_topics add column subtopic_id integer;

comment on column topics.parent_id is
    'For a subtopic, the topic it belongs to (topics.topic_id of the same run); null for a '
    'broad topic. Topics and subtopics share one id space and keep their ids across runs alike.';
comment on column post_topics.subtopic_id is
    'The post''s subtopic (topics.topic_id, a row whose parent_id is this post''s topic_id); '
    'null when the topic has no subtopics or the post is an outlier.';
