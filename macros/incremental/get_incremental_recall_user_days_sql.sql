{#-
    Incremental strategy of fct_user_days (incremental_strategy =
    'recall_user_days'): deletes the rows of each changed user
    (recall_user_days_changes) from the user's reprocess_from on, then
    inserts the re-computed rows. dbt's delete+insert cannot do this: with
    the key (user_id, activity_date) it would leave behind a changed user's
    days that are no longer active (a device re-stitched to another user, a
    moved registration day), and with activity_date alone it re-computes
    every user from the earliest changed day. The changes are read again
    here, before the target is touched, so they are the ones the model's
    SQL used.
-#}
{% macro get_incremental_recall_user_days_sql(arg_dict) %}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set source = arg_dict['temp_relation'] -%}
    {%- set dest_cols_csv = get_quoted_csv(
        arg_dict['dest_columns'] | map(attribute='name')) -%}
    {%- set changes = recall_user_days_changes(recall_as_of_date()) -%}
    {%- if changes is none -%}
        {{ exceptions.raise_compiler_error(
            "get_incremental_recall_user_days_sql: the strategy serves"
            ~ " incremental runs of fct_user_days only; no changes query"
            ~ " for " ~ target ~ ".") }}
    {%- endif %}
    delete from {{ target }}
    where exists (
        select 1
        from ({{ changes }}) as changed_users
        where
            changed_users.user_id = {{ target }}.user_id
            and {{ target }}.activity_date >= changed_users.reprocess_from
    );

    insert into {{ target }} ({{ dest_cols_csv }})
    select {{ dest_cols_csv }}
    from {{ source }}
{% endmacro %}
