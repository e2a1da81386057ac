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

evaluation_days as (

    select
        {{ recall_add_days('episodes.silent_from_date', -1) }}
            as evaluation_date
    from episodes

    union

    select {{ as_of_date }} as evaluation_date

),

paid_versions_spanned as (

    {#- The days on which this version is the order's current one and the
        order has been placed. -#}
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
    {#- Users are matched here, on the versions, not on the versions x
        evaluation days the range join below makes (33M rows at 1M users). #}
    inner join users
        on paid_versions.user_id = users.user_id

),

revenue_changes as (

    {#- Each user's revenue to date as steps: a paid version adds its
        amount on valid_from and takes it back on valid_to, so summing the
        changes in day order gives revenue and paid orders from each change
        to the next. The range join below then meets one step per user and
        day, not every paid version of the user. -#}
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
        {#- The amounts' type, not the sum's (unsized numeric on PostgreSQL). #}
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
