{#-
    One row per order as it stands at the end of as_of_date (rulings R7):
    its latest non-quarantined version with updated_at on or before that
    day, the version with the greatest status winning a tie on updated_at
    (the order fct_user_days uses). Net revenue follows the raw contract:
    gross - discount when paid, else 0.
-#}
{%- set as_of_date = recall_as_of_date_sql() -%}

with

order_versions as (

    select
        order_id,
        user_id,
        ordered_at,
        status,
        gross_amount,
        discount_amount,
        coupon_id,
        updated_at

    from {{ ref('int_order_versions_triaged') }}
    where
        row_status <> 'quarantined'
        and {{ recall_local_date('updated_at') }} <= {{ as_of_date }}

),

versions_ranked as (

    select
        order_versions.*,
        row_number() over (
            partition by order_versions.order_id
            order by
                order_versions.updated_at desc,
                order_versions.status desc
        ) as version_rank

    from order_versions

),

final as (

    select
        versions_ranked.order_id,
        versions_ranked.user_id,
        versions_ranked.ordered_at,
        {{ recall_local_date('versions_ranked.ordered_at') }} as order_date,
        versions_ranked.status,
        versions_ranked.status = 'paid' as is_paid,
        versions_ranked.gross_amount,
        versions_ranked.discount_amount,
        case
            when versions_ranked.status = 'paid'
                then versions_ranked.gross_amount
                    - versions_ranked.discount_amount
            else 0
        end as net_revenue,
        versions_ranked.coupon_id,
        versions_ranked.updated_at

    from versions_ranked
    where versions_ranked.version_rank = 1

)

select * from final
