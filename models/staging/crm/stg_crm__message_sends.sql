with

source as (

    select * from {{ recall_raw_source('crm', 'message_sends') }}

),

renamed as (

    select
        cast(send_id as {{ dbt.type_string() }}) as send_id,
        cast(campaign_id as {{ dbt.type_string() }}) as campaign_id,
        cast(variant_id as {{ dbt.type_string() }}) as variant_id,
        cast(user_id as {{ dbt.type_string() }}) as user_id,
        lower(trim(cast(channel as {{ dbt.type_string() }}))) as channel,
        cast(scheduled_at as {{ dbt.type_timestamp() }}) as scheduled_at,
        cast(sent_at as {{ dbt.type_timestamp() }}) as sent_at,
        lower(trim(cast(status as {{ dbt.type_string() }}))) as status,
        cast(failure_reason as {{ dbt.type_string() }}) as failure_reason

    from source

)

select * from renamed
