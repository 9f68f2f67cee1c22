-- Derived by the load from duplicate_members, so a group's size and canonical post are stored
-- once instead of being recomputed by every reader.
create table duplicate_groups (
    run_id varchar not null,
    group_id varchar not null,
    canonical_post_id varchar,
    size integer not null,
    n_sites integer not null,
    canonical_rule varchar,
    primary key (run_id, group_id)
);

comment on table duplicate_groups is
    'Groups of duplicate posts with the post chosen as canonical. '
    'Grain: one row per run and group. Key: (run_id, group_id).';
comment on column duplicate_groups.run_id is 'The run (runs.run_id).';
comment on column duplicate_groups.group_id is 'Group id assigned by dedup.';
comment on column duplicate_groups.canonical_post_id is 'The post kept as the original (posts.post_id).';
comment on column duplicate_groups.size is 'Posts in the group, canonical included.';
comment on column duplicate_groups.n_sites is 'Distinct sites the group spans (>1 means syndication).';
comment on column duplicate_groups.canonical_rule is
    'How the canonical was chosen: rel_canonical | earliest_published | first_seen.';
