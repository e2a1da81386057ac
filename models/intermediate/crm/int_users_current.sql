{#-
    One row per user with a users row: the attributes of the latest clean
    snapshot and the registration (the earliest registered_at of any snapshot,
    rulings R9), with its day in the reporting time zone. A time zone the
    engine does not know (recall_time_zone_names, e.g. 'Mars/Base') is
    treated as unknown: timezone is null (the reporting time zone then
    applies, rulings R34) and has_unknown_timezone flags the user for the
    data-quality check unknown_time_zone_users.
-#}

with

snapshots as (

    select
        user_id,
        first_registered_at,
        acquisition_channel,
        platform,
        country,
        timezone,
        push_enabled,
        has_phone,
        has_email,
        sms_opt_out,
        email_opt_out,
        updated_at

    from {{ ref('int_user_snapshots_triaged') }}
    where row_status = 'clean'

),

known_time_zones as (

    select distinct zones.time_zone_name
    from ({{ recall_time_zone_names() }}) as zones

),

time_zones_checked as (

    select
        snapshots.*,
        known_time_zones.time_zone_name

    from snapshots
    left join known_time_zones
        on snapshots.timezone = known_time_zones.time_zone_name

),

final as (

    select
        time_zones_checked.user_id,
        time_zones_checked.first_registered_at as registered_at,
        {{ recall_local_date('time_zones_checked.first_registered_at') }}
            as registration_date,
        time_zones_checked.acquisition_channel,
        time_zones_checked.platform,
        time_zones_checked.country,
        time_zones_checked.time_zone_name as timezone,
        time_zones_checked.push_enabled,
        time_zones_checked.has_phone,
        time_zones_checked.has_email,
        time_zones_checked.sms_opt_out,
        time_zones_checked.email_opt_out,
        time_zones_checked.updated_at,
        (
            time_zones_checked.timezone is not null
            and time_zones_checked.time_zone_name is null
        ) as has_unknown_timezone

    from time_zones_checked

)

select * from final
