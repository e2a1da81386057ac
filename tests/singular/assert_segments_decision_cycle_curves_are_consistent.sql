{#-
    Each decision-cycle curve is a proper cumulative curve: every month has
    the 31 cells k = 0..30 with one cohort size, first purchasers never fall
    as k grows (gain >= 0) and equal the running sum of the new purchasers,
    completeness only ends (complete cells come first), at most one cell is
    the inflection, and the cohorts add up to the registered users of
    dim_users. Returns the months where one of these fails.
-#}
{{ config(severity='error') }}

with

cells as (

    select
        cohort_month,
        k,
        cohort_size,
        first_purchasers_count,
        new_purchasers_count,
        is_inflection,
        is_complete

    from {{ ref('rpt_decision_cycle') }}

),

users as (

    select user_id
    from {{ ref('dim_users') }}

),

cells_sequenced as (

    select
        cells.*,
        lag(cells.first_purchasers_count, 1, 0) over (
            partition by cells.cohort_month
            order by cells.k
        ) as previous_first_purchasers_count,
        lag(cells.is_complete, 1, true) over (
            partition by cells.cohort_month
            order by cells.k
        ) as previous_is_complete

    from cells

),

months_checked as (

    select
        cells_sequenced.cohort_month,
        count(*) as cells_count,
        min(cells_sequenced.cohort_size) as cohort_size,
        max(cells_sequenced.cohort_size) as max_cohort_size,
        count(case when cells_sequenced.is_inflection then 1 end)
            as inflections_count,
        count(
            case
                when cells_sequenced.first_purchasers_count
                    <> cells_sequenced.previous_first_purchasers_count
                    + cells_sequenced.new_purchasers_count
                    or cells_sequenced.new_purchasers_count < 0
                    or (
                        cells_sequenced.is_complete
                        and not cells_sequenced.previous_is_complete
                    )
                    then 1
            end
        ) as broken_cells_count

    from cells_sequenced
    group by cells_sequenced.cohort_month

),

totals as (

    select
        (select sum(months_checked.cohort_size) from months_checked)
            as cohort_users_count,
        (select count(*) from users) as registered_users_count

)

select
    months_checked.cohort_month,
    months_checked.cells_count,
    months_checked.inflections_count,
    months_checked.broken_cells_count,
    null as cohort_users_count,
    null as registered_users_count
from months_checked
where
    months_checked.cells_count <> 31
    or months_checked.cohort_size <> months_checked.max_cohort_size
    or months_checked.inflections_count > 1
    or months_checked.broken_cells_count > 0

union all

select
    null as cohort_month,
    null as cells_count,
    null as inflections_count,
    null as broken_cells_count,
    totals.cohort_users_count,
    totals.registered_users_count
from totals
where totals.cohort_users_count <> totals.registered_users_count
