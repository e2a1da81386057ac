{#-
    One row per campaign arm: the scheme library (metrics.md §5), every
    attribute of the campaign and of the arm side by side, the price of one
    message falling back to the channel's default cost (var channels via
    int_channels_registered, rulings R37), and the arm's expected share of
    the audience (R39). Published as int_campaign_variants_enriched builds
    it.
-#}

with

variants as (

    select
        campaign_id,
        variant_id,
        campaign_name,
        objective,
        target_state,
        is_control,
        channel,
        hook_type,
        offer_value,
        coupon_id,
        copy_id,
        conversion_event,
        attribution_window_days,
        cost_per_send,
        cost_per_send_source,
        allocation_share,
        expected_allocation_share,
        starts_at,
        ends_at

    from {{ ref('int_campaign_variants_enriched') }}

),

final as (

    select
        variants.campaign_id,
        variants.variant_id,
        variants.campaign_name,
        variants.objective,
        variants.target_state,
        variants.is_control,
        variants.channel,
        variants.hook_type,
        variants.offer_value,
        variants.coupon_id,
        variants.copy_id,
        variants.conversion_event,
        variants.attribution_window_days,
        variants.cost_per_send,
        variants.cost_per_send_source,
        variants.allocation_share,
        variants.expected_allocation_share,
        variants.starts_at,
        variants.ends_at

    from variants

)

select * from final
