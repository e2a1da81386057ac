{#-
    One row per order as it stands at the end of as_of_date (rulings R7):
    its version current on that day in int_order_versions_dated, the
    latest non-quarantined version with updated_at on or before that day
    (the greatest status winning a tie on updated_at). Every reader of
    "the order as of as_of_date" reads this model; it keeps orders placed
    after as_of_date (by a version recorded before it), which readers drop
    by order_date.
-#}
{%- set as_of_date = recall_as_of_date_sql() -%}

with

order_versions as (

    select
        order_id,
        user_id,
        ordered_at,
        order_date,
        status,
        is_paid,
        gross_amount,
        discount_amount,
        net_revenue,
        coupon_id,
        updated_at,
        valid_from,
        valid_to

    from {{ ref('int_order_versions_dated') }}

),

final as (

    select
        order_versions.order_id,
        order_versions.user_id,
        order_versions.ordered_at,
        order_versions.order_date,
        order_versions.status,
        order_versions.is_paid,
        order_versions.gross_amount,
        order_versions.discount_amount,
        order_versions.net_revenue,
        order_versions.coupon_id,
        order_versions.updated_at

    from order_versions
    where
        order_versions.valid_from <= {{ as_of_date }}
        and (
            order_versions.valid_to is null
            or order_versions.valid_to > {{ as_of_date }}
        )

)

select * from final
