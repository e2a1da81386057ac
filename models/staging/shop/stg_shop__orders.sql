with

source as (

    select * from {{ recall_raw_source('shop', 'orders') }}

),

renamed as (

    select
        cast(order_id as {{ dbt.type_string() }}) as order_id,
        cast(user_id as {{ dbt.type_string() }}) as user_id,
        cast(ordered_at as {{ dbt.type_timestamp() }}) as ordered_at,
        lower(trim(cast(status as {{ dbt.type_string() }}))) as status,
        cast(gross_amount as decimal(18, 2)) as gross_amount,
        cast(discount_amount as decimal(18, 2)) as discount_amount,
        cast(coupon_id as {{ dbt.type_string() }}) as coupon_id,
        upper(trim(cast(currency as {{ dbt.type_string() }}))) as currency,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at

    from source

)

select * from renamed
