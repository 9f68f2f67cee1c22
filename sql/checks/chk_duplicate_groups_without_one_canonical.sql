-- The report shows each group as "canonical + copies"; zero or two canonicals has no meaning.
select group_id, count(*) filter (where is_canonical) as canonical_members
from duplicate_members
where run_id = $run_id
group by group_id
having count(*) filter (where is_canonical) <> 1;
