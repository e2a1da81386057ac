{#-
    An aggregate: the value of `value_expression` on the group's row with
    the greatest (order_expressions...), compared left to right. Use it
    instead of row_number() over (partition by ... order by ... desc) = 1
    when the order columns identify one row per group (so every arg_max of
    a group picks the same row): a hash aggregate needs no sort (the README's
    benchmark section has the figures). Give order columns that are not null: how
    nulls rank differs between the engines' versions. DuckDB's arg_max over
    a row value, Spark's max_by over a struct, elsewhere the first element
    of an ordered array_agg.
-#}
{% macro recall_arg_max(value_expression, order_expressions) %}
    {%- if order_expressions is string or order_expressions | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "recall_arg_max: argument 'order_expressions' must be a non-empty"
            ~ " list of SQL expressions; received "
            ~ (order_expressions | tojson) ~ ".") }}
    {%- endif -%}
    {{- recall_check_sql_expression('recall_arg_max',
        'value_expression', value_expression) -}}
    {{- adapter.dispatch('recall_arg_max', 'recall')(
        value_expression, order_expressions) -}}
{% endmacro %}

{% macro duckdb__recall_arg_max(value_expression, order_expressions) -%}
    {%- if order_expressions | length == 1 -%}
    arg_max({{ value_expression }}, {{ order_expressions[0] }})
    {%- else -%}
    arg_max({{ value_expression }}, row({{ order_expressions | join(', ') }}))
    {%- endif -%}
{%- endmacro %}

{% macro spark__recall_arg_max(value_expression, order_expressions) -%}
    max_by({{ value_expression }}, struct({{ order_expressions | join(', ') }}))
{%- endmacro %}

{% macro default__recall_arg_max(value_expression, order_expressions) -%}
    (array_agg({{ value_expression }} order by
        {% for expression in order_expressions -%}
        {{ expression }} desc nulls last{{ ', ' if not loop.last }}
        {%- endfor %}))[1]
{%- endmacro %}
