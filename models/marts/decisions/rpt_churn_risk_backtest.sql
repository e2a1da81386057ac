{#-
    One row per past score day with a complete outcome window (score day +
    churn_horizon_days <= as_of_date) per model: score (the churn-risk
    probability of int_churn_score_days_scored) and naive_days_inactive
    (the rule days_inactive >= k at the k with the best AUC on that day).
    AUC by the rank-sum (Mann-Whitney) formula with average ranks for ties:
    (sum of the churners' ranks - P (P + 1) / 2) / (P N), so a tied pair
    counts one half. Precision and recall at the top 10 %: the ceil(10 %)
    highest-scored users, a tie straddling the cutoff taken in random
    order, i.e. each of its users counts for the share of the tie that fits
    (the expected figures).
-#}

with

scored as (

    select
        user_id,
        score_date,
        days_inactive,
        churn_probability,
        case when is_churned_within_horizon then 1 else 0 end as is_churned

    from {{ ref('int_churn_score_days_scored') }}
    where is_churned_within_horizon is not null

),

days_counted as (

    select
        scored.score_date,
        count(*) as users_scored,
        sum(scored.is_churned) as churned_count

    from scored
    group by scored.score_date

),

inactivity_counted as (

    select
        scored.score_date,
        scored.days_inactive,
        count(*) as users_count,
        sum(scored.is_churned) as churned_count

    from scored
    group by
        scored.score_date,
        scored.days_inactive

),

thresholds_rated as (

    {#- The rule days_inactive >= k for every k seen on the day: with
        two-valued scores the rank-sum AUC is (1 + TPR - FPR) / 2. #}
    select
        inactivity_counted.score_date,
        inactivity_counted.days_inactive as threshold_days,
        (
            1.0
            + {{ recall_safe_divide(
                'sum(inactivity_counted.churned_count) over ('
                ~ ' partition by inactivity_counted.score_date'
                ~ ' order by inactivity_counted.days_inactive desc'
                ~ ' rows between unbounded preceding and current row)',
                'days_counted.churned_count') }}
            - {{ recall_safe_divide(
                'sum(inactivity_counted.users_count'
                ~ ' - inactivity_counted.churned_count) over ('
                ~ ' partition by inactivity_counted.score_date'
                ~ ' order by inactivity_counted.days_inactive desc'
                ~ ' rows between unbounded preceding and current row)',
                'days_counted.users_scored - days_counted.churned_count') }}
        ) / 2 as threshold_auc

    from inactivity_counted
    inner join days_counted
        on inactivity_counted.score_date = days_counted.score_date

),

thresholds_ranked as (

    {#- The best k: the highest AUC, the smallest k among equals. #}
    select
        thresholds_rated.score_date,
        thresholds_rated.threshold_days,
        row_number() over (
            partition by thresholds_rated.score_date
            order by
                coalesce(thresholds_rated.threshold_auc, 0) desc,
                thresholds_rated.threshold_days asc
        ) as threshold_rank

    from thresholds_rated

),

models_scored as (

    select
        scored.score_date,
        'score' as model,  -- noqa: RF04
        scored.churn_probability as score_value,
        scored.is_churned

    from scored

    union all

    select
        scored.score_date,
        'naive_days_inactive' as model,  -- noqa: RF04
        case
            when scored.days_inactive >= thresholds_ranked.threshold_days
                then 1.0
            else 0.0
        end as score_value,
        scored.is_churned

    from scored
    inner join thresholds_ranked
        on
            scored.score_date = thresholds_ranked.score_date
            and thresholds_ranked.threshold_rank = 1

),

ties_grouped as (

    select
        models_scored.score_date,
        models_scored.model,
        models_scored.score_value,
        count(*) as users_count,
        sum(models_scored.is_churned) as churned_count

    from models_scored
    group by
        models_scored.score_date,
        models_scored.model,
        models_scored.score_value

),

ties_ranked as (

    select
        ties_grouped.*,
        coalesce(
            sum(ties_grouped.users_count) over (
                partition by ties_grouped.score_date, ties_grouped.model
                order by ties_grouped.score_value asc
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) as lower_count,
        coalesce(
            sum(ties_grouped.users_count) over (
                partition by ties_grouped.score_date, ties_grouped.model
                order by ties_grouped.score_value desc
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) as higher_count

    from ties_grouped

),

ties_weighed as (

    select
        ties_ranked.score_date,
        ties_ranked.model,
        {#- The churners' rank sum, each tie at its average rank. #}
        ties_ranked.churned_count
        * (ties_ranked.lower_count + (ties_ranked.users_count + 1) / 2.0)
            as churned_rank_sum,
        {#- Churners expected among the top-10 % cutoff. #}
        ties_ranked.churned_count
        * cast(
            greatest(
                least(
                    ceil(0.1 * days_counted.users_scored)
                    - ties_ranked.higher_count,
                    ties_ranked.users_count
                ),
                0
            ) as {{ recall_type_double() }}
        )
        / ties_ranked.users_count as top_churned_count

    from ties_ranked
    inner join days_counted
        on ties_ranked.score_date = days_counted.score_date

),

models_summed as (

    select
        ties_weighed.score_date,
        ties_weighed.model,
        sum(ties_weighed.churned_rank_sum) as churned_rank_sum,
        sum(ties_weighed.top_churned_count) as top_churned_count

    from ties_weighed
    group by
        ties_weighed.score_date,
        ties_weighed.model

),

final as (

    select
        models_summed.score_date,
        models_summed.model,
        cast({{ var('churn_horizon_days') }} as {{ dbt.type_bigint() }})
            as horizon_days,
        cast(days_counted.users_scored as {{ dbt.type_bigint() }})
            as users_scored,
        cast(days_counted.churned_count as {{ dbt.type_bigint() }})
            as churned_count,
        {{ recall_safe_divide(
            'models_summed.churned_rank_sum - days_counted.churned_count'
            ~ ' * (days_counted.churned_count + 1) / 2.0',
            'cast(days_counted.churned_count as ' ~ recall_type_double()
            ~ ') * (days_counted.users_scored - days_counted.churned_count)')
        }} as auc,
        {{ recall_safe_divide('models_summed.top_churned_count',
            'ceil(0.1 * days_counted.users_scored)') }}
            as precision_at_top_10pct,
        {{ recall_safe_divide('models_summed.top_churned_count',
            'days_counted.churned_count') }} as recall_at_top_10pct

    from models_summed
    inner join days_counted
        on models_summed.score_date = days_counted.score_date

)

select * from final
