{#-
    A list of strings as SQL string literals separated by commas, for
    `in (...)`: recall_sql_list(['push', 'sms']) -> 'push', 'sms'.
-#}
{% macro recall_sql_list(values) %}
    {%- if values is string or values is not iterable or values | length == 0
          or values | reject('string') | list | length > 0 -%}
        {{ exceptions.raise_compiler_error(
            "recall_sql_list: argument 'values' must be a non-empty list of"
            ~ " strings; received " ~ (values | tojson) ~ ".") }}
    {%- endif -%}
    {%- for value in values -%}
        {{ recall_string_literal(value) }}{% if not loop.last %}, {% endif %}
    {%- endfor -%}
{% endmacro %}
