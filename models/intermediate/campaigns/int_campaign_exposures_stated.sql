{#-
    One row per campaign x assigned user (metrics.md §5, rulings R35, R36,
    R41): int_campaign_exposures_joined (the arm, what was sent and what
    came back, the delivery-quality flags, the intent-to-treat outcome in
    the attribution window) with the user's recall lifecycle state at the
    end of the day before assignment and the off-target flag it gives;
    fct_campaign_exposures publishes it.
-#}

with

exposures as (

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
        target_state,
        is_converted,
        converted_at,
        gross_revenue_in_window,
        reward_cost_in_window,
        window_ends_at,
        is_window_open

    from {{ ref('int_campaign_exposures_joined') }}

),

lifecycle as (

    select
        user_id,
        lifecycle_state,
        valid_from,
        valid_to

    from {{ ref('int_user_lifecycle_intervals_merged') }}

),

exposures_dated as (

    select
        exposures.campaign_id,
        exposures.user_id,
        {{ recall_add_days(
            recall_local_date('exposures.assigned_at'), -1) }}
            as state_date

    from exposures

),

states_on_assignment as (

    select
        exposures_dated.campaign_id,
        exposures_dated.user_id,
        lifecycle.lifecycle_state

    from exposures_dated
    inner join lifecycle
        on
            exposures_dated.user_id = lifecycle.user_id
            and exposures_dated.state_date >= lifecycle.valid_from
            and (
                lifecycle.valid_to is null
                or exposures_dated.state_date < lifecycle.valid_to
            )

),

final as (

    select
        exposures.campaign_id,
        exposures.user_id,
        exposures.variant_id,
        exposures.is_control,
        exposures.assigned_at,
        exposures.send_attempt_count,
        exposures.sent_count,
        exposures.failed_count,
        exposures.suppressed_count,
        exposures.first_sent_at,
        exposures.is_delivered,
        exposures.is_opened,
        exposures.is_clicked,
        exposures.first_delivered_at,
        exposures.first_opened_at,
        exposures.first_clicked_at,
        exposures.is_duplicate,
        exposures.is_missed,
        exposures.is_early,
        exposures.is_late,
        exposures.is_contaminated,
        states_on_assignment.lifecycle_state as state_on_assignment,
        exposures.target_state <> 'any'
        and coalesce(
            states_on_assignment.lifecycle_state, 'unregistered'
        ) <> exposures.target_state as is_off_target,
        exposures.is_converted,
        exposures.converted_at,
        exposures.gross_revenue_in_window,
        exposures.reward_cost_in_window,
        exposures.window_ends_at,
        exposures.is_window_open

    from exposures
    left join states_on_assignment
        on
            exposures.campaign_id = states_on_assignment.campaign_id
            and exposures.user_id = states_on_assignment.user_id

)

select * from final
