{#-
    One row per past score day with a complete outcome window per decile of
    the churn-risk score (1 = the lowest tenth, 10 = the highest; ties
    ordered by user_id): the mean predicted probability against the share
    that churned within the horizon.
-#}

with

scored as (

    select
        user_id,
        score_date,
        churn_probability,
        case when is_churned_within_horizon then 1 else 0 end as is_churned

    from {{ ref('int_churn_score_days_scored') }}
    where is_churned_within_horizon is not null

),

deciles_assigned as (

    select
        scored.score_date,
        scored.churn_probability,
        scored.is_churned,
        ntile(10) over (
            partition by scored.score_date
            order by scored.churn_probability asc, scored.user_id asc
        ) as decile

    from scored

),

final as (

    select
        deciles_assigned.score_date,
        cast(deciles_assigned.decile as {{ dbt.type_int() }}) as decile,
        cast(count(*) as {{ dbt.type_bigint() }}) as users_count,
        avg(deciles_assigned.churn_probability) as predicted_rate,
        avg(cast(deciles_assigned.is_churned as {{ recall_type_double() }}))
            as observed_rate

    from deciles_assigned
    group by
        deciles_assigned.score_date,
        deciles_assigned.decile

)

select * from final
