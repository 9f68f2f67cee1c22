delete from post_blocks where run_id = $run_id;

insert into post_blocks by name
select
    $run_id as run_id,
    post_id,
    site,
    block_index,
    tag,
    tag_path,
    class_tokens,
    text,
    word_count,
    link_density,
    position,
    main_score,
    site_repeat,
    is_main,
    category,
    text_hash
from read_parquet($extract_blocks);
