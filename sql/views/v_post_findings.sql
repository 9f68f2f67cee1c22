-- Findings with the post they are about, ready to filter by site, kind or severity.
create or replace view v_post_findings as
select
    findings.run_id,
    findings.finding_id,
    findings.post_id,
    findings.site,
    posts.title,
    posts.url,
    cast(round(post_scores.audit_score, 1) as double) as audit_score,
    findings.kind,
    findings.severity,
    -- numeric rank so "worst first" sorts the same everywhere
    case findings.severity when 'critical' then 3 when 'warning' then 2 else 1 end
        as severity_rank,
    findings.score,
    findings.message,
    findings.evidence,
    findings.start,
    findings."end",
    findings.fix_hint,
    findings.detector
from findings
left join posts
    on posts.run_id = findings.run_id
    and posts.post_id = findings.post_id
left join post_scores
    on post_scores.run_id = findings.run_id
    and post_scores.post_id = findings.post_id;

comment on view v_post_findings is
    'Findings of a run with the title, URL and audit score of the post they are on, ready to filter '
    'by site, kind or severity (order by severity_rank desc for worst first). Grain: run x finding. '
    'Key: (run_id, finding_id). The column end must be quoted: "end".';
comment on column v_post_findings.run_id is 'The run (runs.run_id).';
comment on column v_post_findings.finding_id is 'The finding (findings.finding_id), stable across runs.';
comment on column v_post_findings.post_id is 'The post the finding is on (posts.post_id).';
comment on column v_post_findings.site is 'The site (sites.site).';
comment on column v_post_findings.title is
    'The post''s title (scraped text: escape before display); null if the post is not in posts.';
comment on column v_post_findings.url is 'The post''s final URL (posts.url).';
comment on column v_post_findings.audit_score is
    'The post''s audit score 0-100, 100 = no findings (post_scores.audit_score), one decimal. A post '
    'value repeated on each of its findings: averaging it here weights posts by their findings.';
comment on column v_post_findings.kind is 'The finding''s kind (findings.kind), e.g. thin_content.';
comment on column v_post_findings.severity is 'info | warning | critical.';
comment on column v_post_findings.severity_rank is
    'Severity as a number: 3 = critical, 2 = warning, 1 = info (or any other value); sort desc for '
    'worst first.';
comment on column v_post_findings.score is
    'The detector''s confidence or strength, 0-1 (findings.score); not the audit score.';
comment on column v_post_findings.message is 'What is wrong, in a sentence.';
comment on column v_post_findings.evidence is 'The offending text (scraped text: escape before display).';
comment on column v_post_findings.start is
    'Start offset of the evidence in posts.main_text; -1 when the evidence is a block.';
comment on column v_post_findings."end" is
    'End offset (exclusive) of the evidence in posts.main_text; -1 for a block. end is a reserved '
    'word: quote it in SQL, e.g. select "end" from v_post_findings.';
comment on column v_post_findings.fix_hint is 'How to fix it.';
comment on column v_post_findings.detector is 'Detector (and version) that produced the finding.';
