-- Question: how long do new users take to decide to buy, and is the
-- decision_cycle_days nudge (the trigger list) timed right? For each
-- registration month: the share that has bought by day 0, 1, 3, 7, 14 and
-- 30, the inflection day (the complete day k >= 1 with the largest gain),
-- and the share still undecided at the nudge day but buying by day 30
-- (what a nudge could still win). Incomplete cells are shown as null so
-- that immature months do not look worse than they are. Pooled over
-- months, counts are summed before dividing.

with

cells as (

    select
        cohort_month,
        k,
        cohort_size,
        first_purchasers_count,
        first_purchase_share,
        is_inflection,
        is_complete

    from {{ ref('rpt_decision_cycle') }}

),

months_pivoted as (

    select
        cells.cohort_month,
        max(cells.cohort_size) as cohort_size,
        {% for k in [0, 1, 3, 7, 14, 30] %}
        max(
            case
                when cells.k = {{ k }} and cells.is_complete
                    then cells.first_purchase_share
            end
        ) as share_by_day_{{ k }},
        {% endfor %}
        max(
            case
                when cells.k = {{ var('decision_cycle_days') }}
                    and cells.is_complete
                    then cells.first_purchasers_count
            end
        ) as purchasers_by_nudge_day,
        max(
            case
                when cells.k = 30 and cells.is_complete
                    then cells.first_purchasers_count
            end
        ) as purchasers_by_day_30,
        max(case when cells.is_inflection then cells.k end)
            as inflection_day

    from cells
    group by cells.cohort_month

),

final as (

    select
        months_pivoted.*,
        cast(
            months_pivoted.purchasers_by_day_30
            - months_pivoted.purchasers_by_nudge_day
            as {{ recall_type_double() }}
        ) / months_pivoted.cohort_size as share_deciding_after_nudge_day

    from months_pivoted

)

select * from final
order by cohort_month
