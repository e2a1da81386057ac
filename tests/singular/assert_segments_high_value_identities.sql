{#-
    High-value net change adds up (metrics.md §4, rulings R33): every month
    end - start = gained_existing + gained_new - lost = net_new, start =
    retained + lost, end = retained + gained_existing + gained_new, and a
    month starts with the set the month before ended with (both evaluated
    on that month's last day). Returns the months where an identity fails.
-#}
{{ config(severity='error') }}

with

months as (

    select
        month_start,
        start_count,
        retained_count,
        lost_count,
        gained_existing_count,
        gained_new_count,
        end_count,
        net_new_count

    from {{ ref('rpt_high_value_monthly') }}

),

months_chained as (

    select
        months.*,
        lag(months.end_count) over (
            order by months.month_start
        ) as previous_end_count

    from months

)

select *
from months_chained
where
    months_chained.end_count - months_chained.start_count
    <> months_chained.gained_existing_count
    + months_chained.gained_new_count
    - months_chained.lost_count
    or months_chained.net_new_count
    <> months_chained.end_count - months_chained.start_count
    or months_chained.start_count
    <> months_chained.retained_count + months_chained.lost_count
    or months_chained.end_count
    <> months_chained.retained_count
    + months_chained.gained_existing_count
    + months_chained.gained_new_count
    or months_chained.start_count <> months_chained.previous_end_count
