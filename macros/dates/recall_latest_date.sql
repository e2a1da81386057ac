{#-
    'YYYY-MM-DD' of the bound that lets no row through a "from this day on"
    filter: an incremental run that finds nothing to re-compute.
-#}
{% macro recall_latest_date() %}
    {{- return('9999-12-31') -}}
{% endmacro %}
