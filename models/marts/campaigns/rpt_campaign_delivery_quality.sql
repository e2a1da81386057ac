{#-
    One row per campaign x arm (metrics.md §5, rulings R41): did the
    messages go out once, on time, to the audience that was meant. Message
    counts (sent, failed, suppressed) count send rows; the flag and callback
    counts count assigned users. Arms without assignments have zero rows.
    The counts come from int_campaign_deliveries_counted, which the
    send-operation checks of rpt_data_quality_checks_daily read too.
-#}

with

deliveries as (

    select
        campaign_id,
        variant_id,
        is_control,
        assigned_count,
        send_attempt_count,
        sent_count,
        failed_count,
        suppressed_count,
        sent_users_count,
        duplicate_count,
        missed_count,
        early_count,
        late_count,
        contaminated_count,
        off_target_count,
        delivered_count,
        opened_count,
        clicked_count

    from {{ ref('int_campaign_deliveries_counted') }}

),

final as (

    select
        deliveries.campaign_id,
        deliveries.variant_id,
        deliveries.is_control,
        deliveries.assigned_count,
        deliveries.send_attempt_count,
        deliveries.sent_count,
        deliveries.failed_count,
        deliveries.suppressed_count,
        deliveries.sent_users_count,
        deliveries.duplicate_count,
        deliveries.missed_count,
        deliveries.early_count,
        deliveries.late_count,
        deliveries.contaminated_count,
        deliveries.off_target_count,
        deliveries.delivered_count,
        deliveries.opened_count,
        deliveries.clicked_count,
        {{ recall_safe_divide('deliveries.failed_count',
            'deliveries.send_attempt_count') }} as failed_share

    from deliveries

)

select * from final
