with

source as (

    select * from {{ recall_raw_source('crm', 'message_events') }}

),

renamed as (

    select
        cast(message_event_id as {{ dbt.type_string() }}) as message_event_id,
        cast(send_id as {{ dbt.type_string() }}) as send_id,
        lower(trim(cast(event_type as {{ dbt.type_string() }}))) as event_type,
        cast(event_at as {{ dbt.type_timestamp() }}) as event_at,
        cast(received_at as {{ dbt.type_timestamp() }}) as received_at

    from source

)

select * from renamed
