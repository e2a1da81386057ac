{#-
    'YYYY-MM-DD' of the bound that lets every row through an incremental
    date filter on a full build: 0001-01-03, the earliest day from which the
    two-day landing look-back (dateadd -2) is still a valid date.
-#}
{% macro recall_earliest_date() %}
    {{- return('0001-01-03') -}}
{% endmacro %}
