{#-
    One row per user with a users row: the attributes of the latest clean
    snapshot and the registration (the earliest registered_at of any snapshot,
    rulings R9), with its day in the reporting time zone.
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

final as (

    select
        snapshots.user_id,
        snapshots.first_registered_at as registered_at,
        {{ recall_local_date('snapshots.first_registered_at') }}
            as registration_date,
        snapshots.acquisition_channel,
        snapshots.platform,
        snapshots.country,
        snapshots.timezone,
        snapshots.push_enabled,
        snapshots.has_phone,
        snapshots.has_email,
        snapshots.sms_opt_out,
        snapshots.email_opt_out,
        snapshots.updated_at

    from snapshots

)

select * from final
