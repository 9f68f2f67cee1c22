-- Topic ids persist across runs (the topics stage matches a run's topics to the previous run's by
-- centroid similarity), and posts of one site competing for one query are recorded. The added
-- column is null for rows loaded before this migration.
alter table topics add column previous_similarity real;

comment on column topics.topic_id is
    'Topic id, stable across runs: a topic matched to the previous run''s keeps its id; '
    'a new topic gets an id never used before.';
comment on column topics.previous_similarity is
    'Cosine similarity of the topic''s term centroid to the previous run''s topic with the same '
    'id (1 = unchanged); null for a new topic or when there was no previous run.';

create table topic_cannibalization (
    run_id varchar not null,
    site varchar not null,
    topic_id integer not null,
    post_id_a varchar not null,
    post_id_b varchar not null,
    text_similarity real not null,
    title_overlap real not null,
    score real not null,
    shared_terms varchar[],
    primary key (run_id, post_id_a, post_id_b)
);

comment on table topic_cannibalization is
    'Pairs of posts of one site in one topic whose texts and title key terms overlap strongly: '
    'two posts competing for one search query. Grain: one row per run and pair. '
    'Key: (run_id, post_id_a, post_id_b), post_id_a < post_id_b.';
comment on column topic_cannibalization.run_id is 'The run (runs.run_id).';
comment on column topic_cannibalization.site is 'The site both posts are on (sites.name).';
comment on column topic_cannibalization.topic_id is 'Their topic (topics.topic_id).';
comment on column topic_cannibalization.post_id_a is 'One post (posts.post_id), the smaller id.';
comment on column topic_cannibalization.post_id_b is 'The other post (posts.post_id).';
comment on column topic_cannibalization.text_similarity is
    'Cosine similarity of the two main texts'' TF-IDF vectors, 0-1.';
comment on column topic_cannibalization.title_overlap is
    'Shared title key terms over the shorter title''s key terms (overlap coefficient), 0-1.';
comment on column topic_cannibalization.score is 'Mean of text_similarity and title_overlap; pairs sort by it.';
comment on column topic_cannibalization.shared_terms is 'The title key terms both titles contain (stemmed).';
