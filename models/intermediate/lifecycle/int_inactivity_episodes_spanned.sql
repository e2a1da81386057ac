{#-
    One row per inactivity episode (rulings R11): a maximal run of days on
    which the user is in an inactivity state (silent or churned), from the
    pieces of int_user_lifecycle_segments that follow one active day, with
    its dates, days inactive (R12), stage at churn and declining flag (R13).
    Return type and value tier are added in fct_inactivity_episodes.
-#}
{%- set as_of_date = recall_as_of_date_sql() -%}
{%- set window_days = var('declining_window_days') -%}

with

inactive_pieces as (

    select
        user_id,
        lifecycle_state,
        registration_date,
        last_active_date,
        valid_from,
        valid_to

    from {{ ref('int_user_lifecycle_segments') }}
    where is_inactivity

),

user_days as (

    select
        user_id,
        activity_date

    from {{ ref('int_user_days_aggregated') }}

),

episodes_grouped as (

    select
        inactive_pieces.user_id,
        inactive_pieces.last_active_date,
        min(inactive_pieces.registration_date) as registration_date,
        min(inactive_pieces.valid_from) as silent_from_date,
        min(
            case
                when inactive_pieces.lifecycle_state = 'churned'
                    then inactive_pieces.valid_from
            end
        ) as churned_from_date,
        max(inactive_pieces.valid_to) as episode_end_date,
        {#- The furthest inactivity state reached (silent, then churned, in
            the order of recall_lifecycle_states()). #}
        {{ recall_lifecycle_state_at_rank('max('
            ~ recall_lifecycle_state_rank('inactive_pieces.lifecycle_state')
            ~ ')') }} as peak_state

    from inactive_pieces
    group by
        inactive_pieces.user_id,
        inactive_pieces.last_active_date

),

activity_before_counted as (

    select
        episodes_grouped.user_id,
        episodes_grouped.last_active_date,
        count(
            case
                when user_days.activity_date
                    > {{ recall_add_days('episodes_grouped.last_active_date',
                        -window_days) }}
                    then 1
            end
        ) as recent_active_days,
        count(
            case
                when user_days.activity_date
                    <= {{ recall_add_days('episodes_grouped.last_active_date',
                        -window_days) }}
                    then 1
            end
        ) as earlier_active_days

    from episodes_grouped
    inner join user_days
        on
            episodes_grouped.user_id = user_days.user_id
            and episodes_grouped.last_active_date
            >= user_days.activity_date
            and {{ recall_add_days('episodes_grouped.last_active_date',
                -2 * window_days) }}
            < user_days.activity_date
    group by
        episodes_grouped.user_id,
        episodes_grouped.last_active_date

),

episodes_closed as (

    select
        episodes_grouped.*,
        case
            when episodes_grouped.episode_end_date <= {{ as_of_date }}
                then episodes_grouped.episode_end_date
        end as return_date

    from episodes_grouped

),

final as (

    select
        {{ dbt.hash(dbt.concat([
            'episodes_closed.user_id', "'|'",
            'cast(episodes_closed.silent_from_date as '
            ~ dbt.type_string() ~ ')'])) }} as episode_id,
        episodes_closed.user_id,
        episodes_closed.registration_date,
        episodes_closed.last_active_date,
        episodes_closed.silent_from_date,
        episodes_closed.churned_from_date,
        episodes_closed.return_date,
        episodes_closed.peak_state,
        {{ recall_datediff('episodes_closed.last_active_date',
            'coalesce(' ~ recall_add_days('episodes_closed.return_date', -1)
            ~ ', ' ~ as_of_date ~ ')', 'day') }} as days_inactive,
        episodes_closed.return_date is null as is_open,
        {{ recall_stage_at_churn(recall_datediff(
            'episodes_closed.registration_date',
            'episodes_closed.last_active_date', 'day')) }} as stage_at_churn,
        {{ recall_is_declining(
            'activity_before_counted.recent_active_days',
            'activity_before_counted.earlier_active_days') }}
            as is_declining,
        activity_before_counted.recent_active_days,
        activity_before_counted.earlier_active_days

    from episodes_closed
    inner join activity_before_counted
        on
            episodes_closed.user_id = activity_before_counted.user_id
            and episodes_closed.last_active_date
            = activity_before_counted.last_active_date

)

select * from final
