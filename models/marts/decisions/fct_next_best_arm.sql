{#-
    One row per planned campaign x eligible user: the arm to send, or none
    (variant_id null) when no arm's expected incremental value exceeds its
    expected cost, and the budget allocation (README "Uplift"). Eligible:
    in the campaign's target_state on as_of_date (dim_user_segments; any
    state for 'any') and reached by at least one arm's channel
    (is_reachable_<channel>; a channel without a reachability rule reaches
    everyone). Each arm of the campaign learns from its matched arm of a
    completed campaign (int_planned_arms_matched); for a user whose cell
    today (state|value tier|response tier) the matched arm has an estimate
    for: expected_incremental_conversions = the cell's shrunk lift
    (rpt_campaign_uplift_cells), else the matched arm's lift; expected
    incremental value = that x the value of one conversion; expected_cost =
    the arm's cost per send + the cell's reward cost per assigned user
    (the matched arm's when the cell is missing). The arm is the one with the greatest expected incremental value minus expected
    cost (ties: the smaller variant_id); a user without an arm has 0
    expected conversions, value and cost. Budget (var uplift_budget):
    users with an arm are ranked greedily by expected incremental value per
    unit of expected cost (an arm that costs nothing first, then the
    greater ratio, then the greater value, then the recall priority order
    of dim_user_segments, rulings R31: users of one cell tie on the
    ratio); budget_rank is
    that rank (null without an arm) and is_selected_under_budget holds
    while the running sum of expected cost in rank order stays within the
    budget.
-#}
{%- set double = recall_type_double() -%}

with

matched_arms as (

    select
        campaign_id,
        variant_id,
        target_state,
        channel,
        cost_per_send,
        matched_campaign_id,
        matched_variant_id,
        matched_arm_lift,
        value_per_conversion,
        reward_cost_per_user

    from {{ ref('int_planned_arms_matched') }}

),

cells as (

    select
        campaign_id,
        variant_id,
        cell_id,
        assigned_count,
        shrunk_lift,
        reward_cost

    from {{ ref('int_campaign_uplift_cells_estimated') }}
    where sample_name = 'all'

),

users as (

    select
        user_id,
        lifecycle_state,
        value_tier,
        response_tier,
        recall_priority_rank,
        {{ recall_reachability_columns() }}

    from {{ ref('dim_user_segments') }}

),

users_eligible as (

    {#- Users in the campaign's target state today whom the arm's channel
        reaches (a channel without a reachability rule reaches everyone). #}
    select
        matched_arms.campaign_id,
        matched_arms.variant_id,
        matched_arms.matched_campaign_id,
        matched_arms.matched_variant_id,
        matched_arms.matched_arm_lift,
        matched_arms.value_per_conversion,
        matched_arms.reward_cost_per_user,
        matched_arms.cost_per_send,
        users.user_id,
        users.recall_priority_rank,
        {{ dbt.concat(['users.lifecycle_state', "'|'", 'users.value_tier',
            "'|'", 'users.response_tier']) }} as cell_id

    from matched_arms
    inner join users
        on
            matched_arms.target_state = 'any'
            or matched_arms.target_state = users.lifecycle_state
    where
        case
            {%- for channel in recall_channels(reachability=true) %}
            when matched_arms.channel = {{
                recall_string_literal(channel.channel) }}
                then users.is_reachable_{{ channel.channel }}
            {%- endfor %}
            else true
        end

),

candidates as (

    select
        users_eligible.campaign_id,
        users_eligible.user_id,
        users_eligible.variant_id,
        users_eligible.recall_priority_rank,
        coalesce(cells.shrunk_lift, users_eligible.matched_arm_lift)
            as expected_incremental_conversions,
        coalesce(cells.shrunk_lift, users_eligible.matched_arm_lift)
        * users_eligible.value_per_conversion as expected_incremental_value,
        coalesce(users_eligible.cost_per_send, 0)
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

arms_ranked as (

    select
        candidates.*,
        row_number() over (
            partition by candidates.campaign_id, candidates.user_id
            order by
                candidates.expected_incremental_value
                - candidates.expected_cost desc,
                candidates.variant_id
        ) as arm_rank

    from candidates
    where candidates.expected_incremental_value is not null

),

users_listed as (

    select distinct
        candidates.campaign_id,
        candidates.user_id,
        candidates.recall_priority_rank

    from candidates

),

arms_chosen as (

    select
        users_listed.campaign_id,
        users_listed.user_id,
        users_listed.recall_priority_rank,
        arms_ranked.variant_id,
        coalesce(arms_ranked.expected_incremental_conversions, 0)
            as expected_incremental_conversions,
        coalesce(arms_ranked.expected_incremental_value, 0)
            as expected_incremental_value,
        coalesce(arms_ranked.expected_cost, 0) as expected_cost

    from users_listed
    left join arms_ranked
        on
            users_listed.campaign_id = arms_ranked.campaign_id
            and users_listed.user_id = arms_ranked.user_id
            and arms_ranked.arm_rank = 1
            and arms_ranked.expected_incremental_value
            > arms_ranked.expected_cost

),

budget_ranked as (

    select
        arms_chosen.*,
        row_number() over (
            partition by arms_chosen.campaign_id
            order by
                case when arms_chosen.expected_cost > 0 then 1 else 0 end,
                {{ recall_safe_divide('arms_chosen.expected_incremental_value',
                    'arms_chosen.expected_cost') }} desc,
                arms_chosen.expected_incremental_value desc,
                arms_chosen.recall_priority_rank asc,
                arms_chosen.user_id asc
        ) as budget_rank

    from arms_chosen
    where arms_chosen.variant_id is not null

),

budget_spent as (

    select
        budget_ranked.campaign_id,
        budget_ranked.user_id,
        budget_ranked.budget_rank,
        sum(budget_ranked.expected_cost) over (
            partition by budget_ranked.campaign_id
            order by budget_ranked.budget_rank
            rows between unbounded preceding and current row
        ) as cumulative_cost

    from budget_ranked

),

final as (

    select
        arms_chosen.campaign_id,
        arms_chosen.user_id,
        arms_chosen.variant_id,
        cast(arms_chosen.expected_incremental_conversions as {{ double }})
            as expected_incremental_conversions,
        cast(arms_chosen.expected_incremental_value as {{ double }})
            as expected_incremental_value,
        cast(arms_chosen.expected_cost as {{ double }}) as expected_cost,
        cast(budget_spent.budget_rank as {{ dbt.type_bigint() }})
            as budget_rank,
        coalesce(
            budget_spent.cumulative_cost
            <= cast({{ var('uplift_budget') }} as {{ double }}),
            false
        ) as is_selected_under_budget,
        cast(budget_spent.cumulative_cost as {{ double }})
            as cumulative_cost

    from arms_chosen
    left join budget_spent
        on
            arms_chosen.campaign_id = budget_spent.campaign_id
            and arms_chosen.user_id = budget_spent.user_id

)

select * from final
