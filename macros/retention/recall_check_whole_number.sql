{#-
    Stops compilation unless `value` is a whole number (not a boolean) of at
    least `minimum`. For the argument checks of the retention macros: the
    message names the macro, the argument, what is allowed and the value
    received; `minimum_name` names where the minimum comes from, e.g.
    'bracket_start'. Returns nothing. Checks only when dbt executes: at parse
    time a bad var is left to validate_recall_vars, which runs first and
    names the var, its allowed range and the value received.
-#}
{% macro recall_check_whole_number(macro_name, argument_name, value, minimum,
        minimum_name=none) %}
    {%- if execute and (value is not number or value is boolean
          or value != (value | int) or value < minimum) -%}
        {{ exceptions.raise_compiler_error(
            macro_name ~ ": argument '" ~ argument_name
            ~ "' must be a whole number of days, at least "
            ~ (minimum_name ~ ' (' ~ minimum ~ ')' if minimum_name else minimum)
            ~ "; received " ~ (value | tojson) ~ ".") }}
    {%- endif -%}
{% endmacro %}
