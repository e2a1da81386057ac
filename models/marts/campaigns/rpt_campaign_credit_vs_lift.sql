{#-
    One row per campaign with a control arm: the attribution-credit view
    beside the causal one (metrics.md §1 and §5). credited_returns_count
    is what last-touch attribution gives the campaign's treatment arms
    (returns of inactivity episodes credited to a touch); touched_converted
    counts treatment converters who had a qualifying touch before they
    converted; incremental_conversions is what the holdout says the
    treatment added. The gaps are the natural returns and conversions that
    credit takes for the campaign.
-#}
{%- set bigint = dbt.type_bigint() -%}

with

incrementality as (

    select
        campaign_id,
        conversion_event,
        assigned_count,
        converted_count,
        touched_converted_count,
        credited_returns_count,
        incremental_conversions,
        is_window_open

    from {{ ref('rpt_campaign_incrementality') }}

),

campaigns_summed as (

    select
        incrementality.campaign_id,
        max(incrementality.conversion_event) as conversion_event,
        count(*) as treatment_arm_count,
        sum(incrementality.assigned_count) as treatment_assigned_count,
        sum(incrementality.converted_count) as treatment_converted_count,
        sum(incrementality.touched_converted_count)
            as touched_converted_count,
        sum(incrementality.credited_returns_count) as credited_returns_count,
        sum(incrementality.incremental_conversions)
            as incremental_conversions,
        max(case when incrementality.is_window_open then 1 else 0 end)
            as has_open_window

    from incrementality
    group by incrementality.campaign_id

),

final as (

    select
        campaigns_summed.campaign_id,
        campaigns_summed.conversion_event,
        campaigns_summed.treatment_arm_count,
        cast(campaigns_summed.treatment_assigned_count as {{ bigint }})
            as treatment_assigned_count,
        cast(campaigns_summed.treatment_converted_count as {{ bigint }})
            as treatment_converted_count,
        cast(campaigns_summed.touched_converted_count as {{ bigint }})
            as touched_converted_count,
        cast(campaigns_summed.credited_returns_count as {{ bigint }})
            as credited_returns_count,
        campaigns_summed.incremental_conversions,
        campaigns_summed.touched_converted_count
        - campaigns_summed.incremental_conversions
            as touched_not_incremental_conversions,
        campaigns_summed.credited_returns_count
        - campaigns_summed.incremental_conversions
            as credited_minus_incremental,
        {{ recall_safe_divide('campaigns_summed.incremental_conversions',
            'campaigns_summed.touched_converted_count') }}
            as incremental_to_touched_ratio,
        campaigns_summed.has_open_window = 1 as is_window_open

    from campaigns_summed

)

select * from final
