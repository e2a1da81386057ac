{#-
    One row per campaign x assigned user who converted (metrics.md §5,
    rulings R35, R6): the first clean event credited to the user (after
    identity stitching) whose name is the campaign's conversion_event, with
    assigned_at < event_at <= assigned_at + attribution_window_days x 24 h
    and event_at before the end of as_of_date. Both arms are timed from
    assigned_at (intent to treat).
-#}
{%- set as_of_date = recall_as_of_date_sql() -%}
{%- set as_of_end_at = recall_local_day_start_at(
    recall_add_days(as_of_date, 1)) -%}

with

campaigns as (

    select
        campaign_id,
        conversion_event,
        attribution_window_days

    from {{ ref('int_campaigns_triaged') }}
    where row_status = 'clean'

),

assignments as (

    select
        campaign_id,
        user_id,
        assigned_at

    from {{ ref('int_campaign_assignments_triaged') }}
    where row_status = 'clean'

),

events as (

    select
        user_id,
        device_id,
        event_name,
        event_at

    from {{ ref('int_events_cleaned') }}
    where
        is_clean
        and event_date <= {{ as_of_date }}
        and event_name in (select campaigns.conversion_event from campaigns)
        and event_at > (select min(assignments.assigned_at) from assignments)

),

assigned_users as (

    select distinct user_id from assignments

),

{# Only the devices of assigned users: the events of everyone else can
    never meet a window. #}
device_users as (

    select
        device_users.device_id,
        device_users.user_id

    from {{ ref('int_device_users') }} as device_users
    inner join assigned_users
        on device_users.user_id = assigned_users.user_id

),

windows_opened as (

    select
        assignments.campaign_id,
        assignments.user_id,
        assignments.assigned_at,
        campaigns.conversion_event,
        {{ dbt.dateadd(
            'hour', '24 * campaigns.attribution_window_days',
            'assignments.assigned_at') }} as window_ends_at

    from assignments
    inner join campaigns
        on assignments.campaign_id = campaigns.campaign_id

),

{# An identified event is credited to its own user, an anonymous one to
    the user of its device (identity stitching); each part is joined on its
    own key, so the device lookup sees the anonymous events only. #}
events_credited as (

    select
        events.user_id,
        events.event_name,
        events.event_at

    from events
    inner join assigned_users
        on events.user_id = assigned_users.user_id

    union all

    select
        device_users.user_id,
        events.event_name,
        events.event_at

    from events
    inner join device_users
        on events.device_id = device_users.device_id
    where events.user_id is null

),

final as (

    select
        windows_opened.campaign_id,
        windows_opened.user_id,
        min(events_credited.event_at) as converted_at

    from windows_opened
    inner join events_credited
        on
            windows_opened.user_id = events_credited.user_id
            and windows_opened.conversion_event = events_credited.event_name
            and windows_opened.assigned_at < events_credited.event_at
            and windows_opened.window_ends_at >= events_credited.event_at
            and events_credited.event_at < {{ as_of_end_at }}
    group by
        windows_opened.campaign_id,
        windows_opened.user_id

)

select * from final
