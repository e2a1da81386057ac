with

source as (

    select * from {{ recall_raw_source('tracking', 'events') }}

),

renamed as (

    select
        cast(event_id as {{ dbt.type_string() }}) as event_id,
        trim(cast(event_name as {{ dbt.type_string() }})) as event_name,
        cast(user_id as {{ dbt.type_string() }}) as user_id,
        cast(device_id as {{ dbt.type_string() }}) as device_id,
        cast(session_id as {{ dbt.type_string() }}) as session_id,
        cast(event_at as {{ dbt.type_timestamp() }}) as event_at,
        cast(received_at as {{ dbt.type_timestamp() }}) as received_at,
        lower(trim(cast(platform as {{ dbt.type_string() }}))) as platform,
        cast(app_version as {{ dbt.type_string() }}) as app_version,
        cast(properties as {{ dbt.type_string() }}) as properties,
        {{ recall_landing_date() | trim }} as landing_date,
        {{ recall_source_file() | trim }} as source_file

    from source

)

select * from renamed
