{#-
    One row per treatment arm of a planned campaign (int_campaigns_staged)
    that has a match: the arm of a completed campaign it learns its effects
    from (README "Uplift"), with what fct_next_best_arm needs to price it.
    The match: same channel and hook (a missing hook is 'none'), then
    preferring the same copy_id (the same message text; a campaign planned
    again matches its own arms), the same conversion event, the same target state, the
    nearest offer_value (a missing offer is 0), the latest ends_at, the
    greatest campaign_id and the smallest variant_id. A planned arm without
    a candidate has no row (it is never chosen).
      value_per_conversion = the planned campaign's conversion event's
        value (var uplift_conversion_values), else the matched arm's gross
        revenue in the window per converted user (sample_name 'all' of
        int_campaign_uplift_cells_estimated);
      matched_arm_lift = the matched arm's overall lift, the fallback for a
        user whose cell the matched arm has no estimate for;
      reward_cost_per_user = the matched arm's reward cost per assigned
        user, the fallback of the cell's.
-#}
{%- set values = var('uplift_conversion_values') -%}
{%- set double = recall_type_double() -%}

with

campaigns as (

    select
        campaign_id,
        target_state,
        conversion_event,
        ends_at,
        is_completed,
        is_planned

    from {{ ref('int_campaigns_staged') }}

),

variants as (

    select
        campaign_id,
        variant_id,
        channel,
        coalesce(hook_type, 'none') as hook_type,
        coalesce(offer_value, 0) as offer_value,
        copy_id,
        cost_per_send

    from {{ ref('int_campaign_variants_enriched') }}
    where not is_control

),

cells as (

    select
        campaign_id,
        variant_id,
        assigned_count,
        converted_count,
        arm_lift,
        gross_revenue,
        reward_cost

    from {{ ref('int_campaign_uplift_cells_estimated') }}
    where sample_name = 'all'

),

arms_learned as (

    select
        cells.campaign_id,
        cells.variant_id,
        max(cells.arm_lift) as arm_lift,
        {{ recall_safe_divide('sum(cells.gross_revenue)',
            'sum(cells.converted_count)') }} as revenue_per_conversion,
        {{ recall_safe_divide('sum(cells.reward_cost)',
            'sum(cells.assigned_count)') }} as reward_cost_per_user

    from cells
    group by
        cells.campaign_id,
        cells.variant_id

),

planned_arms as (

    select
        campaigns.campaign_id,
        campaigns.target_state,
        campaigns.conversion_event,
        variants.variant_id,
        variants.channel,
        variants.hook_type,
        variants.offer_value,
        variants.copy_id,
        variants.cost_per_send

    from campaigns
    inner join variants
        on campaigns.campaign_id = variants.campaign_id
    where campaigns.is_planned

),

learned_arms as (

    select
        campaigns.campaign_id,
        campaigns.target_state,
        campaigns.conversion_event,
        campaigns.ends_at,
        variants.variant_id,
        variants.channel,
        variants.hook_type,
        variants.offer_value,
        variants.copy_id,
        arms_learned.arm_lift,
        arms_learned.revenue_per_conversion,
        arms_learned.reward_cost_per_user

    from campaigns
    inner join variants
        on campaigns.campaign_id = variants.campaign_id
    inner join arms_learned
        on
            variants.campaign_id = arms_learned.campaign_id
            and variants.variant_id = arms_learned.variant_id
    where
        campaigns.is_completed
        and arms_learned.arm_lift is not null

),

arms_matched as (

    select
        planned_arms.*,
        learned_arms.campaign_id as matched_campaign_id,
        learned_arms.variant_id as matched_variant_id,
        learned_arms.arm_lift as matched_arm_lift,
        learned_arms.revenue_per_conversion,
        learned_arms.reward_cost_per_user,
        row_number() over (
            partition by planned_arms.campaign_id, planned_arms.variant_id
            order by
                case
                    when learned_arms.copy_id = planned_arms.copy_id
                        then 0
                    else 1
                end asc,
                case
                    when learned_arms.conversion_event
                        = planned_arms.conversion_event
                        then 0
                    else 1
                end asc,
                case
                    when learned_arms.target_state = planned_arms.target_state
                        then 0
                    else 1
                end asc,
                abs(learned_arms.offer_value - planned_arms.offer_value) asc,
                learned_arms.ends_at desc,
                learned_arms.campaign_id desc,
                learned_arms.variant_id asc
        ) as match_rank

    from planned_arms
    inner join learned_arms
        on
            planned_arms.channel = learned_arms.channel
            and planned_arms.hook_type = learned_arms.hook_type

),

final as (

    select
        arms_matched.campaign_id,
        arms_matched.variant_id,
        arms_matched.target_state,
        arms_matched.channel,
        arms_matched.conversion_event,
        cast(arms_matched.cost_per_send as {{ double }}) as cost_per_send,
        arms_matched.matched_campaign_id,
        arms_matched.matched_variant_id,
        cast(arms_matched.matched_arm_lift as {{ double }})
            as matched_arm_lift,
        cast(
            case
                {%- for event_name, value in values.items() %}
                when arms_matched.conversion_event = {{
                    recall_string_literal(event_name) }}
                    then cast({{ value }} as {{ double }})
                {%- endfor %}
                else arms_matched.revenue_per_conversion
            end as {{ double }}
        ) as value_per_conversion,
        cast(arms_matched.reward_cost_per_user as {{ double }})
            as reward_cost_per_user

    from arms_matched
    where arms_matched.match_rank = 1

)

select * from final
