create table post_scores (
    run_id varchar not null,
    post_id varchar not null,
    audit_score real,
    n_findings integer,
    boilerplate_share real,
    primary key (run_id, post_id)
);

comment on table post_scores is
    'Audit score of each post. Grain: one row per run and post. Key: (run_id, post_id).';
comment on column post_scores.run_id is 'The run (runs.run_id).';
comment on column post_scores.post_id is 'The post (posts.post_id).';
comment on column post_scores.audit_score is '0-100, 100 = no findings; lower = fix first.';
comment on column post_scores.n_findings is 'Findings on the post.';
comment on column post_scores.boilerplate_share is 'Share of the page words that are boilerplate, 0-1.';
