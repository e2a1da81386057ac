{#- Every row satisfies a boolean SQL expression over the model's columns. -#}
{% test recall_expression_is_true(model, column_name, expression) %}
    select *
    from {{ model }}
    where not ({{ expression }})
{% endtest %}
