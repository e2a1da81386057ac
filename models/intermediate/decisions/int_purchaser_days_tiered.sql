{#-
    One row per purchaser per calendar day up to as_of_date: net revenue and
    paid orders to date and the value tier of that day (metrics.md §4,
    rulings R28), point in time (R14): orders placed on or before the day,
    each in its version current on the day (int_order_versions_dated). The
    same rule as int_user_value_tiers_ranked, evaluated on every day, so
    the churn-risk score of a day reads the tier known on that day; on
    as_of_date both agree.
-#}
{%- set as_of_date = recall_as_of_date_sql() -%}

with

days as (

    select date_day
    from {{ ref('int_calendar_days_spined') }}

),

users as (

    select user_id
    from {{ ref('int_users_current') }}

),

paid_versions as (

    select
        user_id,
        order_date,
        net_revenue,
        valid_from,
        valid_to

    from {{ ref('int_order_versions_dated') }}
    where is_paid

),

paid_versions_spanned as (

    select
        paid_versions.user_id,
        paid_versions.net_revenue,
        case
            when paid_versions.order_date > paid_versions.valid_from
                then paid_versions.order_date
            else paid_versions.valid_from
        end as valid_from,
        paid_versions.valid_to

    from paid_versions
    inner join users
        on paid_versions.user_id = users.user_id

),

revenue_changes as (

    {#- Revenue to date as steps: a paid version adds its amount on
        valid_from and takes it back on valid_to. -#}
    select
        paid_versions_spanned.user_id,
        paid_versions_spanned.valid_from as change_date,
        paid_versions_spanned.net_revenue as revenue_change,
        1 as order_change

    from paid_versions_spanned
    where
        paid_versions_spanned.valid_to is null
        or paid_versions_spanned.valid_to > paid_versions_spanned.valid_from

    union all

    select
        paid_versions_spanned.user_id,
        paid_versions_spanned.valid_to as change_date,
        -1 * paid_versions_spanned.net_revenue as revenue_change,
        -1 as order_change

    from paid_versions_spanned
    where paid_versions_spanned.valid_to > paid_versions_spanned.valid_from

),

changes_by_day as (

    select
        revenue_changes.user_id,
        revenue_changes.change_date,
        sum(revenue_changes.revenue_change) as revenue_change,
        sum(revenue_changes.order_change) as order_change

    from revenue_changes
    group by
        revenue_changes.user_id,
        revenue_changes.change_date

),

revenue_steps as (

    select
        changes_by_day.user_id,
        changes_by_day.change_date as valid_from,
        lead(changes_by_day.change_date) over (
            partition by changes_by_day.user_id
            order by changes_by_day.change_date
        ) as valid_to,
        cast(
            sum(changes_by_day.revenue_change) over (
                partition by changes_by_day.user_id
                order by changes_by_day.change_date
                rows between unbounded preceding and current row
            ) as decimal(18, 2)
        ) as net_revenue,
        sum(changes_by_day.order_change) over (
            partition by changes_by_day.user_id
            order by changes_by_day.change_date
            rows between unbounded preceding and current row
        ) as paid_order_count

    from changes_by_day

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
