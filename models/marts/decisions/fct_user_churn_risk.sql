{#-
    One row per user per score day (active or silent at the end of the
    day, scored with what was known then): publishes the churn-risk score
    of int_churn_score_days_scored.
-#}

with

scored as (

    select
        user_id,
        score_date,
        horizon_days,
        lifecycle_state,
        days_inactive,
        churn_probability,
        risk_band,
        risk_driver,
        model_version

    from {{ ref('int_churn_score_days_scored') }}

),

final as (

    select
        scored.user_id,
        scored.score_date,
        scored.horizon_days,
        scored.lifecycle_state,
        scored.days_inactive,
        scored.churn_probability,
        scored.risk_band,
        scored.risk_driver,
        scored.model_version

    from scored

)

select * from final
