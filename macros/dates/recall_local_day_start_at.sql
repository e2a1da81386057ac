{#-
    The UTC timestamp at which a local calendar day of the reporting time
    zone begins (the "start of silent_from_date" of rulings R16). With the
    default time zone UTC it is a plain cast.
-#}
{% macro recall_local_day_start_at(date_expression) %}
    {%- if var('reporting_timezone') | upper == 'UTC' -%}
        cast({{ date_expression }} as {{ dbt.type_timestamp() }})
    {%- else -%}
        {{ adapter.dispatch('recall_local_day_start_at', 'recall')(
            date_expression, var('reporting_timezone')) }}
    {%- endif -%}
{% endmacro %}

{% macro duckdb__recall_local_day_start_at(date_expression, timezone) %}
    timezone('UTC', timezone({{ recall_string_literal(timezone) }},
        cast({{ date_expression }} as timestamp)))
{% endmacro %}

{% macro spark__recall_local_day_start_at(date_expression, timezone) %}
    to_utc_timestamp(cast({{ date_expression }} as timestamp),
        {{ recall_string_literal(timezone) }})
{% endmacro %}

{% macro default__recall_local_day_start_at(date_expression, timezone) %}
    ((cast({{ date_expression }} as timestamp)
        at time zone {{ recall_string_literal(timezone) }})
        at time zone 'UTC')
{% endmacro %}
