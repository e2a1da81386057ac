{#-
    One row per qualifying touch (metrics.md §1, rulings R16): a provider
    callback whose type qualifies for its send's channel, of a send with
    status sent to a treatment user assigned to the send's campaign.
    Repeated callbacks of one send, type and event_at count once (the one
    with the greatest message_event_id stays).
-#}

with

callbacks as (

    select
        message_event_id,
        send_id,
        event_type,
        event_at

    from {{ ref('int_message_events_triaged') }}
    where row_status = 'clean'

),

sends as (

    select
        send_id,
        campaign_id,
        variant_id,
        user_id,
        channel

    from {{ ref('int_message_sends_triaged') }}
    where
        row_status = 'clean'
        and status = 'sent'

),

assignments as (

    select
        campaign_id,
        user_id,
        variant_id

    from {{ ref('int_campaign_assignments_triaged') }}
    where row_status = 'clean'

),

variants as (

    select
        campaign_id,
        variant_id,
        is_control

    from {{ ref('int_campaign_variants_triaged') }}
    where row_status = 'clean'

),

campaigns as (

    select
        campaign_id,
        attribution_window_days

    from {{ ref('int_campaigns_triaged') }}
    where row_status = 'clean'

),

treatment_assignments as (

    select
        assignments.campaign_id,
        assignments.user_id

    from assignments
    inner join variants
        on
            assignments.campaign_id = variants.campaign_id
            and assignments.variant_id = variants.variant_id
    where not variants.is_control

),

touches_joined as (

    select
        callbacks.message_event_id,
        callbacks.send_id,
        callbacks.event_type,
        callbacks.event_at as touch_at,
        sends.campaign_id,
        sends.variant_id,
        sends.user_id,
        sends.channel,
        campaigns.attribution_window_days,
        row_number() over (
            partition by
                callbacks.send_id,
                callbacks.event_type,
                callbacks.event_at
            order by callbacks.message_event_id desc
        ) as copy_rank

    from callbacks
    inner join sends
        on callbacks.send_id = sends.send_id
    inner join treatment_assignments
        on
            sends.campaign_id = treatment_assignments.campaign_id
            and sends.user_id = treatment_assignments.user_id
    inner join campaigns
        on sends.campaign_id = campaigns.campaign_id
    where
        {{ recall_is_qualifying_touch(
            'sends.channel', 'callbacks.event_type') }}

),

final as (

    select
        touches_joined.message_event_id,
        touches_joined.send_id,
        touches_joined.event_type,
        touches_joined.touch_at,
        touches_joined.campaign_id,
        touches_joined.variant_id,
        touches_joined.user_id,
        touches_joined.channel,
        touches_joined.attribution_window_days

    from touches_joined
    where touches_joined.copy_rank = 1

)

select * from final
