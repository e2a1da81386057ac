{#-
    One row per campaign x treatment arm, measured against the campaign's
    control arm (metrics.md §5, rulings R35-R39, R42): intent-to-treat
    conversion of both arms, absolute and relative lift with their 95%
    intervals, the pooled two-proportion p-value, incremental conversions,
    costs and what each extra converter cost, revenue, ROI, the
    sample-ratio check over all arms of the campaign, and the last-touch
    credit beside the causal figure. Campaigns without exactly one control
    arm have no rows (a data-quality test reports them).
-#}

with

lifts as (

    select *
    from {{ ref('int_campaign_lifts_measured') }}
    where comparison = 'control'

),

arms as (

    select
        campaign_id,
        variant_id,
        channel,
        hook_type,
        offer_value,
        assigned_count,
        touched_converted_count,
        expected_allocation_share,
        observed_allocation_share,
        campaign_assigned_count,
        arm_count,
        has_expected_shares

    from {{ ref('int_campaign_arms_summarised') }}

),

attributions as (

    select
        credited_campaign_id,
        credited_variant_id

    from {{ ref('fct_recall_attributions') }}
    where return_type = 'recalled'

),

credits_counted as (

    select
        attributions.credited_campaign_id as campaign_id,
        attributions.credited_variant_id as variant_id,
        count(*) as credited_returns_count

    from attributions
    group by
        attributions.credited_campaign_id,
        attributions.credited_variant_id

),

{%- set expected_count =
    'arms.campaign_assigned_count * arms.expected_allocation_share' %}

ratios_tested as (

    select
        arms.campaign_id,
        {#- Summed as exact decimals: a sum of doubles depends on the
            order the engine meets the arms in, so the same data could
            give a statistic that differs in its last bits. #}
        cast(
            sum(cast({{ recall_safe_divide(
                '(arms.assigned_count - ' ~ expected_count ~ ')'
                ~ ' * (arms.assigned_count - ' ~ expected_count ~ ')',
                expected_count) }} as decimal(38, 18)))
            as {{ recall_type_double() }}
        ) as srm_chi_square,
        max(arms.arm_count) - 1 as srm_degrees_of_freedom

    from arms
    where
        arms.has_expected_shares
        and arms.campaign_assigned_count > 0
    group by arms.campaign_id

),

final as (

    select
        lifts.campaign_id,
        lifts.variant_id,
        lifts.baseline_variant_id as control_variant_id,
        arms.channel,
        arms.hook_type,
        arms.offer_value,
        lifts.conversion_event,
        lifts.assigned_count,
        lifts.converted_count,
        lifts.conversion_rate,
        lifts.baseline_assigned_count as control_assigned_count,
        lifts.baseline_converted_count as control_converted_count,
        lifts.baseline_conversion_rate as control_conversion_rate,
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
        lifts.cost_per_incremental_conversion,
        lifts.revenue_per_assigned_user,
        lifts.baseline_revenue_per_assigned_user
            as control_revenue_per_assigned_user,
        lifts.incremental_revenue,
        lifts.roi,
        arms.expected_allocation_share,
        arms.observed_allocation_share,
        ratios_tested.srm_chi_square,
        {{ recall_chi_square_p_value('ratios_tested.srm_chi_square',
            'ratios_tested.srm_degrees_of_freedom') }} as srm_p_value,
        coalesce(credits_counted.credited_returns_count, 0)
            as credited_returns_count,
        arms.touched_converted_count,
        lifts.is_window_open

    from lifts
    inner join arms
        on
            lifts.campaign_id = arms.campaign_id
            and lifts.variant_id = arms.variant_id
    left join ratios_tested
        on lifts.campaign_id = ratios_tested.campaign_id
    left join credits_counted
        on
            lifts.campaign_id = credits_counted.campaign_id
            and lifts.variant_id = credits_counted.variant_id

)

select * from final
