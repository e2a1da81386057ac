{#-
    Stops compilation unless `value` is a positive number (not a boolean),
    such as 1.96 for a two-sided 95% interval, or a non-blank SQL
    expression string. For the `z` argument of the confidence-interval
    macros: the message names `macro_name`, the argument, what is allowed
    and the value received. Returns nothing.
-#}
{% macro recall_check_critical_value(macro_name, value) %}
    {%- if execute and not (
            (value is number and value is not boolean and value > 0)
            or (value is string and value | trim | length > 0)) -%}
        {{ exceptions.raise_compiler_error(
            macro_name ~ ": argument 'z' must be a positive number (the"
            ~ " normal critical value, e.g. 1.96) or a non-blank SQL"
            ~ " expression; received " ~ (value | tojson) ~ ".") }}
    {%- endif -%}
{% endmacro %}
