create table duplicate_members (
    run_id varchar not null,
    group_id varchar not null,
    post_id varchar not null,
    is_canonical boolean not null,
    match_kind varchar,
    relation varchar,
    similarity real,
    canonical_rule varchar,
    primary key (run_id, group_id, post_id)
);

comment on table duplicate_members is
    'Membership of posts in duplicate groups. '
    'Grain: one row per run, group and post. Key: (run_id, group_id, post_id).';
comment on column duplicate_members.run_id is 'The run (runs.run_id).';
comment on column duplicate_members.group_id is 'The group (duplicate_groups.group_id).';
comment on column duplicate_members.post_id is 'The member post (posts.post_id).';
comment on column duplicate_members.is_canonical is 'This member is the group''s canonical post.';
comment on column duplicate_members.match_kind is 'canonical | exact | near.';
comment on column duplicate_members.relation is 'canonical | same_site | syndicated (relative to the canonical).';
comment on column duplicate_members.similarity is 'Jaccard similarity to the canonical post, 0-1.';
comment on column duplicate_members.canonical_rule is 'Rule that chose the group''s canonical post.';
