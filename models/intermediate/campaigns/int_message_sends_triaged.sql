{#-
    One row per raw message_sends row with its fate: clean, duplicate (an
    identical copy of a send_id) or quarantined (missing fields, a value
    outside the contract, a send without an assignment of its user to its
    campaign, a timestamp outside the plausible range, or a conflicting copy
    of the same send_id).
-#}
{%- set content_columns = ['campaign_id', 'variant_id', 'user_id',
    'channel', 'scheduled_at', 'sent_at', 'status', 'failure_reason'] -%}

with

sends as (

    select
        send_id,
        campaign_id,
        variant_id,
        user_id,
        channel,
        scheduled_at,
        sent_at,
        status,
        failure_reason

    from {{ ref('stg_crm__message_sends') }}

),

assignments as (

    select
        campaign_id,
        user_id

    from {{ ref('int_campaign_assignments_triaged') }}
    where row_status = 'clean'

),

rules_checked as (

    select
        sends.*,
        case
            when sends.send_id is null
                or sends.campaign_id is null
                or sends.variant_id is null
                or sends.user_id is null
                or sends.channel is null
                or sends.scheduled_at is null
                or sends.status is null
                then 'missing_required_field'
            when sends.status not in ('sent', 'failed', 'suppressed')
                or sends.channel not in (
                    {{ recall_sql_list(recall_channels()
                        | map(attribute='channel') | list) }}
                )
                or (sends.status = 'sent' and sends.sent_at is null)
                then 'invalid_value'
            when assignments.user_id is null then 'no_assignment'
            when
                {{ recall_is_implausible_timestamp('sends.scheduled_at') }}
                or {{ recall_is_implausible_timestamp('sends.sent_at') }}
                then 'implausible_date'
        end as invalid_reason

    from sends
    left join assignments
        on
            sends.campaign_id = assignments.campaign_id
            and sends.user_id = assignments.user_id

),

versions_ranked as (

    {{ recall_triage_versions('rules_checked', ['send_id'],
        content_columns) }}

),

final as (

    select
        versions_ranked.send_id,
        versions_ranked.campaign_id,
        versions_ranked.variant_id,
        versions_ranked.user_id,
        versions_ranked.channel,
        versions_ranked.scheduled_at,
        versions_ranked.sent_at,
        versions_ranked.status,
        versions_ranked.failure_reason,
        {{ recall_triage_status('versions_ranked') }} as row_status,
        {{ recall_triage_reason('versions_ranked') }} as quarantine_reason

    from versions_ranked

)

select * from final
