{#-
    Each send-time segment is a distribution over the day: 24 hours, shares
    adding up to 1 (within floating-point rounding), counts adding up to the
    segment's events, exactly one best hour and it has the largest share.
    Returns the segments where that fails.
-#}
{{ config(severity='error') }}

with

profile as (

    select
        value_tier,
        lifecycle_state,
        local_hour,
        event_share,
        is_best_hour,
        events_count,
        segment_events_count

    from {{ ref('rpt_send_time_profile') }}

),

segments_checked as (

    select
        profile.value_tier,
        profile.lifecycle_state,
        count(distinct profile.local_hour) as hours_count,
        sum(profile.event_share) as share_sum,
        sum(profile.events_count) as events_count,
        max(profile.segment_events_count) as segment_events_count,
        count(case when profile.is_best_hour then 1 end) as best_hours_count,
        max(profile.event_share) as max_share,
        max(case when profile.is_best_hour then profile.event_share end)
            as best_share

    from profile
    group by
        profile.value_tier,
        profile.lifecycle_state

)

select *
from segments_checked
where
    segments_checked.hours_count <> 24
    or abs(segments_checked.share_sum - 1) > 0.000000001
    or segments_checked.events_count <> segments_checked.segment_events_count
    or segments_checked.best_hours_count <> 1
    or segments_checked.best_share <> segments_checked.max_share
