with

source as (

    select * from {{ recall_raw_source('crm', 'users') }}

),

renamed as (

    select
        cast(user_id as {{ dbt.type_string() }}) as user_id,
        cast(registered_at as {{ dbt.type_timestamp() }}) as registered_at,
        lower(trim(cast(acquisition_channel as {{ dbt.type_string() }})))
            as acquisition_channel,
        lower(trim(cast(platform as {{ dbt.type_string() }}))) as platform,
        upper(trim(cast(country as {{ dbt.type_string() }}))) as country,
        cast(timezone as {{ dbt.type_string() }}) as timezone,
        cast(push_enabled as {{ dbt.type_boolean() }}) as push_enabled,
        cast(has_phone as {{ dbt.type_boolean() }}) as has_phone,
        cast(has_email as {{ dbt.type_boolean() }}) as has_email,
        cast(sms_opt_out as {{ dbt.type_boolean() }}) as sms_opt_out,
        cast(email_opt_out as {{ dbt.type_boolean() }}) as email_opt_out,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at

    from source

)

select * from renamed
