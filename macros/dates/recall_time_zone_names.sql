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

{#- Spark: the JVM's zone ids (java.time.ZoneId.getAvailableZoneIds), read
    through reflect as the text '[Asia/Aden, America/Cuiaba, ...]' and split
    into rows, and the JDK's fixed short ids (ZoneId.SHORT_IDS: EST, PST,
    IST...), which Spark's conversions accept too and DuckDB and PostgreSQL
    list as zones. -#}
{% macro spark__recall_time_zone_names() %}
    {%- set zone_ids = "reflect('java.time.ZoneId', 'getAvailableZoneIds')" -%}
    {%- set short_ids = ['ACT', 'AET', 'AGT', 'ART', 'AST', 'BET', 'BST',
        'CAT', 'CNT', 'CST', 'CTT', 'EAT', 'ECT', 'EST', 'HST', 'IET', 'IST',
        'JST', 'MIT', 'MST', 'NET', 'NST', 'PLT', 'PNT', 'PRT', 'PST', 'SST',
        'VST'] -%}
    {{- return("select explode(split(substr(" ~ zone_ids ~ ", 2, length("
        ~ zone_ids ~ ") - 2), ', ')) as time_zone_name union all "
        ~ "select explode(array('" ~ short_ids | join("', '")
        ~ "')) as time_zone_name") -}}
{% endmacro %}
