{#-
    The start of the 15-minute UTC bucket of a UTC timestamp (:00, :15, :30
    or :45). Every UTC offset in use today is a whole number of quarter
    hours and every daylight-saving change happens on a quarter hour, so
    all instants of one bucket share one local hour and one local date in
    any time zone: events can be counted per bucket before the time zone
    conversion, which then runs once per bucket instead of once per event.
-#}
{% macro recall_quarter_hour_start(timestamp_expression) %}
    {{- recall_check_sql_expression('recall_quarter_hour_start',
        'timestamp_expression', timestamp_expression) -}}
    {{- adapter.dispatch('recall_quarter_hour_start', 'recall')(
        timestamp_expression) -}}
{% endmacro %}

{% macro duckdb__recall_quarter_hour_start(timestamp_expression) -%}
    time_bucket(interval 15 minute, cast({{ timestamp_expression }} as timestamp))
{%- endmacro %}

{#-
    Whole seconds since the start of the hour, floored to a multiple of 900
    (15 minutes), added back to the hour. Seconds, not minutes: Spark's
    dbt.datediff rounds a part minute up (44:30 would give 45). dbt-core
    has no date_part macro.
-#}
{% macro default__recall_quarter_hour_start(timestamp_expression) -%}
    {%- set hour_start = dbt.date_trunc('hour', timestamp_expression) -%}
    {{ dbt.dateadd(
        'minute',
        '15 * cast(floor('
            ~ dbt.datediff(hour_start, timestamp_expression, 'second')
            ~ ' / 900) as integer)',
        hour_start) }}
{%- endmacro %}
