{#-
    One row per day x platform x event name (metrics.md §6, rulings R43,
    R44), from the first day with any event row to as_of_date, for every
    platform x event name pair seen in the data: a day without any event of
    the pair still has its row (event_count 0), so a day of tracking lost
    for one platform or release shows. The baseline is the median of the
    counts of the volume_baseline_days earlier days, absent days counting 0,
    null while fewer earlier days exist. Status judges the volume:
    error when no event arrived although the baseline is at least
    volume_missing_day_min_baseline_count (tracking lost); warn when the
    ratio falls below volume_low_ratio or rises above volume_high_ratio and
    the baseline is at least volume_min_baseline_count (smaller cells are
    noise); otherwise ok. The day series holds exactly the days from the
    first to as_of_date (their number queried at compile time); a rejected
    row with an implausible event_at counts on its landing date
    (int_tracking_volumes_counted), and days before earliest_plausible_date
    (a landing date itself implausible) are outside the report, so no
    mistyped year can stretch it.
-#}
{%- set as_of_date = recall_as_of_date_sql() -%}
{%- set baseline_days = var('volume_baseline_days') -%}
{%- set earliest_day = recall_date_literal(var('earliest_plausible_date')) -%}
{%- set day_count = recall_day_count_to_as_of(
    ref('int_tracking_volumes_counted'), 'date_day',
    'date_day >= ' ~ earliest_day) -%}

with

volumes as (

    select
        date_day,
        platform,
        event_name,
        event_count,
        identified_count,
        late_count,
        missing_property_count,
        duplicate_count,
        quarantined_count

    from {{ ref('int_tracking_volumes_counted') }}

),

day_numbers as (

    {{ dbt.generate_series(day_count) }}

),

first_day as (

    select min(volumes.date_day) as first_date
    from volumes
    where volumes.date_day >= {{ earliest_day }}

),

days_spined as (

    select
        {{ recall_add_days('first_day.first_date',
            'day_numbers.generated_number - 1') }} as date_day,
        day_numbers.generated_number - 1 as earlier_day_count

    from first_day
    cross join day_numbers
    where
        day_numbers.generated_number - 1
        <= {{ recall_datediff('first_day.first_date', as_of_date, 'day') }}

),

pairs as (

    select distinct
        volumes.platform,
        volumes.event_name

    from volumes
    where volumes.date_day >= {{ earliest_day }}

),

cells_spined as (

    select
        days_spined.date_day,
        days_spined.earlier_day_count,
        pairs.platform,
        pairs.event_name

    from days_spined
    cross join pairs

),

cells_counted as (

    select
        cells_spined.date_day,
        cells_spined.earlier_day_count,
        cells_spined.platform,
        cells_spined.event_name,
        coalesce(volumes.event_count, 0) as event_count,
        coalesce(volumes.identified_count, 0) as identified_count,
        coalesce(volumes.late_count, 0) as late_count,
        coalesce(volumes.missing_property_count, 0)
            as missing_property_count,
        coalesce(volumes.duplicate_count, 0) as duplicate_count,
        coalesce(volumes.quarantined_count, 0) as quarantined_count

    from cells_spined
    left join volumes
        on
            cells_spined.date_day = volumes.date_day
            and cells_spined.platform = volumes.platform
            and cells_spined.event_name = volumes.event_name

),

baselines_measured as (

    select
        cells_counted.date_day,
        cells_counted.platform,
        cells_counted.event_name,
        {{ recall_quantile_cont('cast(earlier_cells.event_count as '
            ~ recall_type_double() ~ ')', 0.5) }} as baseline_count

    from cells_counted
    inner join cells_counted as earlier_cells
        on
            cells_counted.platform = earlier_cells.platform
            and cells_counted.event_name = earlier_cells.event_name
            and cells_counted.date_day > earlier_cells.date_day
            and {{ recall_add_days('cells_counted.date_day',
                -baseline_days) }} <= earlier_cells.date_day
    where cells_counted.earlier_day_count >= {{ baseline_days }}
    group by
        cells_counted.date_day,
        cells_counted.platform,
        cells_counted.event_name

),

ratios_measured as (

    select
        cells_counted.*,
        baselines_measured.baseline_count,
        {{ recall_safe_divide('cells_counted.event_count',
            'baselines_measured.baseline_count') }} as volume_ratio,
        {{ recall_safe_divide('cells_counted.identified_count',
            'cells_counted.event_count') }} as identified_share,
        {{ recall_safe_divide('cells_counted.late_count',
            'cells_counted.event_count') }} as late_share,
        {{ recall_safe_divide('cells_counted.missing_property_count',
            'cells_counted.event_count') }} as missing_property_share

    from cells_counted
    left join baselines_measured
        on
            cells_counted.date_day = baselines_measured.date_day
            and cells_counted.platform = baselines_measured.platform
            and cells_counted.event_name = baselines_measured.event_name

),

statuses_assigned as (

    select
        ratios_measured.*,
        case
            when ratios_measured.event_count = 0
                and ratios_measured.baseline_count
                >= {{ var('volume_missing_day_min_baseline_count') }}
                then 'error'
            when ratios_measured.baseline_count
                >= {{ var('volume_min_baseline_count') }}
                and (
                    ratios_measured.volume_ratio
                    < {{ var('volume_low_ratio') }}
                    or ratios_measured.volume_ratio
                    > {{ var('volume_high_ratio') }}
                )
                then 'warn'
            else 'ok'
        end as status

    from ratios_measured

),

final as (

    select
        statuses_assigned.date_day,
        statuses_assigned.platform,
        statuses_assigned.event_name,
        cast(statuses_assigned.event_count as {{ dbt.type_bigint() }})
            as event_count,
        statuses_assigned.baseline_count,
        statuses_assigned.volume_ratio,
        statuses_assigned.identified_share,
        statuses_assigned.late_share,
        statuses_assigned.missing_property_share,
        cast(statuses_assigned.duplicate_count as {{ dbt.type_bigint() }})
            as duplicate_count,
        cast(statuses_assigned.quarantined_count as {{ dbt.type_bigint() }})
            as quarantined_count,
        statuses_assigned.status

    from statuses_assigned

)

select * from final
