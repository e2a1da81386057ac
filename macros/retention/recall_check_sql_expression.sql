{#-
    Stops compilation unless `value` is a non-blank string (a SQL column or
    expression such as 'user_days.days_since_registration'). For the
    argument checks of the retention macros: the message names the macro,
    the argument, what is allowed and the value received. Returns nothing.
-#}
{% macro recall_check_sql_expression(macro_name, argument_name, value) %}
    {%- if execute and (value is not string
          or value | trim | length == 0) -%}
        {{ exceptions.raise_compiler_error(
            macro_name ~ ": argument '" ~ argument_name
            ~ "' must be a SQL column or expression as a non-blank string;"
            ~ " received " ~ (value | tojson) ~ ".") }}
    {%- endif -%}
{% endmacro %}
