{#-
    Brackets agree with day-n retention of the same cohort: a one-day
    bracket [n, n] retains exactly the users retained on day n, and any
    bracket [a, b] at most the users retained on or after day a. Checked
    where the bracket's first day is among the var retention_days; returns
    the cells that disagree.
-#}
with

brackets as (

    select
        registration_date,
        acquisition_channel,
        bracket_start,
        bracket_end,
        retained_users

    from {{ ref('rpt_cohort_retention_brackets') }}

),

days as (

    select
        registration_date,
        acquisition_channel,
        day_n,
        retained_on_day_n,
        retained_on_or_after_day_n

    from {{ ref('rpt_cohort_retention') }}

),

final as (

    select
        brackets.registration_date,
        brackets.acquisition_channel,
        brackets.bracket_start,
        brackets.bracket_end,
        brackets.retained_users,
        days.retained_on_day_n,
        days.retained_on_or_after_day_n

    from brackets
    inner join days
        on
            brackets.registration_date = days.registration_date
            and brackets.acquisition_channel = days.acquisition_channel
            and brackets.bracket_start = days.day_n
    where
        brackets.retained_users > days.retained_on_or_after_day_n
        or (
            brackets.bracket_start = brackets.bracket_end
            and brackets.retained_users <> days.retained_on_day_n
        )

)

select * from final
