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

{#- Spark: the JVM's zone ids (java.time.ZoneId.getAvailableZoneIds, the
    zones Spark's conversions accept), read through reflect as the text
    '[Asia/Aden, America/Cuiaba, ...]' and split into rows. -#}
{% macro spark__recall_time_zone_names() %}
    {%- set zone_ids = "reflect('java.time.ZoneId', 'getAvailableZoneIds')" -%}
    {{- return("select explode(split(substr(" ~ zone_ids ~ ", 2, length("
        ~ zone_ids ~ ") - 2), ', ')) as time_zone_name") -}}
{% endmacro %}
