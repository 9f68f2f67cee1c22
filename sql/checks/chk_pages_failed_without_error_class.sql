-- Every failed fetch must say why: the error_class is what analysts count lost pages by.
select url, status
from pages
where run_id = $run_id
    and not ok
    and error_class is null;
