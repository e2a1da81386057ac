{#-
    The sign that turns an estimate into a confidence bound: '-' for
    bound 'lower', '+' for 'upper'. For the argument checks of the
    confidence-interval macros: any other value stops compilation with a
    message naming `macro_name`, the argument, the allowed values and the
    value received.
-#}
{% macro recall_ci_bound_sign(macro_name, bound) %}
    {%- if bound == 'lower' -%}
        {{- return('-') -}}
    {%- elif bound == 'upper' -%}
        {{- return('+') -}}
    {%- elif execute -%}
        {{ exceptions.raise_compiler_error(
            macro_name ~ ": argument 'bound' must be 'lower' or 'upper';"
            ~ " received " ~ (bound | tojson) ~ ".") }}
    {%- endif -%}
    {{- return('-') -}}
{% endmacro %}
