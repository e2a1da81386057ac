{#-
    One row per calendar day from the first registration day on or before
    as_of_date to as_of_date: the day axis of the daily lifecycle and growth
    reports, so days without any change still get their rows. The series
    holds exactly the days needed: their number is queried at compile time
    from the clean users (a registration with an implausible date is
    quarantined upstream, so it cannot stretch the axis).
-#}
{%- set as_of_date = recall_as_of_date_sql() -%}
{%- set day_count = recall_day_count_to_as_of(ref('int_users_current'),
    'registration_date', 'registration_date <= ' ~ as_of_date) -%}

with

users as (

    select registration_date
    from {{ ref('int_users_current') }}
    where registration_date <= {{ as_of_date }}

),

day_numbers as (

    {{ dbt.generate_series(day_count) }}

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
        <= {{ recall_datediff('first_day.first_date', as_of_date, 'day') }}

)

select * from final
