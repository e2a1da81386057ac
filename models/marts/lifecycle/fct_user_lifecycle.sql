{#-
    One row per user per recall lifecycle state interval: publishes
    int_user_lifecycle_intervals_merged as a view.
-#}
{{ config(materialized='view') }}

with

published as (

    select
        user_id,
        lifecycle_state,
        valid_from,
        valid_to,
        interval_number

    from {{ ref('int_user_lifecycle_intervals_merged') }}

)

select * from published
