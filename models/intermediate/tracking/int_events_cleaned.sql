{#-
    One row per deduplicated event that passed the rules needing no other
    table (int_events_kept), with the rules that need the users table
    applied (rulings R4, R5): an identified event whose user has no users row
    is quarantined as unknown_user, one dated before the user's registration
    day as before_registration. A view: it is read with filters on
    landing_date and loaded_at, which prune the triaged table.
-#}
{{ config(materialized='view') }}

with

kept as (

    select * from {{ ref('int_events_kept') }}

),

users as (

    select
        user_id,
        registration_date

    from {{ ref('int_users_current') }}

),

users_checked as (

    select
        kept.*,
        case
            when kept.user_id is null then null
            when users.user_id is null then 'unknown_user'
            when kept.event_date < users.registration_date
                then 'before_registration'
        end as quarantine_reason

    from kept
    left join users
        on kept.user_id = users.user_id

),

final as (

    select
        users_checked.event_id,
        users_checked.event_name,
        users_checked.user_id,
        users_checked.device_id,
        users_checked.session_id,
        users_checked.event_at,
        users_checked.received_at,
        users_checked.event_date,
        users_checked.platform,
        users_checked.app_version,
        users_checked.properties,
        users_checked.landing_date,
        users_checked.counts_as_active,
        users_checked.is_core_action,
        users_checked.is_missing_required_property,
        users_checked.send_id,
        users_checked.order_id,
        users_checked.quarantine_reason is null as is_clean,
        users_checked.quarantine_reason,
        users_checked.loaded_at

    from users_checked

)

select * from final
