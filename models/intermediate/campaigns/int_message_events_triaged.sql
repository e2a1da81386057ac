{#-
    One row per raw message_events row with its fate: clean, duplicate (an
    identical copy of a message_event_id) or quarantined (missing fields, an
    unknown event type, a callback without a send, a timestamp outside the
    plausible range, or a conflicting copy).
-#}
{%- set content_columns = ['send_id', 'event_type', 'event_at',
    'received_at'] -%}

with

callbacks as (

    select
        message_event_id,
        send_id,
        event_type,
        event_at,
        received_at

    from {{ ref('stg_crm__message_events') }}

),

sends as (

    select send_id
    from {{ ref('int_message_sends_triaged') }}
    where row_status = 'clean'

),

rules_checked as (

    select
        callbacks.*,
        case
            when callbacks.message_event_id is null
                or callbacks.send_id is null
                or callbacks.event_type is null
                or callbacks.event_at is null
                or callbacks.received_at is null
                then 'missing_required_field'
            when callbacks.event_type not in (
                    'delivered', 'opened', 'clicked', 'bounced',
                    'unsubscribed', 'complained'
                )
                then 'invalid_value'
            when sends.send_id is null then 'unknown_send'
            when
                {{ recall_is_implausible_timestamp('callbacks.event_at') }}
                or {{ recall_is_implausible_timestamp(
                    'callbacks.received_at') }}
                then 'implausible_date'
        end as invalid_reason

    from callbacks
    left join sends
        on callbacks.send_id = sends.send_id

),

versions_ranked as (

    {{ recall_triage_versions('rules_checked', ['message_event_id'],
        content_columns) }}

),

final as (

    select
        versions_ranked.message_event_id,
        versions_ranked.send_id,
        versions_ranked.event_type,
        versions_ranked.event_at,
        versions_ranked.received_at,
        {{ recall_triage_status('versions_ranked') }} as row_status,
        {{ recall_triage_reason('versions_ranked') }} as quarantine_reason

    from versions_ranked

)

select * from final
