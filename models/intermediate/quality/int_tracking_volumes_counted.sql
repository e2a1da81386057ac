{#-
    One row per day x platform x event name with at least one raw event row
    on or before as_of_date: clean events by the day of event_at (rulings
    R43, every device) with how many are identified, late or missing a
    required property, beside the duplicate and quarantined rows of the same
    day, platform and name. Duplicate and quarantined rows without an
    event_at, or with one outside the plausible range (before
    earliest_plausible_date or after the load), are dated by their landing
    date, so a row dated 1900 counts on the day it arrived; a null platform
    or event name is `unknown`.
-#}
{%- set as_of_date = recall_as_of_date_sql() -%}

with

{# One pass over the events, the clean and the users-rules rows counted
    together: a second read of the same relation would make the engine
    materialise all of them. #}
cleaned_events as (

    select
        event_name,
        user_id,
        device_id,
        event_at,
        received_at,
        event_date,
        platform,
        is_missing_required_property,
        is_clean

    from {{ ref('int_events_cleaned') }}

),

triaged_rows as (

    select
        event_name,
        event_at,
        platform,
        landing_date,
        row_status

    from {{ ref('int_event_rows_triaged') }}
    where row_status in ('duplicate', 'quarantined')

),

device_users as (

    select device_id from {{ ref('int_device_users') }}

),

events_flagged as (

    select
        cleaned_events.event_date as date_day,
        coalesce(cleaned_events.platform, 'unknown') as platform,
        cleaned_events.event_name,
        case when cleaned_events.is_clean then 1 else 0 end as is_clean,
        case
            when cleaned_events.is_clean
                and (
                    cleaned_events.user_id is not null
                    or device_users.device_id is not null
                )
                then 1
            else 0
        end as is_identified,
        case
            when cleaned_events.is_clean
                and cleaned_events.received_at > {{ dbt.dateadd('day',
                    var('late_tolerance_days'), 'cleaned_events.event_at') }}
                then 1
            else 0
        end as is_late,
        case
            when cleaned_events.is_clean
                and cleaned_events.is_missing_required_property
                then 1
            else 0
        end as is_missing_property

    from cleaned_events
    left join device_users
        on
            cleaned_events.user_id is null
            and cleaned_events.device_id = device_users.device_id

),

{# Quarantined by the users rules: not is_clean (rulings R4, R5). #}
events_counted as (

    select
        events_flagged.date_day,
        events_flagged.platform,
        events_flagged.event_name,
        sum(events_flagged.is_clean) as event_count,
        sum(events_flagged.is_identified) as identified_count,
        sum(events_flagged.is_late) as late_count,
        sum(events_flagged.is_missing_property) as missing_property_count,
        0 as duplicate_count,
        count(*) - sum(events_flagged.is_clean) as quarantined_count

    from events_flagged
    group by
        events_flagged.date_day,
        events_flagged.platform,
        events_flagged.event_name

),

rejected_rows as (

    select
        case
            when triaged_rows.event_at is null
                or {{ recall_is_implausible_timestamp(
                    'triaged_rows.event_at') }}
                then triaged_rows.landing_date
            else {{ recall_local_date('triaged_rows.event_at') }}
        end as date_day,
        coalesce(triaged_rows.platform, 'unknown') as platform,
        coalesce(triaged_rows.event_name, 'unknown') as event_name,
        case when triaged_rows.row_status = 'duplicate' then 1 else 0 end
            as is_duplicate,
        case when triaged_rows.row_status = 'quarantined' then 1 else 0 end
            as is_quarantined

    from triaged_rows

),

rejected_rows_counted as (

    select
        rejected_rows.date_day,
        rejected_rows.platform,
        rejected_rows.event_name,
        0 as event_count,
        0 as identified_count,
        0 as late_count,
        0 as missing_property_count,
        sum(rejected_rows.is_duplicate) as duplicate_count,
        sum(rejected_rows.is_quarantined) as quarantined_count

    from rejected_rows
    group by
        rejected_rows.date_day,
        rejected_rows.platform,
        rejected_rows.event_name

),

counts_unioned as (

    select * from events_counted
    union all
    select * from rejected_rows_counted

),

final as (

    select
        counts_unioned.date_day,
        counts_unioned.platform,
        counts_unioned.event_name,
        cast(sum(counts_unioned.event_count) as {{ dbt.type_bigint() }})
            as event_count,
        cast(sum(counts_unioned.identified_count) as {{ dbt.type_bigint() }})
            as identified_count,
        cast(sum(counts_unioned.late_count) as {{ dbt.type_bigint() }})
            as late_count,
        cast(
            sum(counts_unioned.missing_property_count)
            as {{ dbt.type_bigint() }}
        ) as missing_property_count,
        cast(sum(counts_unioned.duplicate_count) as {{ dbt.type_bigint() }})
            as duplicate_count,
        cast(
            sum(counts_unioned.quarantined_count) as {{ dbt.type_bigint() }}
        ) as quarantined_count

    from counts_unioned
    where counts_unioned.date_day <= {{ as_of_date }}
    group by
        counts_unioned.date_day,
        counts_unioned.platform,
        counts_unioned.event_name

)

select * from final
