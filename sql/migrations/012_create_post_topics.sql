create table post_topics (
    run_id varchar not null,
    post_id varchar not null,
    topic_id integer not null,
    confidence real,
    x real,
    y real,
    primary key (run_id, post_id)
);

comment on table post_topics is
    'Topic assignment and 2-D map position of each post. '
    'Grain: one row per run and post. Key: (run_id, post_id).';
comment on column post_topics.run_id is 'The run (runs.run_id).';
comment on column post_topics.post_id is 'The post (posts.post_id).';
comment on column post_topics.topic_id is 'The topic (topics.topic_id); -1 = outlier.';
comment on column post_topics.confidence is 'Strength of the assignment, 0-1.';
comment on column post_topics.x is 'Map x coordinate for the report.';
comment on column post_topics.y is 'Map y coordinate for the report.';
