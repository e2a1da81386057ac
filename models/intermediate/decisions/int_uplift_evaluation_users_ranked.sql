{#-
    One row per completed campaign x policy x assigned user of the
    evaluation half (int_campaign_assignments_celled): the user's place in
    the policy's targeting order (policy_rank, 1 = targeted first), the arm
    the policy gives the user and what the user did in the experiment. The
    cell effects are fitted on the fit half only
    (int_campaign_uplift_cells_estimated, sample_name 'fit'); a user's
    predicted lift for an arm is the fitted shrunk lift of the user's cell,
    or the arm's fitted lift when the fit half has no user of that cell in
    the arm. Policies:
      uplift: the arm with the highest predicted lift (ties: the smaller
        variant_id), users in descending order of that lift;
      random: an arm and an order drawn from a portable hash (md5,
        dbt.hash) of campaign, user and arm, so every run draws the same;
      best_arm_for_all: the arm with the highest fitted lift over the whole
        fit half for everyone, users in recall priority order
        (recall_priority_order, with the cell's state, value tier and
        response tier known at assignment; days inactive are not part of
        the cell and count as 0).
    Ties of the order fall back to the hash of campaign and user. A user
    counts as treated by the policy (is_policy_arm) when assigned to the
    arm the policy gives them. arm_cost: what the arm spent per assigned
    user in the campaign (messages + rewards, int_campaign_arms_summarised).
-#}

with

campaigns as (

    select campaign_id
    from {{ ref('int_campaigns_staged') }}
    where is_completed

),

assignments as (

    select
        campaign_id,
        user_id,
        variant_id,
        is_control,
        lifecycle_state,
        value_tier,
        response_tier,
        cell_id,
        is_converted

    from {{ ref('int_campaign_assignments_celled') }}
    where sample_half = 'evaluation'

),

fitted_cells as (

    select
        campaign_id,
        variant_id,
        cell_id,
        shrunk_lift,
        arm_lift

    from {{ ref('int_campaign_uplift_cells_estimated') }}
    where sample_name = 'fit'

),

arms as (

    select
        campaign_id,
        variant_id,
        assigned_count,
        message_cost,
        reward_cost

    from {{ ref('int_campaign_arms_summarised') }}
    where not is_control

),

fitted_arms as (

    select
        fitted_cells.campaign_id,
        fitted_cells.variant_id,
        max(fitted_cells.arm_lift) as arm_lift

    from fitted_cells
    where fitted_cells.arm_lift is not null
    group by
        fitted_cells.campaign_id,
        fitted_cells.variant_id

),

arms_priced as (

    select
        fitted_arms.campaign_id,
        fitted_arms.variant_id,
        fitted_arms.arm_lift,
        {{ recall_safe_divide('arms.message_cost + arms.reward_cost',
            'arms.assigned_count') }} as arm_cost,
        row_number() over (
            partition by fitted_arms.campaign_id
            order by fitted_arms.arm_lift desc, fitted_arms.variant_id asc
        ) as lift_rank

    from fitted_arms
    inner join arms
        on
            fitted_arms.campaign_id = arms.campaign_id
            and fitted_arms.variant_id = arms.variant_id

),

users_hashed as (

    select
        assignments.*,
        {{ dbt.hash(dbt.concat(['assignments.campaign_id', "'|'",
            'assignments.user_id'])) }} as user_hash

    from assignments
    inner join campaigns
        on assignments.campaign_id = campaigns.campaign_id

),

users_armed as (

    {#- Every evaluation user x every fitted treatment arm. -#}
    select
        users_hashed.campaign_id,
        users_hashed.user_id,
        arms_priced.variant_id as policy_variant_id,
        arms_priced.arm_cost,
        arms_priced.lift_rank,
        coalesce(fitted_cells.shrunk_lift, arms_priced.arm_lift)
            as predicted_lift,
        {{ dbt.hash(dbt.concat(['users_hashed.campaign_id', "'|'",
            'users_hashed.user_id', "'|'", 'arms_priced.variant_id'])) }}
            as arm_hash

    from users_hashed
    inner join arms_priced
        on users_hashed.campaign_id = arms_priced.campaign_id
    left join fitted_cells
        on
            users_hashed.campaign_id = fitted_cells.campaign_id
            and arms_priced.variant_id = fitted_cells.variant_id
            and users_hashed.cell_id = fitted_cells.cell_id

),

arms_ordered as (

    select
        users_armed.*,
        row_number() over (
            partition by users_armed.campaign_id, users_armed.user_id
            order by
                users_armed.predicted_lift desc,
                users_armed.policy_variant_id asc
        ) as uplift_arm_rank,
        row_number() over (
            partition by users_armed.campaign_id, users_armed.user_id
            order by users_armed.arm_hash
        ) as random_arm_rank

    from users_armed

),

policies_listed as (

    select
        'uplift' as policy,  -- noqa: RF04
        arms_ordered.campaign_id,
        arms_ordered.user_id,
        arms_ordered.policy_variant_id,
        arms_ordered.arm_cost,
        arms_ordered.predicted_lift

    from arms_ordered
    where arms_ordered.uplift_arm_rank = 1

    union all

    select
        'random' as policy,  -- noqa: RF04
        arms_ordered.campaign_id,
        arms_ordered.user_id,
        arms_ordered.policy_variant_id,
        arms_ordered.arm_cost,
        arms_ordered.predicted_lift

    from arms_ordered
    where arms_ordered.random_arm_rank = 1

    union all

    select
        'best_arm_for_all' as policy,  -- noqa: RF04
        arms_ordered.campaign_id,
        arms_ordered.user_id,
        arms_ordered.policy_variant_id,
        arms_ordered.arm_cost,
        arms_ordered.predicted_lift

    from arms_ordered
    where arms_ordered.lift_rank = 1

),

policies_joined as (

    select
        policies_listed.policy,
        policies_listed.campaign_id,
        policies_listed.user_id,
        policies_listed.policy_variant_id,
        policies_listed.arm_cost,
        policies_listed.predicted_lift,
        users_hashed.variant_id,
        users_hashed.is_control,
        users_hashed.is_converted,
        users_hashed.lifecycle_state,
        users_hashed.value_tier,
        users_hashed.response_tier,
        users_hashed.user_hash

    from policies_listed
    inner join users_hashed
        on
            policies_listed.campaign_id = users_hashed.campaign_id
            and policies_listed.user_id = users_hashed.user_id

),

users_ranked as (

    select
        policies_joined.*,
        row_number() over (
            partition by policies_joined.campaign_id
            order by
                policies_joined.predicted_lift desc,
                policies_joined.user_hash asc
        ) as policy_rank

    from policies_joined
    where policies_joined.policy = 'uplift'

    union all

    select
        policies_joined.*,
        row_number() over (
            partition by policies_joined.campaign_id
            order by policies_joined.user_hash
        ) as policy_rank

    from policies_joined
    where policies_joined.policy = 'random'

    union all

    select
        policies_joined.*,
        row_number() over (
            partition by policies_joined.campaign_id
            order by
                {{ recall_priority_order('true',
                    'policies_joined.lifecycle_state',
                    'policies_joined.value_tier',
                    'policies_joined.response_tier', '0',
                    'policies_joined.user_hash') | indent(16) }}
        ) as policy_rank

    from policies_joined
    where policies_joined.policy = 'best_arm_for_all'

),

final as (

    select
        users_ranked.campaign_id,
        users_ranked.policy,
        users_ranked.user_id,
        users_ranked.policy_rank,
        users_ranked.policy_variant_id,
        cast(users_ranked.predicted_lift as {{ recall_type_double() }})
            as predicted_lift,
        cast(users_ranked.arm_cost as {{ recall_type_double() }})
            as arm_cost,
        users_ranked.variant_id,
        users_ranked.is_control,
        not users_ranked.is_control
        and users_ranked.variant_id = users_ranked.policy_variant_id
            as is_policy_arm,
        users_ranked.is_converted

    from users_ranked

)

select * from final
