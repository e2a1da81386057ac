{#-
    The calendar date of a UTC timestamp in the reporting time zone
    (metrics.md §0). With the default time zone UTC it is a plain cast.
-#}
{% macro recall_local_date(timestamp_expression) %}
    {%- if var('reporting_timezone') | upper == 'UTC' -%}
        cast({{ timestamp_expression }} as date)
    {%- else -%}
        {{ adapter.dispatch('recall_local_date', 'recall')(
            timestamp_expression, var('reporting_timezone')) }}
    {%- endif -%}
{% endmacro %}

{% macro duckdb__recall_local_date(timestamp_expression, timezone) %}
    cast(timezone({{ recall_string_literal(timezone) }},
        cast({{ timestamp_expression }} as timestamp) at time zone 'UTC'
    ) as date)
{% endmacro %}

{% macro spark__recall_local_date(timestamp_expression, timezone) %}
    cast(from_utc_timestamp({{ timestamp_expression }},
        {{ recall_string_literal(timezone) }})
        as date)
{% endmacro %}

{% macro default__recall_local_date(timestamp_expression, timezone) %}
    cast(({{ timestamp_expression }} at time zone 'UTC')
        at time zone {{ recall_string_literal(timezone) }} as date)
{% endmacro %}
