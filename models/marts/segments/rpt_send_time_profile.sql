{#-
    One row per segment (value tier x lifecycle state, as of as_of_date) per
    local hour 0-23 (metrics.md §4, rulings R34): the share of the
    segment's active events that happened at that hour of the user's day,
    and the segment's best hour (the largest share; ties to the smallest
    hour). Active events are clean events whose name counts as active, on
    or before as_of_date, credited to registered users (anonymous events
    through their device, rulings R5; none before the registration day).
    The local hour is taken in the user's latest-snapshot time zone, the
    reporting time zone when it is null. The value tier is the user's on
    as_of_date (none without a paid order), the lifecycle state that of
    dim_users. Every hour is published for every segment with events, zero
    hours included. Events come counted per user, device and 15-minute UTC
    bucket (int_active_event_buckets_counted, incremental;
    recall_quarter_hour_start: one local hour per bucket), so the joins see a
    quarter of the rows; the time zone conversion runs once per time zone
    and bucket (bucket_hours), and events are counted per user and local
    hour before segments are joined. The users rules
    (rulings R4, R5) are applied by the inner join to users on the credited
    user, from the registration day on.
-#}
{%- set as_of_date = recall_as_of_date_sql() -%}
{%- set user_timezone = "coalesce(users.timezone, "
    ~ recall_string_literal(var('reporting_timezone')) ~ ")" -%}

with

events_bucketed as (

    select
        user_id,
        device_id,
        event_date,
        bucket_at,
        events_count

    from {{ ref('int_active_event_buckets_counted') }}
    where event_date <= {{ as_of_date }}

),

device_users as (

    select
        device_id,
        user_id

    from {{ ref('int_device_users') }}

),

users as (

    select
        user_id,
        registration_date,
        timezone,
        lifecycle_state

    from {{ ref('dim_users') }}

),

value_tiers as (

    select
        user_id,
        value_tier

    from {{ ref('int_user_value_tiers_ranked') }}
    where evaluation_date = {{ as_of_date }}

),

{# The local hour of each bucket in each time zone users have: a few time
    zones x the buckets of the period, so the time zone conversion runs on
    thousands of rows, not on every user's buckets. #}
timezones as (

    select distinct {{ user_timezone }} as timezone_name
    from users

),

bucket_starts as (

    select distinct bucket_at
    from {{ ref('int_active_event_buckets_counted') }}
    where event_date <= {{ as_of_date }}

),

bucket_hours as (

    select
        timezones.timezone_name,
        bucket_starts.bucket_at,
        {{ recall_local_hour('bucket_starts.bucket_at',
            'timezones.timezone_name') }} as local_hour

    from timezones
    cross join bucket_starts

),

hour_numbers as (

    {{ dbt.generate_series(24) }}

),

events_credited as (

    select
        coalesce(events_bucketed.user_id, device_users.user_id) as user_id,
        events_bucketed.event_date,
        events_bucketed.bucket_at,
        events_bucketed.events_count

    from events_bucketed
    left join device_users
        on
            events_bucketed.user_id is null
            and events_bucketed.device_id = device_users.device_id

),

user_hours_counted as (

    select
        users.user_id,
        users.lifecycle_state,
        bucket_hours.local_hour,
        sum(events_credited.events_count) as events_count

    from events_credited
    inner join users
        on events_credited.user_id = users.user_id
    inner join bucket_hours
        on
            {{ user_timezone }} = bucket_hours.timezone_name
            and events_credited.bucket_at = bucket_hours.bucket_at
    where events_credited.event_date >= users.registration_date
    group by
        users.user_id,
        users.lifecycle_state,
        bucket_hours.local_hour

),

user_hours_segmented as (

    select
        coalesce(value_tiers.value_tier, 'none') as value_tier,
        user_hours_counted.lifecycle_state,
        user_hours_counted.local_hour,
        user_hours_counted.events_count

    from user_hours_counted
    left join value_tiers
        on user_hours_counted.user_id = value_tiers.user_id

),

segment_hours_counted as (

    select
        user_hours_segmented.value_tier,
        user_hours_segmented.lifecycle_state,
        user_hours_segmented.local_hour,
        sum(user_hours_segmented.events_count) as events_count

    from user_hours_segmented
    group by
        user_hours_segmented.value_tier,
        user_hours_segmented.lifecycle_state,
        user_hours_segmented.local_hour

),

segments as (

    select
        segment_hours_counted.value_tier,
        segment_hours_counted.lifecycle_state,
        sum(segment_hours_counted.events_count) as segment_events_count

    from segment_hours_counted
    group by
        segment_hours_counted.value_tier,
        segment_hours_counted.lifecycle_state

),

hours_spined as (

    select
        segments.value_tier,
        segments.lifecycle_state,
        hour_numbers.generated_number - 1 as local_hour,
        coalesce(segment_hours_counted.events_count, 0) as events_count,
        segments.segment_events_count

    from segments
    cross join hour_numbers
    left join segment_hours_counted
        on
            segments.value_tier = segment_hours_counted.value_tier
            and segments.lifecycle_state
            = segment_hours_counted.lifecycle_state
            and hour_numbers.generated_number - 1
            = segment_hours_counted.local_hour

),

hours_ranked as (

    select
        hours_spined.*,
        row_number() over (
            partition by
                hours_spined.value_tier,
                hours_spined.lifecycle_state
            order by
                hours_spined.events_count desc,
                hours_spined.local_hour asc
        ) as hour_rank

    from hours_spined

),

final as (

    select
        hours_ranked.value_tier,
        hours_ranked.lifecycle_state,
        cast(hours_ranked.local_hour as integer) as local_hour,
        cast(hours_ranked.events_count as {{ recall_type_double() }})
        / hours_ranked.segment_events_count as event_share,
        hours_ranked.hour_rank = 1 as is_best_hour,
        cast(hours_ranked.events_count as {{ dbt.type_bigint() }})
            as events_count,
        cast(hours_ranked.segment_events_count as {{ dbt.type_bigint() }})
            as segment_events_count

    from hours_ranked

)

select * from final
