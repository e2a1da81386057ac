{#-
    One row per user with at least one paid order on or before as_of_date:
    the raw RFM values over the paid orders of the last rfm_lookback_days
    (metrics.md §4, rulings R26) and the Fader-Hardie repeat-purchase
    summary over all history (R27). Orders are read as R7 reads them
    (int_orders_resolved): each in its latest version updated on or before
    the end of as_of_date, placed on or before as_of_date; an order counts
    when that version is paid, for its net revenue gross_amount -
    discount_amount. An order's day is the reporting-time-zone date of
    ordered_at.
-#}
{%- set as_of_date = recall_as_of_date_sql() -%}

with

orders as (

    select
        user_id,
        order_date,
        net_revenue

    from {{ ref('int_orders_resolved') }}
    where
        is_paid
        and order_date <= {{ as_of_date }}

),

purchase_days as (

    select
        orders.user_id,
        orders.order_date,
        count(*) as paid_order_count,
        sum(orders.net_revenue) as net_revenue

    from orders
    group by
        orders.user_id,
        orders.order_date

),

purchase_days_numbered as (

    select
        purchase_days.user_id,
        purchase_days.order_date,
        purchase_days.paid_order_count,
        purchase_days.net_revenue,
        row_number() over (
            partition by purchase_days.user_id
            order by purchase_days.order_date
        ) as purchase_day_number,
        {{ recall_is_in_trailing_window('purchase_days.order_date',
            as_of_date, var('rfm_lookback_days')) }} as is_in_rfm_window

    from purchase_days

),

purchases_summarised as (

    select
        purchase_days_numbered.user_id,
        count(*) as purchase_day_count,
        min(purchase_days_numbered.order_date) as first_purchase_date,
        max(purchase_days_numbered.order_date) as last_purchase_date,
        sum(
            case
                when purchase_days_numbered.purchase_day_number > 1
                    then purchase_days_numbered.net_revenue
                else 0
            end
        ) as repeat_net_revenue,
        max(
            case
                when purchase_days_numbered.is_in_rfm_window
                    then purchase_days_numbered.order_date
            end
        ) as rfm_last_order_date,
        sum(
            case
                when purchase_days_numbered.is_in_rfm_window
                    then purchase_days_numbered.paid_order_count
                else 0
            end
        ) as rfm_frequency,
        sum(
            case
                when purchase_days_numbered.is_in_rfm_window
                    then purchase_days_numbered.net_revenue
                else 0
            end
        ) as rfm_monetary

    from purchase_days_numbered
    group by purchase_days_numbered.user_id

),

final as (

    select
        purchases_summarised.user_id,
        purchases_summarised.rfm_last_order_date,
        {{ recall_datediff('purchases_summarised.rfm_last_order_date',
            as_of_date, 'day') }} as rfm_recency_days,
        cast(purchases_summarised.rfm_frequency as {{ dbt.type_bigint() }})
            as rfm_frequency,
        cast(purchases_summarised.rfm_monetary as decimal(18, 2))
            as rfm_monetary,
        purchases_summarised.first_purchase_date,
        purchases_summarised.last_purchase_date,
        cast(purchases_summarised.purchase_day_count as {{ dbt.type_bigint() }})
            as purchase_day_count,
        cast(
            purchases_summarised.purchase_day_count - 1
            as {{ dbt.type_bigint() }}
        ) as repeat_frequency,
        {{ recall_datediff('purchases_summarised.first_purchase_date',
            'purchases_summarised.last_purchase_date', 'day') }}
            as repeat_recency_days,
        {{ recall_datediff('purchases_summarised.first_purchase_date',
            as_of_date, 'day') }} as repeat_age_days,
        case
            when purchases_summarised.purchase_day_count = 1
                then cast(0 as {{ recall_type_double() }})
            else
                cast(
                    purchases_summarised.repeat_net_revenue
                    as {{ recall_type_double() }}
                )
                / (purchases_summarised.purchase_day_count - 1)
        end as repeat_monetary

    from purchases_summarised

)

select * from final
