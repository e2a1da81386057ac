{#-
    One row per campaign x arm (metrics.md §5, rulings R41): how many users
    were assigned and what went out to them, the counts that
    rpt_campaign_delivery_quality publishes and the send-operation checks of
    rpt_data_quality_checks_daily judge. Message counts (sent, failed,
    suppressed) count send rows; the flag and callback counts count
    assigned users. Arms without assignments have zero rows.
-#}

with

variants as (

    select
        campaign_id,
        variant_id,
        is_control

    from {{ ref('int_campaign_variants_enriched') }}

),

exposures as (

    select
        campaign_id,
        variant_id,
        send_attempt_count,
        sent_count,
        failed_count,
        suppressed_count,
        is_duplicate,
        is_missed,
        is_early,
        is_late,
        is_contaminated,
        is_off_target,
        is_delivered,
        is_opened,
        is_clicked

    from {{ ref('int_campaign_exposures_stated') }}

),

exposures_counted as (

    select
        exposures.campaign_id,
        exposures.variant_id,
        count(*) as assigned_count,
        cast(sum(exposures.send_attempt_count) as {{ dbt.type_bigint() }})
            as send_attempt_count,
        cast(sum(exposures.sent_count) as {{ dbt.type_bigint() }})
            as sent_count,
        cast(sum(exposures.failed_count) as {{ dbt.type_bigint() }})
            as failed_count,
        cast(sum(exposures.suppressed_count) as {{ dbt.type_bigint() }})
            as suppressed_count,
        count(case when exposures.sent_count > 0 then 1 end)
            as sent_users_count,
        count(case when exposures.is_duplicate then 1 end) as duplicate_count,
        count(case when exposures.is_missed then 1 end) as missed_count,
        count(case when exposures.is_early then 1 end) as early_count,
        count(case when exposures.is_late then 1 end) as late_count,
        count(case when exposures.is_contaminated then 1 end)
            as contaminated_count,
        count(case when exposures.is_off_target then 1 end)
            as off_target_count,
        count(case when exposures.is_delivered then 1 end) as delivered_count,
        count(case when exposures.is_opened then 1 end) as opened_count,
        count(case when exposures.is_clicked then 1 end) as clicked_count

    from exposures
    group by
        exposures.campaign_id,
        exposures.variant_id

),

final as (

    select
        variants.campaign_id,
        variants.variant_id,
        variants.is_control,
        coalesce(exposures_counted.assigned_count, 0) as assigned_count,
        coalesce(exposures_counted.send_attempt_count, 0)
            as send_attempt_count,
        coalesce(exposures_counted.sent_count, 0) as sent_count,
        coalesce(exposures_counted.failed_count, 0) as failed_count,
        coalesce(exposures_counted.suppressed_count, 0) as suppressed_count,
        coalesce(exposures_counted.sent_users_count, 0) as sent_users_count,
        coalesce(exposures_counted.duplicate_count, 0) as duplicate_count,
        coalesce(exposures_counted.missed_count, 0) as missed_count,
        coalesce(exposures_counted.early_count, 0) as early_count,
        coalesce(exposures_counted.late_count, 0) as late_count,
        coalesce(exposures_counted.contaminated_count, 0)
            as contaminated_count,
        coalesce(exposures_counted.off_target_count, 0) as off_target_count,
        coalesce(exposures_counted.delivered_count, 0) as delivered_count,
        coalesce(exposures_counted.opened_count, 0) as opened_count,
        coalesce(exposures_counted.clicked_count, 0) as clicked_count

    from variants
    left join exposures_counted
        on
            variants.campaign_id = exposures_counted.campaign_id
            and variants.variant_id = exposures_counted.variant_id

)

select * from final
