{#-
    dbt.datediff as a bigint on every engine: DuckDB's date_diff gives a
    bigint, PostgreSQL's date subtraction and Spark's datediff an integer,
    and the marts' contracts declare day counts bigint.
-#}
{% macro recall_datediff(first_date, second_date, datepart) %}
    cast({{ dbt.datediff(first_date, second_date, datepart) }}
        as {{ dbt.type_bigint() }})
{%- endmacro %}
