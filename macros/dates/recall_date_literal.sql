{#-
    A 'YYYY-MM-DD' string as a SQL date literal: cast('YYYY-MM-DD' as date).
-#}
{% macro recall_date_literal(day) %}
    {{- return('cast(' ~ recall_string_literal(day | string) ~ ' as date)') -}}
{% endmacro %}
