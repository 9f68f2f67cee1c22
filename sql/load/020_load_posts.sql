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

-- A post whose path changed but whose text did not keeps its identity (a renamed slug): a new
-- path of this run takes the post_key of a path of the site's previous succeeded run that is
-- gone now, when their main texts hash the same and that hash is unique on both sides.
update posts
set post_key = renamed.post_key
from (
    with this_run as (
        select min(fetched_at) as started_at from pages where run_id = $run_id
    ),

    previous as (
        select distinct on (sites.site) sites.site, sites.run_id
        from sites
        join runs using (run_id)
        cross join this_run
        where runs.status = 'succeeded'
            -- "Before" as v_run_changes orders runs: crawl start, then run_id on a tie.
            and (
                runs.started_at < this_run.started_at
                or (runs.started_at = this_run.started_at and runs.run_id < $run_id)
            )
        order by sites.site, runs.started_at desc, runs.run_id desc
    ),

    previous_posts as (
        select posts.site, posts.post_key, posts.text_hash
        from posts
        join previous using (site, run_id)
    ),

    current_posts as (
        select site, post_id, post_key, text_hash from posts where run_id = $run_id
    ),

    gone as (
        select * from previous_posts
        anti join current_posts using (site, post_key)
        qualify count(*) over (partition by site, text_hash) = 1
    ),

    fresh as (
        select * from current_posts
        anti join previous_posts using (site, post_key)
        qualify count(*) over (partition by site, text_hash) = 1
    )

    select fresh.post_id, gone.post_key
    from fresh
    join gone using (site, text_hash)
    where fresh.text_hash is not null
) as renamed
where posts.run_id = $run_id
    and posts.post_id = renamed.post_id;
