with

source as (

    select * from {{ recall_raw_source('crm', 'campaigns') }}

),

renamed as (

    select
        cast(campaign_id as {{ dbt.type_string() }}) as campaign_id,
        cast(campaign_name as {{ dbt.type_string() }}) as campaign_name,
        lower(trim(cast(objective as {{ dbt.type_string() }}))) as objective,
        lower(trim(cast(target_state as {{ dbt.type_string() }})))
            as target_state,
        cast(starts_at as {{ dbt.type_timestamp() }}) as starts_at,
        cast(ends_at as {{ dbt.type_timestamp() }}) as ends_at,
        trim(cast(conversion_event as {{ dbt.type_string() }}))
            as conversion_event,
        cast(attribution_window_days as {{ dbt.type_int() }})
            as attribution_window_days

    from source

)

select * from renamed
