{#-
    One row per user to nudge on as_of_date (metrics.md §4, decision
    cycle trigger list): registered exactly decision_cycle_days days before
    as_of_date and without a paid order by as_of_date (no order placed on or
    before as_of_date whose latest version updated on or before as_of_date is
    paid; rulings R7, int_orders_resolved). With the user's channel,
    lifecycle state and reachability, so the list can be sent as it is.
-#}
{%- set as_of_date = recall_as_of_date_sql() -%}
{#- Whole days, checked at run start (validate_recall_vars). -#}
{%- set cycle_days = var('decision_cycle_days') -%}

with

users as (

    select
        user_id,
        registration_date,
        acquisition_channel,
        platform,
        country,
        lifecycle_state,
        days_inactive,
        {{ recall_reachability_columns() }}

    from {{ ref('dim_users') }}
    where
        registration_date
        = {{ recall_add_days(as_of_date, -cycle_days) }}

),

paid_orders as (

    select user_id
    from {{ ref('int_orders_resolved') }}
    where
        is_paid
        and order_date <= {{ as_of_date }}

),

purchasers as (

    select paid_orders.user_id
    from paid_orders
    group by paid_orders.user_id

),

final as (

    select
        users.user_id,
        users.registration_date,
        users.acquisition_channel,
        users.platform,
        users.country,
        users.lifecycle_state,
        users.days_inactive,
        {{ recall_reachability_columns('users') }},
        {{ as_of_date }} as trigger_date

    from users
    left join purchasers
        on users.user_id = purchasers.user_id
    where purchasers.user_id is null

)

select * from final
