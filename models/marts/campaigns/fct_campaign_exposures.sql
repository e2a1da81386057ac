{#-
    One row per campaign x assigned user: publishes
    int_campaign_exposures_stated as a view.
-#}
{{ config(materialized='view') }}

with

published as (

    select
        campaign_id,
        user_id,
        variant_id,
        is_control,
        assigned_at,
        send_attempt_count,
        sent_count,
        failed_count,
        suppressed_count,
        first_sent_at,
        is_delivered,
        is_opened,
        is_clicked,
        first_delivered_at,
        first_opened_at,
        first_clicked_at,
        is_duplicate,
        is_missed,
        is_early,
        is_late,
        is_contaminated,
        state_on_assignment,
        is_off_target,
        is_converted,
        converted_at,
        gross_revenue_in_window,
        reward_cost_in_window,
        window_ends_at,
        is_window_open

    from {{ ref('int_campaign_exposures_stated') }}

)

select * from published
