{#-
    The hour of the day (0-23), as an integer, of a UTC timestamp in a time
    zone given per row (rulings R34: the user's latest-snapshot time zone).
    `timezone_expression` is a SQL expression yielding an IANA time zone
    name, e.g. "coalesce(users.timezone, 'UTC')"; both arguments are SQL
    expressions, not literals.
-#}
{% macro recall_local_hour(timestamp_expression, timezone_expression) %}
    {{- recall_check_sql_expression('recall_local_hour',
        'timestamp_expression', timestamp_expression) -}}
    {{- recall_check_sql_expression('recall_local_hour',
        'timezone_expression', timezone_expression) -}}
    {{- adapter.dispatch('recall_local_hour', 'recall')(
        timestamp_expression, timezone_expression) -}}
{% endmacro %}

{% macro duckdb__recall_local_hour(timestamp_expression,
        timezone_expression) -%}
    cast(extract(hour from timezone({{ timezone_expression }},
        cast({{ timestamp_expression }} as timestamp) at time zone 'UTC'
    )) as integer)
{%- endmacro %}

{% macro spark__recall_local_hour(timestamp_expression,
        timezone_expression) -%}
    cast(hour(from_utc_timestamp({{ timestamp_expression }},
        {{ timezone_expression }})) as int)
{%- endmacro %}

{% macro default__recall_local_hour(timestamp_expression,
        timezone_expression) -%}
    cast(extract(hour from
        (cast({{ timestamp_expression }} as timestamp) at time zone 'UTC')
        at time zone {{ timezone_expression }}
    ) as integer)
{%- endmacro %}
