with

source as (

    select * from {{ recall_raw_source('crm', 'campaign_assignments') }}

),

renamed as (

    select
        cast(campaign_id as {{ dbt.type_string() }}) as campaign_id,
        cast(user_id as {{ dbt.type_string() }}) as user_id,
        cast(variant_id as {{ dbt.type_string() }}) as variant_id,
        cast(assigned_at as {{ dbt.type_timestamp() }}) as assigned_at

    from source

)

select * from renamed
