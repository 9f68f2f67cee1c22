create table duplicate_pairs (
    run_id varchar not null,
    post_id_a varchar not null,
    post_id_b varchar not null,
    similarity real,
    match_kind varchar,
    primary key (run_id, post_id_a, post_id_b)
);

comment on table duplicate_pairs is
    'Verified duplicate post pairs found by dedup (MinHash candidates checked by exact Jaccard). '
    'Grain: one row per run and unordered pair. Key: (run_id, post_id_a, post_id_b).';
comment on column duplicate_pairs.run_id is 'The run (runs.run_id).';
comment on column duplicate_pairs.post_id_a is 'One post of the pair (posts.post_id).';
comment on column duplicate_pairs.post_id_b is 'The other post of the pair (posts.post_id).';
comment on column duplicate_pairs.similarity is 'Verified Jaccard similarity of word shingles, 0-1.';
comment on column duplicate_pairs.match_kind is 'exact (same text hash) | near.';
