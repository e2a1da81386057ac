{#-
    One row per clean campaign arm: every attribute of the campaign and of
    the arm side by side, the price of one message falling back to the
    channel's default cost (var channels via int_channels_registered,
    rulings R37), and the arm's expected share of the audience (R39).
    dim_campaign_variants publishes it; the campaign steps read it here.
-#}

with

campaigns as (

    select
        campaign_id,
        campaign_name,
        objective,
        target_state,
        conversion_event,
        attribution_window_days,
        starts_at,
        ends_at

    from {{ ref('int_campaigns_triaged') }}
    where row_status = 'clean'

),

variants as (

    select
        campaign_id,
        variant_id,
        is_control,
        channel,
        hook_type,
        offer_value,
        coupon_id,
        copy_id,
        cost_per_send,
        allocation_share

    from {{ ref('int_campaign_variants_triaged') }}
    where row_status = 'clean'

),

channel_costs as (

    select
        channel,
        cost_per_send

    from {{ ref('int_channels_registered') }}

),

shares_summed as (

    select
        variants.campaign_id,
        count(*) as arm_count,
        count(variants.allocation_share) as shared_arm_count,
        sum(variants.allocation_share) as allocation_share_total

    from variants
    group by variants.campaign_id

),

final as (

    select
        variants.campaign_id,
        variants.variant_id,
        campaigns.campaign_name,
        campaigns.objective,
        campaigns.target_state,
        variants.is_control,
        variants.channel,
        variants.hook_type,
        variants.offer_value,
        variants.coupon_id,
        variants.copy_id,
        campaigns.conversion_event,
        campaigns.attribution_window_days,
        cast(
            coalesce(variants.cost_per_send, channel_costs.cost_per_send)
            as decimal(18, 4)
        ) as cost_per_send,
        case
            when variants.cost_per_send is not null then 'variant'
            when channel_costs.cost_per_send is not null
                then 'channel_default'
        end as cost_per_send_source,
        variants.allocation_share,
        cast(
            case
                when shares_summed.shared_arm_count = 0
                    then 1.0 / shares_summed.arm_count
                when
                    shares_summed.shared_arm_count = shares_summed.arm_count
                    and shares_summed.allocation_share_total > 0
                    then
                        variants.allocation_share
                        / shares_summed.allocation_share_total
            end as {{ recall_type_double() }}
        ) as expected_allocation_share,
        campaigns.starts_at,
        campaigns.ends_at

    from variants
    inner join campaigns
        on variants.campaign_id = campaigns.campaign_id
    inner join shares_summed
        on variants.campaign_id = shares_summed.campaign_id
    left join channel_costs
        on variants.channel = channel_costs.channel

)

select * from final
