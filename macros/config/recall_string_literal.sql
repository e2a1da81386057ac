{#-
    A string as a SQL string literal, quoted for the engine, so a value
    (a var, a registry entry, a path) is always data, never SQL:
    recall_string_literal("it's") -> 'it''s'. Every string var reaches SQL
    through this macro. A single quote is doubled (standard SQL: DuckDB,
    PostgreSQL with standard_conforming_strings on, the default); engines
    that read a backslash as an escape (Spark, BigQuery) get backslashes and
    quotes escaped with a backslash.
-#}
{% macro recall_string_literal(value) %}
    {%- if value is not string -%}
        {{ exceptions.raise_compiler_error(
            "recall_string_literal: argument 'value' must be a string;"
            ~ " received " ~ (value | tojson) ~ ".") }}
    {%- endif -%}
    {{- return(adapter.dispatch('recall_string_literal', 'recall')(value)) -}}
{% endmacro %}

{% macro default__recall_string_literal(value) %}
    {{- return("'" ~ value | replace("'", "''") ~ "'") -}}
{% endmacro %}

{% macro spark__recall_string_literal(value) %}
    {{- return("'" ~ value | replace("\\", "\\\\") | replace("'", "\\'")
        ~ "'") -}}
{% endmacro %}

{% macro bigquery__recall_string_literal(value) %}
    {{- return(spark__recall_string_literal(value)) -}}
{% endmacro %}
