{#-
    One row per completed campaign x policy (uplift, random,
    best_arm_for_all) x targeted share (var uplift_targeted_shares): the
    held-out evaluation of targeting (README "Uplift"). The policies order
    the evaluation half and give each user an arm
    (int_uplift_evaluation_users_ranked, fitted on the other half). At share
    s the policy targets its first targeted_count = ceil(s x N) users, N
    the evaluation half. Among them, treated = users the experiment
    assigned to the arm the policy gives them, control = the control arm's
    users. incremental_conversions = targeted_count x (treated converted /
    treated - control converted / control): Radcliffe's Qini point
    (treated converted - control converted x treated / control), scaled
    from the treated users to every targeted user, so policies whose arms
    took different shares of the audience compare on one scale; null when
    either group is empty there (R38). cost: what the targeted users'
    arms cost per assigned user, summed; budget: the uplift policy's cost
    at the same share (what the other policies' rows are held against).
    qini_coefficient, one figure per campaign x policy: the area under the
    policy's curve of incremental conversions over targeted share (the
    trapezoid rule over (0, 0) and the shares, an empty point counting 0)
    minus the area under random targeting's diagonal, the straight line
    from (0, 0) to the random policy's point at the largest share. Above 0:
    the order finds the responders faster than chance (a random order
    itself scores near 0).
-#}
{%- set shares = var('uplift_targeted_shares') | sort -%}
{%- set double = recall_type_double() -%}

with

users_ranked as (

    select
        campaign_id,
        policy,
        policy_rank,
        arm_cost,
        is_control,
        is_policy_arm,
        is_converted

    from {{ ref('int_uplift_evaluation_users_ranked') }}

),

shares_listed as (

    {%- for share in shares %}
    select cast({{ share }} as decimal(9, 6)) as targeted_share
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

users_accumulated as (

    select
        users_ranked.campaign_id,
        users_ranked.policy,
        users_ranked.policy_rank,
        count(*) over (
            partition by users_ranked.campaign_id, users_ranked.policy
        ) as evaluation_count,
        sum(case when users_ranked.is_policy_arm then 1 else 0 end) over (
            partition by users_ranked.campaign_id, users_ranked.policy
            order by users_ranked.policy_rank
            rows between unbounded preceding and current row
        ) as treated_count,
        sum(
            case
                when users_ranked.is_policy_arm and users_ranked.is_converted
                    then 1
                else 0
            end
        ) over (
            partition by users_ranked.campaign_id, users_ranked.policy
            order by users_ranked.policy_rank
            rows between unbounded preceding and current row
        ) as treated_converted_count,
        sum(case when users_ranked.is_control then 1 else 0 end) over (
            partition by users_ranked.campaign_id, users_ranked.policy
            order by users_ranked.policy_rank
            rows between unbounded preceding and current row
        ) as control_count,
        sum(
            case
                when users_ranked.is_control and users_ranked.is_converted
                    then 1
                else 0
            end
        ) over (
            partition by users_ranked.campaign_id, users_ranked.policy
            order by users_ranked.policy_rank
            rows between unbounded preceding and current row
        ) as control_converted_count,
        sum(coalesce(users_ranked.arm_cost, 0)) over (
            partition by users_ranked.campaign_id, users_ranked.policy
            order by users_ranked.policy_rank
            rows between unbounded preceding and current row
        ) as cost  -- noqa: RF04

    from users_ranked

),

points_read as (

    select
        users_accumulated.campaign_id,
        users_accumulated.policy,
        shares_listed.targeted_share,
        users_accumulated.policy_rank as targeted_count,
        users_accumulated.treated_count,
        users_accumulated.treated_converted_count,
        users_accumulated.control_count,
        users_accumulated.control_converted_count,
        users_accumulated.policy_rank
        * (
            {{ recall_safe_divide(
                'users_accumulated.treated_converted_count',
                'users_accumulated.treated_count') }}
            - {{ recall_safe_divide(
                'users_accumulated.control_converted_count',
                'users_accumulated.control_count') }}
        ) as incremental_conversions,
        users_accumulated.cost

    from users_accumulated
    inner join shares_listed
        on
            users_accumulated.policy_rank
            = ceiling(
                shares_listed.targeted_share
                * users_accumulated.evaluation_count
            )

),

points_paired as (

    select
        points_read.*,
        coalesce(
            lag(points_read.targeted_share) over (
                partition by points_read.campaign_id, points_read.policy
                order by points_read.targeted_share
            ),
            0
        ) as previous_share,
        coalesce(
            lag(points_read.incremental_conversions) over (
                partition by points_read.campaign_id, points_read.policy
                order by points_read.targeted_share
            ),
            0
        ) as previous_incremental_conversions

    from points_read

),

areas_summed as (

    select
        points_paired.campaign_id,
        points_paired.policy,
        sum(
            cast(
                points_paired.targeted_share - points_paired.previous_share
                as {{ double }}
            )
            * (
                coalesce(points_paired.incremental_conversions, 0)
                + points_paired.previous_incremental_conversions
            )
            / 2
        ) as curve_area

    from points_paired
    group by
        points_paired.campaign_id,
        points_paired.policy

),

random_diagonals as (

    select
        points_read.campaign_id,
        cast(points_read.targeted_share as {{ double }})
        * points_read.incremental_conversions / 2 as diagonal_area

    from points_read
    where
        points_read.policy = 'random'
        and points_read.targeted_share
        = cast({{ shares | last }} as decimal(9, 6))

),

budgets_read as (

    select
        points_read.campaign_id,
        points_read.targeted_share,
        points_read.cost as budget

    from points_read
    where points_read.policy = 'uplift'

),

final as (

    select
        points_read.campaign_id,
        points_read.policy,
        cast(points_read.targeted_share as {{ double }}) as targeted_share,
        cast(points_read.targeted_count as {{ dbt.type_bigint() }})
            as targeted_count,
        cast(points_read.incremental_conversions as {{ double }})
            as incremental_conversions,
        cast(
            areas_summed.curve_area - random_diagonals.diagonal_area
            as {{ double }}
        ) as qini_coefficient,
        cast(budgets_read.budget as {{ double }}) as budget,
        cast(points_read.cost as {{ double }}) as cost,  -- noqa: RF04
        cast(points_read.treated_count as {{ dbt.type_bigint() }})
            as treated_count,
        cast(points_read.treated_converted_count as {{ dbt.type_bigint() }})
            as treated_converted_count,
        cast(points_read.control_count as {{ dbt.type_bigint() }})
            as control_count,
        cast(points_read.control_converted_count as {{ dbt.type_bigint() }})
            as control_converted_count

    from points_read
    inner join areas_summed
        on
            points_read.campaign_id = areas_summed.campaign_id
            and points_read.policy = areas_summed.policy
    left join random_diagonals
        on points_read.campaign_id = random_diagonals.campaign_id
    left join budgets_read
        on
            points_read.campaign_id = budgets_read.campaign_id
            and points_read.targeted_share = budgets_read.targeted_share

)

select * from final
