{#-
    as_of_date (recall_as_of_date) as a SQL date literal, the form every
    model and test compares dates with.
-#}
{% macro recall_as_of_date_sql() %}
    {{- return(recall_date_literal(recall_as_of_date())) -}}
{% endmacro %}
