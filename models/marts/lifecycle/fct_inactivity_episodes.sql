{#-
    One row per inactivity episode (metrics.md §1, rulings R11-R14): a
    maximal run of silent or churned days of a user, with its dates, peak
    state, days inactive on its last day, how it ended (natural or recalled
    return, null while open), the stage of life at which the user went
    quiet and the value tier the day before it started.
-#}

with

episodes as (

    select
        episode_id,
        user_id,
        last_active_date,
        silent_from_date,
        churned_from_date,
        return_date,
        peak_state,
        days_inactive,
        is_open,
        stage_at_churn,
        is_declining

    from {{ ref('int_inactivity_episodes_spanned') }}

),

attributions as (

    select
        episode_id,
        return_type

    from {{ ref('fct_recall_attributions') }}

),

value_tiers as (

    select
        evaluation_date,
        user_id,
        value_tier

    from {{ ref('int_user_value_tiers_ranked') }}

),

final as (

    select
        episodes.episode_id,
        episodes.user_id,
        episodes.last_active_date,
        episodes.silent_from_date,
        episodes.churned_from_date,
        episodes.return_date,
        episodes.peak_state,
        episodes.days_inactive,
        episodes.is_open,
        attributions.return_type,
        episodes.stage_at_churn,
        episodes.is_declining,
        coalesce(value_tiers.value_tier, 'none') as value_tier_at_start

    from episodes
    left join attributions
        on episodes.episode_id = attributions.episode_id
    left join value_tiers
        on
            episodes.user_id = value_tiers.user_id
            and value_tiers.evaluation_date
            = {{ recall_add_days('episodes.silent_from_date', -1) }}

)

select * from final
