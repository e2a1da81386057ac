{#-
    One row per raw campaign_variants row with its fate: clean, duplicate or
    quarantined (missing fields, an unknown channel or hook, an arm of an
    unknown campaign, or a conflicting copy of the same arm).
-#}
{%- set content_columns = ['is_control', 'channel', 'hook_type',
    'offer_value', 'coupon_id', 'copy_id', 'cost_per_send',
    'allocation_share'] -%}

with

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

    from {{ ref('stg_crm__campaign_variants') }}

),

campaigns as (

    select campaign_id
    from {{ ref('int_campaigns_triaged') }}
    where row_status = 'clean'

),

rules_checked as (

    select
        variants.*,
        case
            when variants.campaign_id is null
                or variants.variant_id is null
                or variants.is_control is null
                then 'missing_required_field'
            when campaigns.campaign_id is null then 'unknown_campaign'
            when variants.channel not in (
                    {{ recall_sql_list(recall_channels()
                        | map(attribute='channel') | list) }}
                )
                or variants.hook_type not in (
                    'coupon', 'points', 'free_trial', 'content', 'none'
                )
                or variants.offer_value < 0
                or variants.cost_per_send < 0
                or variants.allocation_share < 0
                or variants.allocation_share > 1
                then 'invalid_value'
        end as invalid_reason

    from variants
    left join campaigns
        on variants.campaign_id = campaigns.campaign_id

),

versions_ranked as (

    {{ recall_triage_versions('rules_checked', ['campaign_id', 'variant_id'],
        content_columns) }}

),

final as (

    select
        versions_ranked.campaign_id,
        versions_ranked.variant_id,
        versions_ranked.is_control,
        versions_ranked.channel,
        versions_ranked.hook_type,
        versions_ranked.offer_value,
        versions_ranked.coupon_id,
        versions_ranked.copy_id,
        versions_ranked.cost_per_send,
        versions_ranked.allocation_share,
        {{ recall_triage_status('versions_ranked') }} as row_status,
        {{ recall_triage_reason('versions_ranked') }} as quarantine_reason

    from versions_ranked

)

select * from final
