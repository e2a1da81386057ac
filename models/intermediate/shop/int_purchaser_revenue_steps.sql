{#-
    Each purchaser's net revenue and paid orders to date as steps, point in
    time (metrics.md §4, rulings R14, R28): from valid_from up to but not
    including valid_to (null: still in force) the user's paid orders placed
    on or before the day, each in its version current on the day
    (int_order_versions_dated), add up to net_revenue over
    paid_order_count. One place for the rule, read by every model that
    ranks purchasers by revenue on a day (int_user_value_tiers_ranked on
    as_of_date and before each inactivity episode, int_purchaser_days_tiered
    on every day).
-#}

with

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
        days the readers' range joins make (33M rows at 1M users). #}
    inner join users
        on paid_versions.user_id = users.user_id

),

revenue_changes as (

    {#- Each user's revenue to date as steps: a paid version adds its
        amount on valid_from and takes it back on valid_to, so summing the
        changes in day order gives revenue and paid orders from each change
        to the next. A reader's range join then meets one step per user and
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
        cast(
            sum(changes_by_day.order_change) over (
                partition by changes_by_day.user_id
                order by changes_by_day.change_date
                rows between unbounded preceding and current row
            ) as {{ dbt.type_bigint() }}
        ) as paid_order_count

    from changes_by_day

)

select
    user_id,
    valid_from,
    valid_to,
    net_revenue,
    paid_order_count

from revenue_steps
