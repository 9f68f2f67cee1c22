-- Competing posts with their titles and URLs, best pair first within each run and site.
create or replace view v_cannibalization as
select
    pairs.run_id,
    pairs.site,
    pairs.topic_id,
    topics.label as topic_label,
    pairs.score,
    pairs.text_similarity,
    pairs.title_overlap,
    pairs.shared_terms,
    pairs.post_id_a,
    post_a.title as title_a,
    post_a.url as url_a,
    pairs.post_id_b,
    post_b.title as title_b,
    post_b.url as url_b
from topic_cannibalization as pairs
left join topics
    on topics.run_id = pairs.run_id
    and topics.topic_id = pairs.topic_id
left join posts as post_a
    on post_a.run_id = pairs.run_id
    and post_a.post_id = pairs.post_id_a
left join posts as post_b
    on post_b.run_id = pairs.run_id
    and post_b.post_id = pairs.post_id_b
order by pairs.run_id, pairs.site, pairs.score desc, pairs.post_id_a, pairs.post_id_b;
