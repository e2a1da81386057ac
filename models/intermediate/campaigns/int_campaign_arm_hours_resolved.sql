{#-
    One row per campaign x arm with at least one clean send: the UTC hour of
    day its sends were scheduled for, the arm attribute `scheduled_hour`
    that rpt_campaign_arm_comparisons compares (send time against send
    time). The modal hour is the UTC hour of scheduled_at holding the most
    of the arm's sends (ties: the earlier hour); it is the arm's
    scheduled_hour only when it holds at least var
    scheduled_hour_min_share of them. Otherwise the arm has no scheduled
    hour (null): its sends follow each user's assignment time, as in a
    campaign that sends a few minutes after assignment, and an hour taken
    from such a spread would be noise (two arms split 51 / 49 between
    00:00 and 01:00 must not look like a send-time test). Every clean send
    counts, whatever its status: scheduled_at is the plan.
-#}
{%- set min_share = var('scheduled_hour_min_share') -%}

with

sends as (

    select
        campaign_id,
        variant_id,
        scheduled_at

    from {{ ref('int_message_sends_triaged') }}
    where row_status = 'clean'

),

sends_hourly as (

    select
        sends.campaign_id,
        sends.variant_id,
        {{ recall_local_hour('sends.scheduled_at', "'UTC'") }} as utc_hour

    from sends

),

hours_counted as (

    select
        sends_hourly.campaign_id,
        sends_hourly.variant_id,
        sends_hourly.utc_hour,
        count(*) as send_count

    from sends_hourly
    group by
        sends_hourly.campaign_id,
        sends_hourly.variant_id,
        sends_hourly.utc_hour

),

hours_ranked as (

    select
        hours_counted.campaign_id,
        hours_counted.variant_id,
        hours_counted.utc_hour,
        hours_counted.send_count,
        cast(sum(hours_counted.send_count) over (
            partition by hours_counted.campaign_id, hours_counted.variant_id
        ) as {{ dbt.type_bigint() }}) as scheduled_send_count,
        row_number() over (
            partition by hours_counted.campaign_id, hours_counted.variant_id
            order by hours_counted.send_count desc, hours_counted.utc_hour asc
        ) as hour_rank

    from hours_counted

),

final as (

    select
        hours_ranked.campaign_id,
        hours_ranked.variant_id,
        hours_ranked.scheduled_send_count,
        hours_ranked.utc_hour as modal_hour,
        hours_ranked.send_count as modal_hour_send_count,
        case
            when
                hours_ranked.send_count
                >= {{ min_share }} * hours_ranked.scheduled_send_count
                then hours_ranked.utc_hour
        end as scheduled_hour

    from hours_ranked
    where hours_ranked.hour_rank = 1

)

select * from final
