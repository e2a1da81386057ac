{#-
    One row per campaign x pair of treatment arms with the same channel and
    hook (metrics.md §5, rulings R40): the arm against the baseline arm with
    the lower offer_value, measured like rpt_campaign_incrementality with
    the baseline in place of the control, so the cheaper sufficient offer
    is visible. incremental_cost is what the arm spends beyond the baseline
    for the same audience size; cost per incremental conversion and ROI use
    it.
-#}

with

lifts as (

    select *
    from {{ ref('int_campaign_lifts_measured') }}
    where comparison = 'offer'

),

arms as (

    select
        campaign_id,
        variant_id,
        channel,
        hook_type,
        offer_value

    from {{ ref('int_campaign_arms_summarised') }}

),

final as (

    select
        lifts.campaign_id,
        lifts.variant_id,
        lifts.baseline_variant_id,
        arms.channel,
        arms.hook_type,
        arms.offer_value,
        baseline_arms.offer_value as baseline_offer_value,
        lifts.conversion_event,
        lifts.assigned_count,
        lifts.converted_count,
        lifts.conversion_rate,
        lifts.baseline_assigned_count,
        lifts.baseline_converted_count,
        lifts.baseline_conversion_rate,
        lifts.absolute_lift,
        lifts.absolute_lift_ci_lower,
        lifts.absolute_lift_ci_upper,
        lifts.relative_lift,
        lifts.relative_lift_ci_lower,
        lifts.relative_lift_ci_upper,
        lifts.p_value,
        lifts.incremental_conversions,
        lifts.sent_count,
        lifts.message_cost,
        lifts.reward_cost,
        cast(lifts.total_cost as decimal(18, 4)) as total_cost,
        cast(lifts.baseline_total_cost as decimal(18, 4))
            as baseline_total_cost,
        lifts.cost_basis as incremental_cost,
        lifts.cost_per_incremental_conversion,
        lifts.revenue_per_assigned_user,
        lifts.baseline_revenue_per_assigned_user,
        lifts.incremental_revenue,
        lifts.roi,
        lifts.is_window_open

    from lifts
    inner join arms
        on
            lifts.campaign_id = arms.campaign_id
            and lifts.variant_id = arms.variant_id
    inner join arms as baseline_arms
        on
            lifts.campaign_id = baseline_arms.campaign_id
            and lifts.baseline_variant_id = baseline_arms.variant_id

)

select * from final
