{#-
    One row per campaign x pair of treatment arms that differ in exactly one
    attribute - offer, copy, channel, hook or scheduled_hour (marts.md
    Decisions, metrics.md §5, rulings R40, R40b): the arm against the
    baseline arm, measured like rpt_campaign_incrementality with the
    baseline in place of the control. The pairs and their baseline (the
    lower offer_value, R40; with equal offers the smaller variant_id) come
    from int_campaign_lifts_measured. incremental_cost is what the arm
    spends beyond the baseline for the same audience size; cost per
    incremental conversion and ROI use it.

    Many pairs mean many tests, so the p-values are adjusted for multiple
    comparisons by Holm's step-down method (Holm 1979) within the campaign,
    over its m rows with a p-value: sorted ascending, p_(1) <= ... <= p_(m),
    the j-th becomes max over i <= j of min(1, (m - i + 1) x p_(i)), so the
    adjusted values keep the order of the raw ones and never exceed 1. Ties
    get the same value whichever goes first. A row without a p-value has no
    adjusted one and does not count in m. A difference survives the
    correction when holm_p_value is below var holm_significance_level.
-#}
{%- set double = recall_type_double() -%}

with

lifts as (

    select *
    from {{ ref('int_campaign_lifts_measured') }}
    where comparison = 'arm'

),

arms as (

    select
        campaign_id,
        variant_id,
        channel,
        hook_type,
        offer_value,
        copy_id,
        scheduled_hour

    from {{ ref('int_campaign_arms_summarised') }}

),

p_values_ranked as (

    {#- Ranks within the campaign's pairs with a p-value (rows without one
        in a partition of their own, whatever an engine's null order). #}
    select
        lifts.*,
        count(lifts.p_value) over (
            partition by lifts.campaign_id
        ) as tested_pair_count,
        row_number() over (
            partition by
                lifts.campaign_id,
                case when lifts.p_value is null then 1 else 0 end
            order by
                lifts.p_value,
                lifts.variant_id,
                lifts.baseline_variant_id
        ) as p_value_rank

    from lifts

),

holm_steps_scaled as (

    select
        p_values_ranked.*,
        case
            when
                (
                    p_values_ranked.tested_pair_count
                    - p_values_ranked.p_value_rank + 1
                )
                * p_values_ranked.p_value
                > 1
                then 1.0e0
            else
                (
                    p_values_ranked.tested_pair_count
                    - p_values_ranked.p_value_rank + 1
                )
                * p_values_ranked.p_value
        end as holm_step_p_value

    from p_values_ranked

),

holm_adjusted as (

    select
        holm_steps_scaled.*,
        cast(max(holm_steps_scaled.holm_step_p_value) over (
            partition by
                holm_steps_scaled.campaign_id,
                case when holm_steps_scaled.p_value is null then 1 else 0 end
            order by holm_steps_scaled.p_value_rank
            rows between unbounded preceding and current row
        ) as {{ double }}) as holm_p_value

    from holm_steps_scaled

),

final as (

    select
        holm_adjusted.campaign_id,
        holm_adjusted.variant_id,
        holm_adjusted.baseline_variant_id,
        holm_adjusted.differing_attribute,
        arms.channel,
        baseline_arms.channel as baseline_channel,
        arms.hook_type,
        baseline_arms.hook_type as baseline_hook_type,
        arms.offer_value,
        baseline_arms.offer_value as baseline_offer_value,
        arms.copy_id,
        baseline_arms.copy_id as baseline_copy_id,
        arms.scheduled_hour,
        baseline_arms.scheduled_hour as baseline_scheduled_hour,
        holm_adjusted.conversion_event,
        holm_adjusted.assigned_count,
        holm_adjusted.converted_count,
        holm_adjusted.conversion_rate,
        holm_adjusted.baseline_assigned_count,
        holm_adjusted.baseline_converted_count,
        holm_adjusted.baseline_conversion_rate,
        holm_adjusted.absolute_lift,
        holm_adjusted.absolute_lift_ci_lower,
        holm_adjusted.absolute_lift_ci_upper,
        holm_adjusted.relative_lift,
        holm_adjusted.relative_lift_ci_lower,
        holm_adjusted.relative_lift_ci_upper,
        holm_adjusted.p_value,
        holm_adjusted.holm_p_value,
        holm_adjusted.holm_p_value < {{ var('holm_significance_level') }}
            as is_significant_after_holm,
        holm_adjusted.incremental_conversions,
        holm_adjusted.sent_count,
        holm_adjusted.message_cost,
        holm_adjusted.reward_cost,
        cast(holm_adjusted.total_cost as decimal(18, 4)) as total_cost,
        cast(holm_adjusted.baseline_total_cost as decimal(18, 4))
            as baseline_total_cost,
        holm_adjusted.cost_basis as incremental_cost,
        holm_adjusted.cost_per_incremental_conversion,
        holm_adjusted.revenue_per_assigned_user,
        holm_adjusted.baseline_revenue_per_assigned_user,
        holm_adjusted.incremental_revenue,
        holm_adjusted.roi,
        holm_adjusted.is_window_open

    from holm_adjusted
    inner join arms
        on
            holm_adjusted.campaign_id = arms.campaign_id
            and holm_adjusted.variant_id = arms.variant_id
    inner join arms as baseline_arms
        on
            holm_adjusted.campaign_id = baseline_arms.campaign_id
            and holm_adjusted.baseline_variant_id = baseline_arms.variant_id

)

select * from final
