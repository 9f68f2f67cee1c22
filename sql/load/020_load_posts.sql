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
    fetched_at,
    -- The path of the canonical URL (else the URL): lowercased, no query, fragment or trailing
    -- slash; "/" for a site's root.
    coalesce(
        nullif(
            rtrim(
                lower(regexp_extract(
                    coalesce(canonical_url, url), '^(?:[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*)?([^?#]*)', 1
                )),
                '/'
            ),
            ''
        ),
        '/'
    ) as post_key
from read_parquet($extract_posts);
