{#-
    A query of one column, time_zone_name: every IANA time zone name the
    engine can convert to, for the start check of reporting_timezone and the
    triage of users' time zones.
-#}
{% macro recall_time_zone_names() %}
    {{- return(adapter.dispatch('recall_time_zone_names', 'recall')()) -}}
{% endmacro %}

{% macro default__recall_time_zone_names() %}
    {{- return('select name as time_zone_name from pg_timezone_names') -}}
{% endmacro %}

{% macro duckdb__recall_time_zone_names() %}
    {{- return('select name as time_zone_name from pg_timezone_names()') -}}
{% endmacro %}
