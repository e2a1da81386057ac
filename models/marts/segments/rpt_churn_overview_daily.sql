{#-
    One row per day x acquisition channel x stage at churn x value tier
    (rulings R46), for every day from the first registration day to
    as_of_date and every slice that ever holds a registered user, zero rows
    included, so roll-ups can sum counts day by day. On day d a user is in
    the slice of the inactivity episode they are in (its stage_at_churn and
    value_tier_at_start), else in stage none, value tier none; the channel
    comes from dim_users. Counts: episodes starting (newly silent) and
    turning churned that day, users silent and churned that day, registered
    users of the slice that day, and returns of the day by return type in
    the slice of the episode that ended. Shares divide a base by the
    slice's registered users (null when 0); in an episode slice every user
    is silent or churned, so shares tell most once slices are rolled up
    (sum the counts, then divide). Built from +1/-1 changes per slice and
    day (registrations, episode starts, churns, returns) summed over time,
    never from a user x day table.
-#}

with

days as (

    select date_day
    from {{ ref('int_calendar_days_spined') }}

),

users as (

    select
        user_id,
        registration_date,
        acquisition_channel

    from {{ ref('dim_users') }}

),

episodes as (

    select
        user_id,
        silent_from_date,
        churned_from_date,
        return_date,
        return_type,
        stage_at_churn,
        value_tier_at_start

    from {{ ref('fct_inactivity_episodes') }}

),

episodes_sliced as (

    select
        users.acquisition_channel,
        episodes.stage_at_churn,
        episodes.value_tier_at_start as value_tier,
        episodes.silent_from_date,
        episodes.churned_from_date,
        episodes.return_date,
        episodes.return_type

    from episodes
    inner join users
        on episodes.user_id = users.user_id

),

changes as (

    {# A registration puts the user in the slice outside episodes. #}
    select
        users.registration_date as date_day,
        users.acquisition_channel,
        'none' as stage_at_churn,
        'none' as value_tier,
        1 as registered_change,
        0 as silent_change,
        0 as churned_change,
        0 as newly_silent_count,
        0 as newly_churned_count,
        0 as returns_natural_count,
        0 as returns_recalled_count

    from users

    union all

    {# An episode starts: the user moves into its slice, silent. #}
    select
        episodes_sliced.silent_from_date as date_day,
        episodes_sliced.acquisition_channel,
        episodes_sliced.stage_at_churn,
        episodes_sliced.value_tier,
        1 as registered_change,
        1 as silent_change,
        0 as churned_change,
        1 as newly_silent_count,
        0 as newly_churned_count,
        0 as returns_natural_count,
        0 as returns_recalled_count

    from episodes_sliced

    union all

    select
        episodes_sliced.silent_from_date as date_day,
        episodes_sliced.acquisition_channel,
        'none' as stage_at_churn,
        'none' as value_tier,
        -1 as registered_change,
        0 as silent_change,
        0 as churned_change,
        0 as newly_silent_count,
        0 as newly_churned_count,
        0 as returns_natural_count,
        0 as returns_recalled_count

    from episodes_sliced

    union all

    {# The episode turns churned. #}
    select
        episodes_sliced.churned_from_date as date_day,
        episodes_sliced.acquisition_channel,
        episodes_sliced.stage_at_churn,
        episodes_sliced.value_tier,
        0 as registered_change,
        -1 as silent_change,
        1 as churned_change,
        0 as newly_silent_count,
        1 as newly_churned_count,
        0 as returns_natural_count,
        0 as returns_recalled_count

    from episodes_sliced
    where episodes_sliced.churned_from_date is not null

    union all

    {# The user returns: out of the episode's slice, back to none. #}
    select
        episodes_sliced.return_date as date_day,
        episodes_sliced.acquisition_channel,
        episodes_sliced.stage_at_churn,
        episodes_sliced.value_tier,
        -1 as registered_change,
        case
            when episodes_sliced.churned_from_date is null then -1 else 0
        end as silent_change,
        case
            when episodes_sliced.churned_from_date is null then 0 else -1
        end as churned_change,
        0 as newly_silent_count,
        0 as newly_churned_count,
        case
            when episodes_sliced.return_type = 'natural' then 1 else 0
        end as returns_natural_count,
        case
            when episodes_sliced.return_type = 'recalled' then 1 else 0
        end as returns_recalled_count

    from episodes_sliced
    where episodes_sliced.return_date is not null

    union all

    select
        episodes_sliced.return_date as date_day,
        episodes_sliced.acquisition_channel,
        'none' as stage_at_churn,
        'none' as value_tier,
        1 as registered_change,
        0 as silent_change,
        0 as churned_change,
        0 as newly_silent_count,
        0 as newly_churned_count,
        0 as returns_natural_count,
        0 as returns_recalled_count

    from episodes_sliced
    where episodes_sliced.return_date is not null

),

changes_summed as (

    select
        changes.date_day,
        changes.acquisition_channel,
        changes.stage_at_churn,
        changes.value_tier,
        sum(changes.registered_change) as registered_change,
        sum(changes.silent_change) as silent_change,
        sum(changes.churned_change) as churned_change,
        sum(changes.newly_silent_count) as newly_silent_count,
        sum(changes.newly_churned_count) as newly_churned_count,
        sum(changes.returns_natural_count) as returns_natural_count,
        sum(changes.returns_recalled_count) as returns_recalled_count

    from changes
    group by
        changes.date_day,
        changes.acquisition_channel,
        changes.stage_at_churn,
        changes.value_tier

),

slices as (

    select
        changes_summed.acquisition_channel,
        changes_summed.stage_at_churn,
        changes_summed.value_tier

    from changes_summed
    group by
        changes_summed.acquisition_channel,
        changes_summed.stage_at_churn,
        changes_summed.value_tier

),

grid_filled as (

    select
        days.date_day,
        slices.acquisition_channel,
        slices.stage_at_churn,
        slices.value_tier,
        coalesce(changes_summed.registered_change, 0) as registered_change,
        coalesce(changes_summed.silent_change, 0) as silent_change,
        coalesce(changes_summed.churned_change, 0) as churned_change,
        coalesce(changes_summed.newly_silent_count, 0) as newly_silent_count,
        coalesce(changes_summed.newly_churned_count, 0)
            as newly_churned_count,
        coalesce(changes_summed.returns_natural_count, 0)
            as returns_natural_count,
        coalesce(changes_summed.returns_recalled_count, 0)
            as returns_recalled_count

    from days
    cross join slices
    left join changes_summed
        on
            days.date_day = changes_summed.date_day
            and slices.acquisition_channel = changes_summed.acquisition_channel
            and slices.stage_at_churn = changes_summed.stage_at_churn
            and slices.value_tier = changes_summed.value_tier

),

bases_accumulated as (

    select
        grid_filled.*,
        sum(grid_filled.silent_change) over (
            partition by
                grid_filled.acquisition_channel,
                grid_filled.stage_at_churn,
                grid_filled.value_tier
            order by grid_filled.date_day
            rows between unbounded preceding and current row
        ) as silent_users_count,
        sum(grid_filled.churned_change) over (
            partition by
                grid_filled.acquisition_channel,
                grid_filled.stage_at_churn,
                grid_filled.value_tier
            order by grid_filled.date_day
            rows between unbounded preceding and current row
        ) as churned_users_count,
        sum(grid_filled.registered_change) over (
            partition by
                grid_filled.acquisition_channel,
                grid_filled.stage_at_churn,
                grid_filled.value_tier
            order by grid_filled.date_day
            rows between unbounded preceding and current row
        ) as registered_users_count

    from grid_filled

),

final as (

    select
        bases_accumulated.date_day,
        bases_accumulated.acquisition_channel,
        bases_accumulated.stage_at_churn,
        bases_accumulated.value_tier,
        cast(bases_accumulated.newly_silent_count as {{ dbt.type_bigint() }})
            as newly_silent_count,
        cast(
            bases_accumulated.newly_churned_count as {{ dbt.type_bigint() }}
        ) as newly_churned_count,
        cast(bases_accumulated.silent_users_count as {{ dbt.type_bigint() }})
            as silent_users_count,
        cast(
            bases_accumulated.churned_users_count as {{ dbt.type_bigint() }}
        ) as churned_users_count,
        cast(
            bases_accumulated.registered_users_count
            as {{ dbt.type_bigint() }}
        ) as registered_users_count,
        {{ recall_safe_divide('bases_accumulated.silent_users_count',
            'bases_accumulated.registered_users_count') }} as silent_share,
        {{ recall_safe_divide('bases_accumulated.churned_users_count',
            'bases_accumulated.registered_users_count') }} as churned_share,
        cast(
            bases_accumulated.returns_natural_count as {{ dbt.type_bigint() }}
        ) as returns_natural_count,
        cast(
            bases_accumulated.returns_recalled_count
            as {{ dbt.type_bigint() }}
        ) as returns_recalled_count

    from bases_accumulated

)

select * from final
