-- What to fix first: the latest run's posts with the most severe findings, worst score first.
select site, title, url, audit_score, findings_critical, findings_warning, findings_by_kind
from v_post_audit
where run_id = (select run_id from v_latest_run)
    and findings > 0
order by findings_critical desc, audit_score asc nulls last, url
limit 20;
