delete from posts where run_id = $run_id;

insert into posts by name
select
    $run_id as run_id,
    post_id,
    site,
    url,
    canonical_url,
    title,
    author,
    published_at,
    updated_at,
    description,
    lang,
    site_name,
    headings,
    h1_count,
    links_internal,
    links_external,
    outbound_links,
    word_count,
    page_words,
    boilerplate_words,
    main_text,
    text_hash,
    fetched_at
from read_parquet($extract_posts);
