{#-
    One row per raw orders row with its fate: clean (the order's latest
    valid version), superseded, duplicate or quarantined (missing fields, an
    unknown status, negative or inconsistent amounts, a timestamp outside the
    plausible range, or a conflicting version; rulings R9). Point-in-time
    reads (rulings R7) pick the latest non-quarantined version with
    updated_at up to the end of as_of_date.
-#}
{%- set content_columns = ['user_id', 'ordered_at', 'status',
    'gross_amount', 'discount_amount', 'coupon_id', 'currency'] -%}

with

orders as (

    select
        order_id,
        user_id,
        ordered_at,
        status,
        gross_amount,
        discount_amount,
        coupon_id,
        currency,
        updated_at

    from {{ ref('stg_shop__orders') }}

),

rules_checked as (

    select
        orders.*,
        case
            when orders.order_id is null
                or orders.user_id is null
                or orders.ordered_at is null
                or orders.status is null
                or orders.gross_amount is null
                or orders.discount_amount is null
                or orders.currency is null
                or orders.updated_at is null
                then 'missing_required_field'
            when orders.status not in ('paid', 'refunded', 'cancelled')
                then 'invalid_status'
            when orders.gross_amount < 0
                or orders.discount_amount < 0
                or orders.discount_amount > orders.gross_amount
                then 'invalid_amount'
            when
                {{ recall_is_implausible_timestamp('orders.ordered_at') }}
                or {{ recall_is_implausible_timestamp('orders.updated_at') }}
                then 'implausible_date'
        end as invalid_reason

    from orders

),

versions_ranked as (

    {{ recall_triage_versions('rules_checked', ['order_id'], content_columns,
        'updated_at') }}

),

final as (

    select
        versions_ranked.order_id,
        versions_ranked.user_id,
        versions_ranked.ordered_at,
        versions_ranked.status,
        versions_ranked.gross_amount,
        versions_ranked.discount_amount,
        versions_ranked.coupon_id,
        versions_ranked.currency,
        versions_ranked.updated_at,
        {{ recall_triage_status('versions_ranked') }} as row_status,
        {{ recall_triage_reason('versions_ranked') }} as quarantine_reason

    from versions_ranked

)

select * from final
