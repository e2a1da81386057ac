{#-
    Incremental models that read "up to as_of_date" cannot move backwards in
    time: stop with a clear message when as_of_date is earlier than the one
    the existing table was built for.
-#}
{% macro recall_guard_as_of(as_of, previous_as_of) %}
    {%- if previous_as_of is not none and as_of < previous_as_of -%}
        {{ exceptions.raise_compiler_error(
            model.name ~ ": as_of_date " ~ as_of ~ " is earlier than the "
            ~ previous_as_of ~ " this table was built for; rebuild it with "
            ~ "`dbt build --full-refresh` to move as_of_date back.") }}
    {%- endif -%}
{% endmacro %}
