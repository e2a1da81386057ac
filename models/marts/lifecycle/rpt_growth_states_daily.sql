{#-
    One row per day per growth state (metrics.md §2), zero rows included:
    the users in each state that day. Counted by deltas, not by joining
    every interval to every day it covers: +1 on each interval's valid_from,
    -1 on its valid_to, summed per state and day, then accumulated over the
    calendar.
-#}
{%- set as_of_date = recall_as_of_date_sql() -%}

with

calendar_days as (

    select date_day
    from {{ ref('int_calendar_days_spined') }}

),

growth_state_spans as (

    select
        growth_state,
        valid_from,
        valid_to

    from {{ ref('int_user_growth_states_spanned') }}

),

growth_states as (

    select 'new' as growth_state
    union all
    select 'current' as growth_state
    union all
    select 'reactivated' as growth_state
    union all
    select 'resurrected' as growth_state
    union all
    select 'at_risk_wau' as growth_state
    union all
    select 'at_risk_mau' as growth_state
    union all
    select 'dormant' as growth_state

),

spans_entered as (

    select
        growth_state_spans.valid_from as date_day,
        growth_state_spans.growth_state,
        count(*) as user_delta

    from growth_state_spans
    where growth_state_spans.valid_from <= {{ as_of_date }}
    group by
        growth_state_spans.valid_from,
        growth_state_spans.growth_state

),

spans_exited as (

    select
        growth_state_spans.valid_to as date_day,
        growth_state_spans.growth_state,
        -count(*) as user_delta

    from growth_state_spans
    where growth_state_spans.valid_to <= {{ as_of_date }}
    group by
        growth_state_spans.valid_to,
        growth_state_spans.growth_state

),

deltas_unioned as (

    select * from spans_entered
    union all
    select * from spans_exited

),

deltas_summed as (

    select
        deltas_unioned.date_day,
        deltas_unioned.growth_state,
        sum(deltas_unioned.user_delta) as user_delta

    from deltas_unioned
    group by
        deltas_unioned.date_day,
        deltas_unioned.growth_state

),

days_crossed_with_states as (

    select
        calendar_days.date_day,
        growth_states.growth_state

    from calendar_days
    cross join growth_states

),

deltas_accumulated as (

    select
        days_crossed_with_states.date_day,
        days_crossed_with_states.growth_state,
        sum(coalesce(deltas_summed.user_delta, 0)) over (
            partition by days_crossed_with_states.growth_state
            order by days_crossed_with_states.date_day
            rows between unbounded preceding and current row
        ) as users_count

    from days_crossed_with_states
    left join deltas_summed
        on
            days_crossed_with_states.date_day = deltas_summed.date_day
            and days_crossed_with_states.growth_state
            = deltas_summed.growth_state

),

final as (

    select
        deltas_accumulated.date_day,
        deltas_accumulated.growth_state,
        cast(deltas_accumulated.users_count as {{ dbt.type_bigint() }})
            as users_count

    from deltas_accumulated

)

select * from final
