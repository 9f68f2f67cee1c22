create table dedup_signatures (
    run_id varchar not null,
    post_id varchar not null,
    content_hash varchar not null,
    scheme varchar not null,
    n_shingles integer not null,
    set_digest bigint not null,
    signature blob not null,
    primary key (run_id, post_id, scheme)
);

comment on table dedup_signatures is
    'MinHash signatures of the texts dedup compared. A later run reuses them for posts whose '
    'compared text is unchanged (same post_id and content_hash): they are not tokenized, hashed '
    'or signed again. Grain: one row per run, post and scheme. Key: (run_id, post_id, scheme).';
comment on column dedup_signatures.run_id is 'The run (runs.run_id).';
comment on column dedup_signatures.post_id is 'The post (posts.post_id).';
comment on column dedup_signatures.content_hash is
    'sha1 of the normalized compared text (main text without boilerplate blocks).';
comment on column dedup_signatures.scheme is
    'Shingle size, signature slots, seed and hash version; signatures compare only within one.';
comment on column dedup_signatures.n_shingles is 'Distinct word shingles of the compared text.';
comment on column dedup_signatures.set_digest is
    '64-bit digest of the shingle set: equal digests are identical sets (exact duplicates).';
comment on column dedup_signatures.signature is 'The slots, little-endian unsigned 64-bit each.';
