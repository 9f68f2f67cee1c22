-- One row per post of a run: everything an analyst asks about a post without a join.
create or replace view v_post_audit as
with finding_counts as (
    -- One pass over findings: counts per severity and the kind -> count map together.
    select
        run_id,
        post_id,
        count(*) filter (where severity = 'critical') as findings_critical,
        count(*) filter (where severity = 'warning') as findings_warning,
        count(*) filter (where severity = 'info') as findings_info,
        histogram(kind) as findings_by_kind
    from findings
    group by run_id, post_id
),

-- A post is in at most one duplicate group per run (dedup's groups are disjoint).
membership as (
    select run_id, post_id, group_id, coalesce(relation, 'canonical') as duplicate_role
    from duplicate_members
),

page_of as (
    select run_id, post_id, any_value(page_type) as page_type
    from pages
    where post_id is not null
    group by run_id, post_id
)

select
    posts.run_id,
    posts.post_id,
    posts.site,
    posts.url,
    posts.title,
    cast(posts.word_count as bigint) as words,
    page_of.page_type,
    cast(round(post_scores.audit_score, 1) as double) as audit_score,
    cast(coalesce(post_scores.n_findings, 0) as bigint) as findings,
    cast(coalesce(finding_counts.findings_critical, 0) as bigint) as findings_critical,
    cast(coalesce(finding_counts.findings_warning, 0) as bigint) as findings_warning,
    cast(coalesce(finding_counts.findings_info, 0) as bigint) as findings_info,
    coalesce(finding_counts.findings_by_kind, map()) as findings_by_kind,
    membership.group_id as duplicate_group_id,
    membership.duplicate_role,
    post_topics.topic_id,
    topic.label as topic_label,
    post_topics.subtopic_id,
    subtopic.label as subtopic_label,
    cast(round(post_scores.boilerplate_share, 4) as double) as boilerplate_share
from posts
left join post_scores using (run_id, post_id)
left join finding_counts using (run_id, post_id)
left join membership using (run_id, post_id)
left join page_of using (run_id, post_id)
left join post_topics using (run_id, post_id)
left join topics as topic
    on topic.run_id = post_topics.run_id
    and topic.topic_id = post_topics.topic_id
left join topics as subtopic
    on subtopic.run_id = post_topics.run_id
    and subtopic.topic_id = post_topics.subtopic_id;

comment on view v_post_audit is
    'One row per post of a run: its page, score, findings by severity and kind, duplicate group '
    'and role, topic and subtopic, boilerplate share. Grain: run x post. Key: (run_id, post_id).';
comment on column v_post_audit.run_id is 'The run (runs.run_id).';
comment on column v_post_audit.post_id is 'The post (posts.post_id).';
comment on column v_post_audit.site is 'The site the post is on (sites.site).';
comment on column v_post_audit.url is 'The URL the post was fetched from.';
comment on column v_post_audit.title is 'The post''s title.';
comment on column v_post_audit.words is 'Words of the main text (boilerplate excluded).';
comment on column v_post_audit.page_type is 'The extractor''s page type of the fetched page (post for every row here).';
comment on column v_post_audit.audit_score is 'Audit score 0-100, 100 = no findings (post_scores.audit_score), one decimal.';
comment on column v_post_audit.findings is 'Findings of the post, all severities.';
comment on column v_post_audit.findings_critical is 'Findings of severity critical.';
comment on column v_post_audit.findings_warning is 'Findings of severity warning.';
comment on column v_post_audit.findings_info is 'Findings of severity info.';
comment on column v_post_audit.findings_by_kind is 'Findings per kind, a map kind -> count (empty when none).';
comment on column v_post_audit.duplicate_group_id is 'The duplicate group the post is in (duplicate_groups.group_id); null when it has no copy.';
comment on column v_post_audit.duplicate_role is 'canonical, same_site or syndicated (duplicate_members.relation); null when in no group.';
comment on column v_post_audit.topic_id is 'The post''s broad topic (topics.topic_id); -1 = outlier.';
comment on column v_post_audit.topic_label is 'The broad topic''s terms, comma-separated; null for outliers.';
comment on column v_post_audit.subtopic_id is 'The post''s subtopic (topics.topic_id with parent_id = topic_id); null when none.';
comment on column v_post_audit.subtopic_label is 'The subtopic''s terms, comma-separated.';
comment on column v_post_audit.boilerplate_share is 'Share of the page''s words in boilerplate blocks, 0-1, four decimals.';
