{#-
    One row per user per recall lifecycle state interval, from registration
    day to as_of_date without gaps or overlaps: consecutive pieces of
    int_user_lifecycle_segments in the same state merged into one interval;
    fct_user_lifecycle publishes it.
-#}
{%- set as_of_date = recall_as_of_date_sql() -%}

with

segments as (

    select
        user_id,
        lifecycle_state,
        valid_from,
        valid_to

    from {{ ref('int_user_lifecycle_segments') }}

),

changes_flagged as (

    select
        segments.*,
        case
            when
                lag(segments.lifecycle_state) over (
                    partition by segments.user_id
                    order by segments.valid_from
                ) = segments.lifecycle_state
                then 0
            else 1
        end as is_state_change

    from segments

),

intervals_numbered as (

    select
        changes_flagged.*,
        sum(changes_flagged.is_state_change) over (
            partition by changes_flagged.user_id
            order by changes_flagged.valid_from
            rows between unbounded preceding and current row
        ) as interval_number

    from changes_flagged

),

intervals_merged as (

    select
        intervals_numbered.user_id,
        intervals_numbered.interval_number,
        min(intervals_numbered.lifecycle_state) as lifecycle_state,
        min(intervals_numbered.valid_from) as valid_from,
        max(intervals_numbered.valid_to) as valid_to

    from intervals_numbered
    group by
        intervals_numbered.user_id,
        intervals_numbered.interval_number

),

final as (

    select
        intervals_merged.user_id,
        intervals_merged.lifecycle_state,
        intervals_merged.valid_from,
        case
            when intervals_merged.valid_to <= {{ as_of_date }}
                then intervals_merged.valid_to
        end as valid_to,
        cast(intervals_merged.interval_number as {{ dbt.type_bigint() }})
            as interval_number

    from intervals_merged

)

select * from final
