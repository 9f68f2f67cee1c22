create table topics (
    run_id varchar not null,
    topic_id integer not null,
    label varchar,
    terms varchar[],
    size integer,
    representative_post_ids varchar[],
    primary key (run_id, topic_id)
);

comment on table topics is
    'Topic clusters of the run''s posts. Grain: one row per run and topic. Key: (run_id, topic_id).';
comment on column topics.run_id is 'The run (runs.run_id).';
comment on column topics.topic_id is 'Topic number within the run; not comparable across runs.';
comment on column topics.label is 'Short label built from the top terms.';
comment on column topics.terms is 'Top terms of the topic, most characteristic first.';
comment on column topics.size is 'Posts assigned to the topic.';
comment on column topics.representative_post_ids is 'Posts closest to the topic centre (posts.post_id).';
