{#-
    One row per campaign x assigned user (metrics.md §5, rulings R35, R36,
    R41): the arm, what was sent and what came back, the delivery-quality
    flags, and the intent-to-treat outcome in the attribution window
    (assigned_at, assigned_at + attribution_window_days x 24 h], cut at the
    end of as_of_date. Assignments dated after as_of_date are left out.
    fct_campaign_exposures publishes it with the user's lifecycle state on
    assignment added (which needs the published lifecycle intervals), so
    the campaign's target_state is carried for that.
-#}
{%- set as_of_date = recall_as_of_date_sql() -%}
{%- set as_of_end_at = recall_local_day_start_at(
    recall_add_days(as_of_date, 1)) -%}

with

assignments as (

    select
        campaign_id,
        user_id,
        variant_id,
        assigned_at

    from {{ ref('int_campaign_assignments_triaged') }}
    where
        row_status = 'clean'
        and {{ recall_local_date('assigned_at') }} <= {{ as_of_date }}

),

variants as (

    select
        campaign_id,
        variant_id,
        is_control,
        hook_type,
        coupon_id,
        target_state,
        attribution_window_days

    from {{ ref('int_campaign_variants_enriched') }}

),

sends as (

    select
        campaign_id,
        user_id,
        send_attempt_count,
        sent_count,
        failed_count,
        suppressed_count,
        first_sent_at,
        early_count,
        late_count,
        first_delivered_at,
        first_opened_at,
        first_clicked_at

    from {{ ref('int_campaign_sends_summarised') }}

),

conversions as (

    select
        campaign_id,
        user_id,
        converted_at

    from {{ ref('int_campaign_conversions_windowed') }}

),

orders as (

    select
        user_id,
        ordered_at,
        gross_amount,
        discount_amount,
        coupon_id

    from {{ ref('int_orders_resolved') }}
    where
        is_paid
        and ordered_at < {{ as_of_end_at }}

),

assignments_windowed as (

    select
        assignments.campaign_id,
        assignments.user_id,
        assignments.variant_id,
        assignments.assigned_at,
        {{ dbt.dateadd(
            'hour', '24 * variants.attribution_window_days',
            'assignments.assigned_at') }} as window_ends_at,
        variants.is_control,
        variants.hook_type,
        variants.coupon_id,
        variants.target_state

    from assignments
    inner join variants
        on
            assignments.campaign_id = variants.campaign_id
            and assignments.variant_id = variants.variant_id

),

orders_in_window as (

    select
        assignments_windowed.campaign_id,
        assignments_windowed.user_id,
        sum(orders.gross_amount) as gross_revenue_in_window,
        sum(
            case
                when assignments_windowed.hook_type = 'points'
                    and orders.coupon_id is null
                    then orders.discount_amount
                when assignments_windowed.hook_type <> 'points'
                    and orders.coupon_id = assignments_windowed.coupon_id
                    then orders.discount_amount
                else 0
            end
        ) as reward_cost_in_window

    from assignments_windowed
    inner join orders
        on
            assignments_windowed.user_id = orders.user_id
            and assignments_windowed.assigned_at < orders.ordered_at
            and assignments_windowed.window_ends_at >= orders.ordered_at
    group by
        assignments_windowed.campaign_id,
        assignments_windowed.user_id

),

final as (

    select
        assignments_windowed.campaign_id,
        assignments_windowed.user_id,
        assignments_windowed.variant_id,
        assignments_windowed.is_control,
        assignments_windowed.assigned_at,
        coalesce(sends.send_attempt_count, 0) as send_attempt_count,
        coalesce(sends.sent_count, 0) as sent_count,
        coalesce(sends.failed_count, 0) as failed_count,
        coalesce(sends.suppressed_count, 0) as suppressed_count,
        sends.first_sent_at,
        sends.first_delivered_at is not null as is_delivered,
        sends.first_opened_at is not null as is_opened,
        sends.first_clicked_at is not null as is_clicked,
        sends.first_delivered_at,
        sends.first_opened_at,
        sends.first_clicked_at,
        coalesce(sends.sent_count, 0) > 1 as is_duplicate,
        not assignments_windowed.is_control
        and sends.user_id is null as is_missed,
        coalesce(sends.early_count, 0) > 0 as is_early,
        coalesce(sends.late_count, 0) > 0 as is_late,
        assignments_windowed.is_control
        and coalesce(sends.sent_count, 0) > 0 as is_contaminated,
        assignments_windowed.target_state,
        conversions.converted_at is not null as is_converted,
        conversions.converted_at,
        cast(
            coalesce(orders_in_window.gross_revenue_in_window, 0)
            as decimal(18, 2)
        ) as gross_revenue_in_window,
        cast(
            coalesce(orders_in_window.reward_cost_in_window, 0)
            as decimal(18, 2)
        ) as reward_cost_in_window,
        assignments_windowed.window_ends_at,
        assignments_windowed.window_ends_at > {{ as_of_end_at }}
            as is_window_open

    from assignments_windowed
    left join sends
        on
            assignments_windowed.campaign_id = sends.campaign_id
            and assignments_windowed.user_id = sends.user_id
    left join conversions
        on
            assignments_windowed.campaign_id = conversions.campaign_id
            and assignments_windowed.user_id = conversions.user_id
    left join orders_in_window
        on
            assignments_windowed.campaign_id = orders_in_window.campaign_id
            and assignments_windowed.user_id = orders_in_window.user_id

)

select * from final
