{#-
    One row per calendar day from the first registration day on or before
    as_of_date to as_of_date: the day axis of the daily lifecycle and growth
    reports, so days without any change still get their rows. Generated
    from a fixed series of 36,600 day numbers (a hundred years), so nothing
    is queried at compile time.
-#}
{%- set as_of_date = recall_as_of_date_sql() -%}

with

users as (

    select registration_date
    from {{ ref('int_users_current') }}
    where registration_date <= {{ as_of_date }}

),

day_numbers as (

    {{ dbt.generate_series(36600) }}

),

first_day as (

    select min(users.registration_date) as first_date
    from users

),

final as (

    select
        {{ recall_add_days('first_day.first_date',
            'day_numbers.generated_number - 1') }} as date_day

    from first_day
    cross join day_numbers
    where
        day_numbers.generated_number - 1
        <= {{ dbt.datediff('first_day.first_date', as_of_date, 'day') }}

)

select * from final
