{#-
    One row per registered user per active day (rulings R8): publishes
    int_user_days_aggregated, which is built incrementally, as a view, so
    the largest mart is not copied on every load.
-#}
{{ config(materialized='view') }}

with

user_days as (

    select
        user_id,
        activity_date,
        event_count,
        core_action_count,
        session_count,
        order_count,
        paid_order_count,
        net_revenue,
        message_open_count,
        message_click_count,
        feature_event_count,
        first_active_at,
        days_since_registration,
        days_since_previous_active_day,
        loaded_at

    from {{ ref('int_user_days_aggregated') }}

)

select * from user_days
