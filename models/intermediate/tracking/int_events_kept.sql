{#-
    One row per deduplicated event that passed the rules needing no other
    table (int_event_rows_triaged, row_status kept), with its day in the
    reporting time zone and its tracking-plan flags, before the rules that
    need the users table (rulings R4, R5: unknown_user, before_registration;
    int_events_cleaned applies them).

    For consumers that credit events to users through their own join to the
    users and keep only events on or after the user's registration day: that
    join applies both rules (an identified event of an unknown user finds no
    user; one dated before the registration day is filtered out), and
    anonymous events are never quarantined by them. Reading this view spares
    them a second join of every event to the users table. A view: it is read
    with filters on landing_date and loaded_at, which prune the triaged table.
-#}
{{ config(materialized='view') }}

with

triaged as (

    select
        event_id,
        event_name,
        user_id,
        device_id,
        session_id,
        event_at,
        received_at,
        platform,
        app_version,
        properties,
        landing_date,
        is_missing_required_property,
        send_id,
        order_id,
        loaded_at

    from {{ ref('int_event_rows_triaged') }}
    where row_status = 'kept'

),

tracking_plan as (

    select
        event_name,
        counts_as_active,
        is_core_action

    from {{ ref('tracking_plan') }}

),

final as (

    select
        triaged.event_id,
        triaged.event_name,
        triaged.user_id,
        triaged.device_id,
        triaged.session_id,
        triaged.event_at,
        triaged.received_at,
        {{ recall_local_date('triaged.event_at') }} as event_date,
        triaged.platform,
        triaged.app_version,
        triaged.properties,
        triaged.landing_date,
        tracking_plan.counts_as_active,
        tracking_plan.is_core_action,
        triaged.is_missing_required_property,
        triaged.send_id,
        triaged.order_id,
        triaged.loaded_at

    from triaged
    left join tracking_plan
        on triaged.event_name = tracking_plan.event_name

)

select * from final
