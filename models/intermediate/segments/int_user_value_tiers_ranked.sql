{#-
    One row per purchaser on as_of_date and per purchaser on the day before
    each of the user's inactivity episodes starts (value_tier_at_start):
    net revenue and paid orders to date, the share of that day's purchasers
    with at least that revenue and the value tier (metrics.md §4, rulings
    R28), point in time (R14): orders placed on or before the day, each in
    its latest version updated on or before the day (the version whose
    int_order_versions_dated interval holds the day). Every purchaser of an
    evaluation day is ranked, but only the rows that are read are kept:
    every purchaser of every such day was 18M rows at 1M users, for well
    under 1M that are read.
-#}
{%- set as_of_date = recall_as_of_date_sql() -%}

with

episodes as (

    select
        user_id,
        silent_from_date

    from {{ ref('int_inactivity_episodes_spanned') }}

),

evaluation_days as (

    select
        {{ recall_add_days('episodes.silent_from_date', -1) }}
            as evaluation_date
    from episodes

    union

    select {{ as_of_date }} as evaluation_date

),

revenue_steps as (

    select
        user_id,
        valid_from,
        valid_to,
        net_revenue,
        paid_order_count

    from {{ ref('int_purchaser_revenue_steps') }}

),

revenue_to_date as (

    select
        evaluation_days.evaluation_date,
        revenue_steps.user_id,
        revenue_steps.net_revenue,
        cast(revenue_steps.paid_order_count as {{ dbt.type_bigint() }})
            as paid_order_count

    from evaluation_days
    inner join revenue_steps
        on
            evaluation_days.evaluation_date >= revenue_steps.valid_from
            and (
                revenue_steps.valid_to is null
                or evaluation_days.evaluation_date < revenue_steps.valid_to
            )
    where revenue_steps.paid_order_count > 0

),

episode_days as (

    select distinct
        episodes.user_id,
        {{ recall_add_days('episodes.silent_from_date', -1) }}
            as evaluation_date

    from episodes

),

purchasers_ranked as (

    select
        revenue_to_date.*,
        {#- cume_dist in descending order: the share of purchasers whose
            revenue is at least this one's (ties share it). -#}
        cume_dist() over (
            partition by revenue_to_date.evaluation_date
            order by revenue_to_date.net_revenue desc
        ) as purchaser_share

    from revenue_to_date

),

final as (

    select
        purchasers_ranked.evaluation_date,
        purchasers_ranked.user_id,
        purchasers_ranked.net_revenue,
        purchasers_ranked.paid_order_count,
        purchasers_ranked.purchaser_share,
        {{ recall_value_tier('purchasers_ranked.purchaser_share') }}
            as value_tier

    from purchasers_ranked
    left join episode_days
        on
            purchasers_ranked.user_id = episode_days.user_id
            and purchasers_ranked.evaluation_date
            = episode_days.evaluation_date
    where
        purchasers_ranked.evaluation_date = {{ as_of_date }}
        or episode_days.user_id is not null

)

select * from final
