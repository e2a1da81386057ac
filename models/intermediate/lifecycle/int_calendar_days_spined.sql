{#-
    One row per calendar day from the first registration day on or before
    as_of_date to as_of_date: the day axis of the daily lifecycle and growth
    reports, so days without any change still get their rows.
-#}
{%- set as_of_date = "cast('" ~ recall_as_of_date() ~ "' as date)" -%}
{%- set first_day -%}
    (
        select min(registration_date)
        from {{ ref('int_users_current') }}
        where registration_date <= {{ as_of_date }}
    )
{%- endset -%}

with

days_spined as (

    {{ dbt.date_spine('day', first_day,
        recall_add_days(as_of_date, 1)) }}

),

final as (

    select cast(days_spined.date_day as date) as date_day
    from days_spined

)

select * from final
