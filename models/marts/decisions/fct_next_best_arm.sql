{#-
    One row per planned campaign x eligible user (int_campaigns_staged,
    int_next_best_arm_candidates_scored): the arm to send, or none
    (variant_id null) when no arm's expected incremental value exceeds its
    expected cost, and the budget allocation (README "Uplift"). The arm is
    the one with the greatest expected incremental value minus expected
    cost (ties: the smaller variant_id); a user without an arm has 0
    expected conversions, value and cost. Budget (var uplift_budget):
    users with an arm are ranked greedily by expected incremental value per
    unit of expected cost (an arm that costs nothing first, then the
    greater ratio, then the greater value, then user_id); budget_rank is
    that rank (null without an arm) and is_selected_under_budget holds
    while the running sum of expected cost in rank order stays within the
    budget.
-#}
{%- set double = recall_type_double() -%}

with

candidates as (

    select
        campaign_id,
        user_id,
        variant_id,
        expected_incremental_conversions,
        expected_incremental_value,
        expected_cost

    from {{ ref('int_next_best_arm_candidates_scored') }}

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
        candidates.user_id

    from candidates

),

arms_chosen as (

    select
        users_listed.campaign_id,
        users_listed.user_id,
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
                arms_chosen.user_id
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
