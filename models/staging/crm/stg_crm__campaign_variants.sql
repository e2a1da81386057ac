with

source as (

    select * from {{ recall_raw_source('crm', 'campaign_variants') }}

),

renamed as (

    select
        cast(campaign_id as {{ dbt.type_string() }}) as campaign_id,
        cast(variant_id as {{ dbt.type_string() }}) as variant_id,
        cast(is_control as {{ dbt.type_boolean() }}) as is_control,
        lower(trim(cast(channel as {{ dbt.type_string() }}))) as channel,
        lower(trim(cast(hook_type as {{ dbt.type_string() }}))) as hook_type,
        cast(offer_value as decimal(18, 2)) as offer_value,
        cast(coupon_id as {{ dbt.type_string() }}) as coupon_id,
        cast(copy_id as {{ dbt.type_string() }}) as copy_id,
        cast(cost_per_send as decimal(18, 4)) as cost_per_send,
        cast(allocation_share as decimal(9, 6)) as allocation_share

    from source

)

select * from renamed
