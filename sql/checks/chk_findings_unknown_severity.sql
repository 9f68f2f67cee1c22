-- The report ranks and colours by severity; an unknown value would sort silently last.
select finding_id, post_id, severity
from findings
where run_id = $run_id
    and severity not in ('info', 'warning', 'critical');
