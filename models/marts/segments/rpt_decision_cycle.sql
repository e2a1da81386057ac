{#-
    One row per registration month x k = 0..30 (metrics.md §4, rulings
    R32): the share of the month's registered users whose first paid order
    day - registration day <= k, its gain over k - 1 (gain(0) = share(0))
    and the inflection day. A user's first paid order day is the earliest
    local ordered day, on or before as_of_date, among their orders whose
    latest version updated on or before as_of_date is paid (rulings R7,
    int_orders_resolved); an
    order placed before registration counts as bought within every k.
    A cell is complete when the cohort's last registration day (the latest
    registration_date of its users, as in rpt_feature_retention) + k <=
    as_of_date. The inflection is the complete cell with k >= 1 and the
    largest gain, ties to the smallest k; gains of incomplete cells are
    still growing, so they never compete, and a cohort without a complete
    cell with k >= 1 has no inflection. Gains are compared as whole counts
    of new first purchasers, so ties are exact.
-#}
{%- set as_of_date = recall_as_of_date_sql() -%}
{#- The curve's last k (metrics.md §4 fixes it at 30 days). -#}
{%- set max_k = 30 -%}

with

users as (

    select
        user_id,
        registration_date

    from {{ ref('dim_users') }}

),

paid_orders as (

    select
        user_id,
        order_date

    from {{ ref('int_orders_resolved') }}
    where
        is_paid
        and order_date <= {{ as_of_date }}

),

k_numbers as (

    {{ dbt.generate_series(max_k + 1) }}

),

first_paid_days as (

    select
        paid_orders.user_id,
        min(paid_orders.order_date) as first_paid_date

    from paid_orders
    group by paid_orders.user_id

),

users_measured as (

    select
        users.user_id,
        cast({{ dbt.date_trunc('month', 'users.registration_date') }} as date)
            as cohort_month,
        users.registration_date,
        case
            when first_paid_days.first_paid_date is null then null
            when first_paid_days.first_paid_date < users.registration_date
                then 0
            else {{ recall_datediff('users.registration_date',
                'first_paid_days.first_paid_date', 'day') }}
        end as days_to_first_purchase

    from users
    left join first_paid_days
        on users.user_id = first_paid_days.user_id

),

cohorts as (

    select
        users_measured.cohort_month,
        max(users_measured.registration_date) as last_registration_date,
        count(*) as cohort_size

    from users_measured
    group by users_measured.cohort_month

),

first_purchases_counted as (

    select
        users_measured.cohort_month,
        users_measured.days_to_first_purchase as k,
        count(*) as new_purchasers_count

    from users_measured
    where users_measured.days_to_first_purchase <= {{ max_k }}
    group by
        users_measured.cohort_month,
        users_measured.days_to_first_purchase

),

cells_spined as (

    select
        cohorts.cohort_month,
        cohorts.last_registration_date,
        cohorts.cohort_size,
        k_numbers.generated_number - 1 as k,
        coalesce(first_purchases_counted.new_purchasers_count, 0)
            as new_purchasers_count

    from cohorts
    cross join k_numbers
    left join first_purchases_counted
        on
            cohorts.cohort_month = first_purchases_counted.cohort_month
            and k_numbers.generated_number - 1 = first_purchases_counted.k

),

cells_accumulated as (

    select
        cells_spined.cohort_month,
        cells_spined.k,
        cells_spined.cohort_size,
        cells_spined.new_purchasers_count,
        sum(cells_spined.new_purchasers_count) over (
            partition by cells_spined.cohort_month
            order by cells_spined.k
            rows between unbounded preceding and current row
        ) as first_purchasers_count,
        {{ recall_add_days('cells_spined.last_registration_date',
            'cells_spined.k') }} <= {{ as_of_date }} as is_complete

    from cells_spined

),

inflections_ranked as (

    select
        cells_accumulated.cohort_month,
        cells_accumulated.k,
        row_number() over (
            partition by cells_accumulated.cohort_month
            order by
                cells_accumulated.new_purchasers_count desc,
                cells_accumulated.k asc
        ) as gain_rank

    from cells_accumulated
    where
        cells_accumulated.k >= 1
        and cells_accumulated.is_complete

),

cells_flagged as (

    select
        cells_accumulated.*,
        cast(
            cells_accumulated.first_purchasers_count
            as {{ recall_type_double() }}
        )
        / cells_accumulated.cohort_size as first_purchase_share,
        cast(
            cells_accumulated.new_purchasers_count
            as {{ recall_type_double() }}
        )
        / cells_accumulated.cohort_size as gain,
        inflections_ranked.k is not null as is_inflection

    from cells_accumulated
    left join inflections_ranked
        on
            cells_accumulated.cohort_month = inflections_ranked.cohort_month
            and cells_accumulated.k = inflections_ranked.k
            and inflections_ranked.gain_rank = 1

),

final as (

    select
        cells_flagged.cohort_month,
        cast(cells_flagged.k as {{ dbt.type_bigint() }}) as k,
        cast(cells_flagged.cohort_size as {{ dbt.type_bigint() }})
            as cohort_size,
        cast(cells_flagged.first_purchasers_count as {{ dbt.type_bigint() }})
            as first_purchasers_count,
        cells_flagged.first_purchase_share,
        cells_flagged.gain,
        cells_flagged.is_inflection,
        cells_flagged.is_complete,
        cast(cells_flagged.new_purchasers_count as {{ dbt.type_bigint() }})
            as new_purchasers_count

    from cells_flagged

)

select * from final
