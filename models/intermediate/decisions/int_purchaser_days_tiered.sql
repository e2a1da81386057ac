{#-
    One row per purchaser per calendar day up to as_of_date: net revenue and
    paid orders to date and the value tier of that day (metrics.md §4,
    rulings R28), point in time (R14): orders placed on or before the day,
    each in its version current on the day (int_purchaser_revenue_steps),
    ranked as int_user_value_tiers_ranked ranks them, on every day, so
    the churn-risk score of a day reads the tier known on that day; on
    as_of_date both agree.
-#}
{%- set as_of_date = recall_as_of_date_sql() -%}

with

days as (

    select date_day
    from {{ ref('int_calendar_days_spined') }}

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
        days.date_day,
        revenue_steps.user_id,
        revenue_steps.net_revenue,
        cast(revenue_steps.paid_order_count as {{ dbt.type_bigint() }})
            as paid_order_count

    from days
    inner join revenue_steps
        on
            days.date_day >= revenue_steps.valid_from
            and (
                revenue_steps.valid_to is null
                or days.date_day < revenue_steps.valid_to
            )
    where
        revenue_steps.paid_order_count > 0
        and days.date_day <= {{ as_of_date }}

),

purchasers_ranked as (

    select
        revenue_to_date.*,
        cume_dist() over (
            partition by revenue_to_date.date_day
            order by revenue_to_date.net_revenue desc
        ) as purchaser_share

    from revenue_to_date

),

final as (

    select
        purchasers_ranked.date_day,
        purchasers_ranked.user_id,
        purchasers_ranked.net_revenue,
        purchasers_ranked.paid_order_count,
        purchasers_ranked.purchaser_share,
        {{ recall_value_tier('purchasers_ranked.purchaser_share') }}
            as value_tier

    from purchasers_ranked

)

select * from final
