{#- The combination of the given columns is unique (a model's grain). -#}
{% test recall_unique_combination(model, columns) %}
    {%- if columns is string or columns | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "recall_unique_combination: argument 'columns' must be a non-empty"
            ~ " list of column names; received " ~ (columns | tojson) ~ ".") }}
    {%- endif -%}
    select
        {{ columns | join(', ') }},
        count(*) as row_count
    from {{ model }}
    group by {{ columns | join(', ') }}
    having count(*) > 1
{% endtest %}
