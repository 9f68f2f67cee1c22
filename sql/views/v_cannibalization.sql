-- Competing posts with their titles and URLs, best pair first within each run and site.
create or replace view v_cannibalization as
select
    pairs.run_id,
    pairs.site,
    pairs.topic_id,
    topics.label as topic_label,
    cast(round(pairs.score, 3) as double) as score,
    cast(round(pairs.text_similarity, 3) as double) as text_similarity,
    cast(round(pairs.title_overlap, 3) as double) as title_overlap,
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
    and post_b.post_id = pairs.post_id_b;

comment on view v_cannibalization is
    'Pairs of posts of one site in one topic competing for the same search query '
    '(topic_cannibalization), with both posts'' titles and URLs and the topic''s label (unordered: '
    'order by score desc for the best pair first). Duplicate copies are left out (they are dedup''s finding). '
    'Grain: run x pair. Key: (run_id, post_id_a, post_id_b), post_id_a < post_id_b.';
comment on column v_cannibalization.run_id is 'The run (runs.run_id).';
comment on column v_cannibalization.site is 'The site both posts are on (sites.site).';
comment on column v_cannibalization.topic_id is
    'The broad topic both posts are assigned to (topics.topic_id, post_topics.topic_id; not a subtopic).';
comment on column v_cannibalization.topic_label is 'The topic''s top terms, comma-separated (topics.label).';
comment on column v_cannibalization.score is
    'Probability that the two posts answer one search query, 0-1, three decimals: the topics '
    'stage''s pair scorer (text, opening and title similarities and title-term overlap; '
    'pipeline.topics.cannibalization). Higher = stronger competition.';
comment on column v_cannibalization.text_similarity is
    'Cosine similarity of the two main texts'' TF-IDF vectors, 0-1.';
comment on column v_cannibalization.title_overlap is
    'Shared title key terms over the shorter title''s key terms (overlap coefficient), 0-1.';
comment on column v_cannibalization.shared_terms is 'The title key terms both titles contain (stemmed).';
comment on column v_cannibalization.post_id_a is 'One post of the pair (posts.post_id), the smaller id.';
comment on column v_cannibalization.title_a is
    'Title of post a (scraped text: escape before display); null if the post is not in posts.';
comment on column v_cannibalization.url_a is 'Final URL of post a (posts.url).';
comment on column v_cannibalization.post_id_b is 'The other post of the pair (posts.post_id), the larger id.';
comment on column v_cannibalization.title_b is
    'Title of post b (scraped text: escape before display); null if the post is not in posts.';
comment on column v_cannibalization.url_b is 'Final URL of post b (posts.url).';
