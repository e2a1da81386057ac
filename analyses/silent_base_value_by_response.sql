-- Question: where is the silent base worth recalling? The users silent on
-- as_of_date (waking them is cheaper than recalling the churned), in a
-- value tier x response tier matrix: how many there are, how many can be
-- reached on some channel, and each cell's share of the silent base. The
-- high-value, high-response, reachable corner is the first campaign
-- audience; a large unknown-response column means too few sends to judge.

with

segments as (

    select
        user_id,
        value_tier,
        response_tier,
        lifecycle_state,
        is_reachable

    from {{ ref('dim_user_segments') }}

),

silent_users as (

    select
        segments.value_tier,
        segments.response_tier,
        segments.is_reachable

    from segments
    where segments.lifecycle_state = 'silent'

),

cells_counted as (

    select
        silent_users.value_tier,
        silent_users.response_tier,
        count(*) as silent_users_count,
        count(case when silent_users.is_reachable then 1 end)
            as reachable_users_count

    from silent_users
    group by
        silent_users.value_tier,
        silent_users.response_tier

),

final as (

    select
        cells_counted.value_tier,
        cells_counted.response_tier,
        cells_counted.silent_users_count,
        cells_counted.reachable_users_count,
        cast(cells_counted.reachable_users_count as {{ recall_type_double() }})
        / cells_counted.silent_users_count as reachable_share,
        cast(cells_counted.silent_users_count as {{ recall_type_double() }})
        / sum(cells_counted.silent_users_count) over () as share_of_silent_base

    from cells_counted

)

select * from final
order by
    case final.value_tier
        when 'high' then 1 when 'mid' then 2 when 'low' then 3 else 4
    end,
    case final.response_tier
        when 'high' then 1 when 'mid' then 2 when 'low' then 3 else 4
    end
