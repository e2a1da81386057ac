{#-
    One row per campaign x arm: the counts and sums every incrementality
    figure is built from (metrics.md §5, rulings R36, R39): assigned users,
    converters, gross revenue and reward cost in the window, sent messages
    and their price, the arm's expected and observed share of the campaign's
    audience, and the converters with a qualifying touch of the campaign
    before their conversion (the last-touch view beside the causal one;
    rpt_campaign_incrementality adds the returns credited to the arm).
    Arms without assignments have zero counts. Beside the arm's channel,
    hook and offer: its copy and the UTC hour its sends were scheduled for
    (int_campaign_arm_hours_resolved; null without one), the attributes
    rpt_campaign_arm_comparisons pairs arms on.
-#}

with

variants as (

    select
        campaign_id,
        variant_id,
        is_control,
        channel,
        hook_type,
        offer_value,
        copy_id,
        conversion_event,
        cost_per_send,
        expected_allocation_share

    from {{ ref('int_campaign_variants_enriched') }}

),

arm_hours as (

    select
        campaign_id,
        variant_id,
        scheduled_hour

    from {{ ref('int_campaign_arm_hours_resolved') }}

),

exposures as (

    select
        campaign_id,
        user_id,
        variant_id,
        assigned_at,
        sent_count,
        is_converted,
        converted_at,
        gross_revenue_in_window,
        reward_cost_in_window,
        is_window_open

    from {{ ref('int_campaign_exposures_joined') }}

),

touches as (

    select
        campaign_id,
        user_id,
        touch_at

    from {{ ref('int_message_touches_qualified') }}

),

touched_conversions as (

    select distinct
        exposures.campaign_id,
        exposures.user_id

    from exposures
    inner join touches
        on
            exposures.campaign_id = touches.campaign_id
            and exposures.user_id = touches.user_id
            and exposures.assigned_at < touches.touch_at
            and exposures.converted_at >= touches.touch_at
    where exposures.is_converted

),

exposures_summed as (

    select
        exposures.campaign_id,
        exposures.variant_id,
        count(*) as assigned_count,
        count(case when exposures.is_converted then 1 end) as converted_count,
        count(touched_conversions.user_id) as touched_converted_count,
        sum(exposures.sent_count) as sent_count,
        sum(exposures.gross_revenue_in_window) as gross_revenue,
        sum(exposures.reward_cost_in_window) as reward_cost,
        max(case when exposures.is_window_open then 1 else 0 end)
            as has_open_window

    from exposures
    left join touched_conversions
        on
            exposures.campaign_id = touched_conversions.campaign_id
            and exposures.user_id = touched_conversions.user_id
    group by
        exposures.campaign_id,
        exposures.variant_id

),

arms_joined as (

    select
        variants.campaign_id,
        variants.variant_id,
        variants.is_control,
        variants.channel,
        variants.hook_type,
        variants.offer_value,
        variants.copy_id,
        arm_hours.scheduled_hour,
        variants.conversion_event,
        variants.expected_allocation_share,
        coalesce(exposures_summed.assigned_count, 0) as assigned_count,
        coalesce(exposures_summed.converted_count, 0) as converted_count,
        coalesce(exposures_summed.touched_converted_count, 0)
            as touched_converted_count,
        coalesce(exposures_summed.sent_count, 0) as sent_count,
        coalesce(exposures_summed.sent_count, 0)
        * coalesce(variants.cost_per_send, 0) as message_cost,
        coalesce(exposures_summed.reward_cost, 0) as reward_cost,
        coalesce(exposures_summed.gross_revenue, 0) as gross_revenue,
        coalesce(exposures_summed.has_open_window, 0) = 1 as is_window_open

    from variants
    left join exposures_summed
        on
            variants.campaign_id = exposures_summed.campaign_id
            and variants.variant_id = exposures_summed.variant_id
    left join arm_hours
        on
            variants.campaign_id = arm_hours.campaign_id
            and variants.variant_id = arm_hours.variant_id

),

campaigns_summed as (

    select
        arms_joined.campaign_id,
        sum(arms_joined.assigned_count) as campaign_assigned_count,
        count(*) as arm_count,
        count(case when arms_joined.is_control then 1 end)
            as control_arm_count,
        count(arms_joined.expected_allocation_share) as expected_arm_count

    from arms_joined
    group by arms_joined.campaign_id

),

final as (

    select
        arms_joined.campaign_id,
        arms_joined.variant_id,
        arms_joined.is_control,
        arms_joined.channel,
        arms_joined.hook_type,
        arms_joined.offer_value,
        arms_joined.copy_id,
        arms_joined.scheduled_hour,
        arms_joined.conversion_event,
        arms_joined.assigned_count,
        arms_joined.converted_count,
        arms_joined.touched_converted_count,
        cast(arms_joined.sent_count as {{ dbt.type_bigint() }}) as sent_count,
        cast(arms_joined.message_cost as decimal(18, 4)) as message_cost,
        cast(arms_joined.reward_cost as decimal(18, 2)) as reward_cost,
        cast(arms_joined.gross_revenue as decimal(18, 2)) as gross_revenue,
        arms_joined.is_window_open,
        arms_joined.expected_allocation_share,
        {{ recall_safe_divide('arms_joined.assigned_count',
            'campaigns_summed.campaign_assigned_count') }}
            as observed_allocation_share,
        campaigns_summed.campaign_assigned_count,
        campaigns_summed.arm_count,
        campaigns_summed.control_arm_count,
        campaigns_summed.expected_arm_count = campaigns_summed.arm_count
            as has_expected_shares

    from arms_joined
    inner join campaigns_summed
        on arms_joined.campaign_id = campaigns_summed.campaign_id

)

select * from final
