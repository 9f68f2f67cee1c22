create table findings (
    run_id varchar not null,
    finding_id varchar not null,
    post_id varchar not null,
    site varchar not null,
    kind varchar not null,
    severity varchar not null,
    score real,
    message varchar,
    evidence varchar,
    start integer,
    "end" integer,
    fix_hint varchar,
    detector varchar,
    primary key (run_id, finding_id)
);

comment on table findings is
    'Problems the audit detectors found in posts, each with its evidence. '
    'Grain: one row per run and finding. Key: (run_id, finding_id).';
comment on column findings.run_id is 'The run (runs.run_id).';
comment on column findings.finding_id is 'Finding id assigned by the audit.';
comment on column findings.post_id is 'The post (posts.post_id).';
comment on column findings.site is 'Site name (sites.site).';
comment on column findings.kind is 'snake_case finding kind, e.g. thin_content, keyword_stuffing.';
comment on column findings.severity is 'info | warning | critical.';
comment on column findings.score is 'Detector confidence or strength, 0-1.';
comment on column findings.message is 'What is wrong, in a sentence.';
comment on column findings.evidence is 'The offending text (scraped text: escape before display).';
comment on column findings.start is 'Start offset of the evidence in posts.main_text; -1 when it is a block.';
comment on column findings."end" is 'End offset (exclusive) of the evidence in posts.main_text; -1 for a block.';
comment on column findings.fix_hint is 'How to fix it.';
comment on column findings.detector is 'Detector (and version) that produced the finding.';
