{#-
    Rows of a data-quality model whose status is warn or error, for one
    check when check_name is given (a check model's check_name column). The
    test's result is the worst status found (fail_calc: 1 for warn, 2 for
    error), so one test per check reports warn or error as its rows do; its
    failing rows are stored in the schema quality_failures.
-#}
{% test recall_quality_check_is_ok(model, check_name=none,
                                    status_column='status') %}
    {%- if check_name is not none and (check_name is not string
          or check_name | length == 0) -%}
        {{ exceptions.raise_compiler_error(
            "recall_quality_check_is_ok: argument 'check_name' must be a"
            ~ " check name or omitted; received " ~ (check_name | tojson)
            ~ ".") }}
    {%- endif -%}
    {{ config(
        severity='error',
        fail_calc="coalesce(max(case when " ~ status_column
            ~ " = 'error' then 2 else 1 end), 0)",
        warn_if='>= 1',
        error_if='>= 2',
        store_failures=true,
        schema='quality_failures'
    ) }}
    select *
    from {{ model }}
    where
        {{ status_column }} in ('warn', 'error')
        {% if check_name is not none %}
        and check_name = '{{ check_name }}'
        {% endif %}
{% endtest %}
