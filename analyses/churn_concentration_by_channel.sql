-- Question: which acquisition channels concentrate the churned base, and
-- is that just their size? For as_of_date (the last day of the overview),
-- each channel's share of all registered users against its share of all
-- churned and silent users, its own churned rate, and how much of its
-- churned base went quiet early in life (stage new_stage) or was valuable
-- (value tier high or mid at the start of the episode). A concentration
-- index above 1 means the channel holds more of the churned base than of
-- the user base. Counts are summed over slices before dividing.

with

overview as (

    select
        date_day,
        acquisition_channel,
        stage_at_churn,
        value_tier,
        silent_users_count,
        churned_users_count,
        registered_users_count

    from {{ ref('rpt_churn_overview_daily') }}

),

last_day as (

    select max(overview.date_day) as date_day
    from overview

),

channels_summed as (

    select
        overview.acquisition_channel,
        cast(sum(overview.registered_users_count) as {{ recall_type_double() }})
            as registered_users_count,
        cast(sum(overview.silent_users_count) as {{ recall_type_double() }})
            as silent_users_count,
        cast(sum(overview.churned_users_count) as {{ recall_type_double() }})
            as churned_users_count,
        cast(sum(
            case
                when overview.stage_at_churn = 'new_stage'
                    then overview.churned_users_count
                else 0
            end
        ) as {{ recall_type_double() }}) as churned_new_stage_count,
        cast(sum(
            case
                when overview.value_tier in ('high', 'mid')
                    then overview.churned_users_count
                else 0
            end
        ) as {{ recall_type_double() }}) as churned_valuable_count

    from overview
    inner join last_day
        on overview.date_day = last_day.date_day
    group by overview.acquisition_channel

),

totals as (

    select
        sum(channels_summed.registered_users_count) as registered_users_count,
        sum(channels_summed.silent_users_count) as silent_users_count,
        sum(channels_summed.churned_users_count) as churned_users_count

    from channels_summed

),

final as (

    select
        channels_summed.acquisition_channel,
        channels_summed.registered_users_count,
        channels_summed.silent_users_count,
        channels_summed.churned_users_count,
        channels_summed.churned_users_count
        / nullif(channels_summed.registered_users_count, 0) as churned_rate,
        channels_summed.registered_users_count
        / nullif(totals.registered_users_count, 0) as share_of_users,
        channels_summed.churned_users_count
        / nullif(totals.churned_users_count, 0) as share_of_churned,
        channels_summed.silent_users_count
        / nullif(totals.silent_users_count, 0) as share_of_silent,
        (
            channels_summed.churned_users_count
            / nullif(totals.churned_users_count, 0)
        ) / nullif(
            channels_summed.registered_users_count
            / nullif(totals.registered_users_count, 0),
            0
        ) as churn_concentration_index,
        channels_summed.churned_new_stage_count
        / nullif(channels_summed.churned_users_count, 0)
            as churned_new_stage_share,
        channels_summed.churned_valuable_count
        / nullif(channels_summed.churned_users_count, 0)
            as churned_valuable_share

    from channels_summed
    cross join totals

)

select * from final
order by churn_concentration_index desc
