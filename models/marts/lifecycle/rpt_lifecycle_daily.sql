{#-
    One row per day per recall lifecycle state, zero rows included (rulings
    R17): users in the state, users who entered it that day (in it today,
    not yesterday; a registration enters new) and who left it, and on the
    active row the natural and recalled returns of the day. Counted from
    the state intervals by adding entries and subtracting exits day by day.
-#}

with

days as (

    select date_day
    from {{ ref('int_calendar_days_spined') }}

),

intervals as (

    select
        lifecycle_state,
        valid_from,
        valid_to

    from {{ ref('fct_user_lifecycle') }}

),

attributions as (

    select
        return_date,
        return_type

    from {{ ref('fct_recall_attributions') }}

),

states as (

    {% for def in recall_lifecycle_states() %}
    select '{{ def.state }}' as lifecycle_state
    {% if not loop.last %}
    union all
    {% endif %}
    {% endfor %}

),

entries_counted as (

    select
        intervals.lifecycle_state,
        intervals.valid_from as date_day,
        count(*) as entered_count

    from intervals
    group by
        intervals.lifecycle_state,
        intervals.valid_from

),

exits_counted as (

    select
        intervals.lifecycle_state,
        intervals.valid_to as date_day,
        count(*) as exited_count

    from intervals
    where intervals.valid_to is not null
    group by
        intervals.lifecycle_state,
        intervals.valid_to

),

returns_counted as (

    select
        attributions.return_date as date_day,
        count(
            case when attributions.return_type = 'natural' then 1 end
        ) as returns_natural_count,
        count(
            case when attributions.return_type = 'recalled' then 1 end
        ) as returns_recalled_count

    from attributions
    group by attributions.return_date

),

grid_filled as (

    select
        days.date_day,
        states.lifecycle_state,
        coalesce(entries_counted.entered_count, 0) as entered_count,
        coalesce(exits_counted.exited_count, 0) as exited_count,
        case
            when states.lifecycle_state = 'active'
                then coalesce(returns_counted.returns_natural_count, 0)
            else 0
        end as returns_natural_count,
        case
            when states.lifecycle_state = 'active'
                then coalesce(returns_counted.returns_recalled_count, 0)
            else 0
        end as returns_recalled_count

    from days
    cross join states
    left join entries_counted
        on
            days.date_day = entries_counted.date_day
            and states.lifecycle_state = entries_counted.lifecycle_state
    left join exits_counted
        on
            days.date_day = exits_counted.date_day
            and states.lifecycle_state = exits_counted.lifecycle_state
    left join returns_counted
        on days.date_day = returns_counted.date_day

),

final as (

    select
        grid_filled.date_day,
        grid_filled.lifecycle_state,
        cast(
            sum(grid_filled.entered_count - grid_filled.exited_count) over (
                partition by grid_filled.lifecycle_state
                order by grid_filled.date_day
                rows between unbounded preceding and current row
            ) as {{ dbt.type_bigint() }}
        ) as users_count,
        grid_filled.entered_count,
        grid_filled.exited_count,
        grid_filled.returns_natural_count,
        grid_filled.returns_recalled_count

    from grid_filled

)

select * from final
