{#-
    One row per non-quarantined order version (order_id, updated_at), with
    the days on which it is the order's current version (rulings R7, R9):
    from the local day of its updated_at (valid_from) up to, not including,
    the earliest local updated day of the order's later versions (valid_to,
    null for the latest version). On a day d the current version is the
    latest one with a local updated day on or before d, the version with
    the greatest status winning a tie on updated_at; a version superseded
    on its own day is current on no day (valid_to = valid_from). Identical
    copies of a version (triage keeps them as clean, superseded or
    duplicate, and quarantines any other content at the same updated_at)
    are one row. Net revenue follows the raw contract: gross - discount
    when paid, else 0. int_orders_resolved reads the version current on
    as_of_date; point-in-time readers read every day.
-#}

with

order_versions as (

    select distinct
        order_id,
        user_id,
        ordered_at,
        status,
        gross_amount,
        discount_amount,
        coupon_id,
        updated_at

    from {{ ref('int_order_versions_triaged') }}
    where row_status <> 'quarantined'

),

versions_dated as (

    select
        order_versions.*,
        {{ recall_local_date('order_versions.updated_at') }} as valid_from,
        min({{ recall_local_date('order_versions.updated_at') }}) over (
            partition by order_versions.order_id
            order by
                order_versions.updated_at asc,
                order_versions.status asc
            rows between 1 following and unbounded following
        ) as valid_to

    from order_versions

),

final as (

    select
        versions_dated.order_id,
        versions_dated.user_id,
        versions_dated.ordered_at,
        {{ recall_local_date('versions_dated.ordered_at') }} as order_date,
        versions_dated.status,
        versions_dated.status = 'paid' as is_paid,
        versions_dated.gross_amount,
        versions_dated.discount_amount,
        {#- Cast to the amounts' type: on PostgreSQL the difference and the
            0 are numerics of different scales (10.00 next to 0). #}
        cast(
            case
                when versions_dated.status = 'paid'
                    then versions_dated.gross_amount
                        - versions_dated.discount_amount
                else 0
            end as decimal(18, 2)
        ) as net_revenue,
        versions_dated.coupon_id,
        versions_dated.updated_at,
        versions_dated.valid_from,
        versions_dated.valid_to

    from versions_dated

)

select * from final
