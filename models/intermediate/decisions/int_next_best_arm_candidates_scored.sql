{#-
    One row per planned campaign (int_campaigns_staged) x eligible user x
    treatment arm that reaches the user: what sending the arm is expected
    to bring and cost (README "Uplift"). Eligible: the user's lifecycle
    state on as_of_date is the campaign's target_state (any state for
    'any'), and the arm's channel reaches the user (dim_user_segments'
    is_reachable_<channel>; a channel without a reachability rule reaches
    everyone).
    Each planned arm learns from one arm of a completed campaign, its
    match: same channel and hook (a missing hook is 'none'), then
    preferring the same conversion event, the same target state, the
    nearest offer_value (a missing offer is 0), the latest ends_at, the
    greatest campaign_id and the smallest variant_id. A planned arm without
    a match gets no rows.
    For a user whose cell today (state x value tier x response tier, as in
    rpt_campaign_uplift_cells) is a cell of the matched arm:
      expected_incremental_conversions = the cell's shrunk lift, else the
        matched arm's lift;
      value_per_conversion = the conversion event's value
        (var uplift_conversion_values), else the matched arm's gross
        revenue in the window per converted user;
      expected_incremental_value = conversions x value per conversion;
      expected_cost = the arm's cost per send + the matched cell's reward
        cost per assigned user (the arm's when the cell is missing).
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
        cost_per_send

    from {{ ref('int_campaign_variants_enriched') }}
    where not is_control

),

cells as (

    select
        campaign_id,
        variant_id,
        cell_id,
        assigned_count,
        converted_count,
        shrunk_lift,
        arm_lift,
        gross_revenue,
        reward_cost

    from {{ ref('int_campaign_uplift_cells_estimated') }}
    where sample = 'all'

),

users as (

    select
        user_id,
        lifecycle_state,
        value_tier,
        response_tier,
        {{ recall_reachability_columns() }}

    from {{ ref('dim_user_segments') }}

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
                    when learned_arms.conversion_event
                        = planned_arms.conversion_event
                        then 0
                    else 1
                end,
                case
                    when learned_arms.target_state = planned_arms.target_state
                        then 0
                    else 1
                end,
                abs(learned_arms.offer_value - planned_arms.offer_value),
                learned_arms.ends_at desc,
                learned_arms.campaign_id desc,
                learned_arms.variant_id
        ) as match_rank

    from planned_arms
    inner join learned_arms
        on
            planned_arms.channel = learned_arms.channel
            and planned_arms.hook_type = learned_arms.hook_type

),

users_eligible as (

    select
        arms_matched.campaign_id,
        arms_matched.variant_id,
        arms_matched.matched_campaign_id,
        arms_matched.matched_variant_id,
        arms_matched.matched_arm_lift,
        arms_matched.conversion_event,
        arms_matched.revenue_per_conversion,
        arms_matched.reward_cost_per_user,
        arms_matched.cost_per_send,
        users.user_id,
        {{ dbt.concat(['users.lifecycle_state', "'|'", 'users.value_tier',
            "'|'", 'users.response_tier']) }} as cell_id

    from arms_matched
    inner join users
        on
            arms_matched.target_state = 'any'
            or users.lifecycle_state = arms_matched.target_state
    where
        arms_matched.match_rank = 1
        and case
            {%- for channel in recall_channels(reachability=true) %}
            when arms_matched.channel = {{
                recall_string_literal(channel.channel) }}
                then users.is_reachable_{{ channel.channel }}
            {%- endfor %}
            else true
        end

),

effects_joined as (

    select
        users_eligible.campaign_id,
        users_eligible.user_id,
        users_eligible.variant_id,
        users_eligible.matched_campaign_id,
        users_eligible.matched_variant_id,
        users_eligible.cell_id,
        cells.cell_id is not null as is_cell_matched,
        coalesce(cells.shrunk_lift, users_eligible.matched_arm_lift)
            as expected_incremental_conversions,
        case
            {%- for event_name, value in values.items() %}
            when users_eligible.conversion_event = {{
                recall_string_literal(event_name) }}
                then cast({{ value }} as {{ double }})
            {%- endfor %}
            else users_eligible.revenue_per_conversion
        end as value_per_conversion,
        cast(coalesce(users_eligible.cost_per_send, 0) as {{ double }})
        + coalesce(
            {{ recall_safe_divide('cells.reward_cost',
                'cells.assigned_count') }},
            users_eligible.reward_cost_per_user,
            0
        ) as expected_cost

    from users_eligible
    left join cells
        on
            users_eligible.matched_campaign_id = cells.campaign_id
            and users_eligible.matched_variant_id = cells.variant_id
            and users_eligible.cell_id = cells.cell_id

),

final as (

    select
        effects_joined.campaign_id,
        effects_joined.user_id,
        effects_joined.variant_id,
        effects_joined.matched_campaign_id,
        effects_joined.matched_variant_id,
        effects_joined.cell_id,
        effects_joined.is_cell_matched,
        cast(effects_joined.expected_incremental_conversions as {{ double }})
            as expected_incremental_conversions,
        cast(effects_joined.value_per_conversion as {{ double }})
            as value_per_conversion,
        cast(
            effects_joined.expected_incremental_conversions
            * effects_joined.value_per_conversion
            as {{ double }}
        ) as expected_incremental_value,
        cast(effects_joined.expected_cost as {{ double }}) as expected_cost

    from effects_joined

)

select * from final
