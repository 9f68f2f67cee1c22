select
    site,
    url,
    pages,
    pages_ok,
    errors,
    posts,
    avg_words,
    boilerplate_share,
    findings,
    findings_critical,
    findings_warning,
    findings_info,
    posts_with_findings,
    duplicate_posts,
    avg_audit_score
from v_site_summary
where run_id = $run_id
order by site;
