{#-
    The churn overview's slices partition the registered users every day,
    so summed over slices it agrees with rpt_lifecycle_daily: silent users
    equal the silent row's users_count, churned users those of churned and
    of any inactivity state a fork adds after it (recall_lifecycle_states()),
    registered users the users of all states, newly silent and newly
    churned the silent and churned rows' entered_count (silent is only
    entered from new or active, churned only from silent), and the natural
    and recalled returns those of the active row. Returns the days where
    one differs.
-#}
{{ config(severity='error') }}
{%- set churned_or_later = [] -%}
{%- for def in recall_lifecycle_states() -%}
    {%- if def.is_inactivity and (def.state == 'churned'
        or churned_or_later | length > 0) -%}
        {%- do churned_or_later.append(def.state) -%}
    {%- endif -%}
{%- endfor -%}

with

overview as (

    select
        date_day,
        newly_silent_count,
        newly_churned_count,
        silent_users_count,
        churned_users_count,
        registered_users_count,
        returns_natural_count,
        returns_recalled_count

    from {{ ref('rpt_churn_overview_daily') }}

),

lifecycle as (

    select
        date_day,
        lifecycle_state,
        users_count,
        entered_count,
        returns_natural_count,
        returns_recalled_count

    from {{ ref('rpt_lifecycle_daily') }}

),

overview_summed as (

    select
        overview.date_day,
        sum(overview.newly_silent_count) as newly_silent_count,
        sum(overview.newly_churned_count) as newly_churned_count,
        sum(overview.silent_users_count) as silent_users_count,
        sum(overview.churned_users_count) as churned_users_count,
        sum(overview.registered_users_count) as registered_users_count,
        sum(overview.returns_natural_count) as returns_natural_count,
        sum(overview.returns_recalled_count) as returns_recalled_count

    from overview
    group by overview.date_day

),

lifecycle_pivoted as (

    select
        lifecycle.date_day,
        sum(case
            when lifecycle.lifecycle_state = 'silent'
                then lifecycle.entered_count else 0
        end) as newly_silent_count,
        sum(case
            when lifecycle.lifecycle_state = 'churned'
                then lifecycle.entered_count else 0
        end) as newly_churned_count,
        sum(case
            when lifecycle.lifecycle_state = 'silent'
                then lifecycle.users_count else 0
        end) as silent_users_count,
        sum(case
            when lifecycle.lifecycle_state in (
                {{ recall_sql_list(churned_or_later) }}
            )
                then lifecycle.users_count else 0
        end) as churned_users_count,
        sum(lifecycle.users_count) as registered_users_count,
        sum(lifecycle.returns_natural_count) as returns_natural_count,
        sum(lifecycle.returns_recalled_count) as returns_recalled_count

    from lifecycle
    group by lifecycle.date_day

)

select
    lifecycle_pivoted.date_day,
    overview_summed.newly_silent_count,
    lifecycle_pivoted.newly_silent_count as expected_newly_silent_count,
    overview_summed.newly_churned_count,
    lifecycle_pivoted.newly_churned_count as expected_newly_churned_count,
    overview_summed.silent_users_count,
    lifecycle_pivoted.silent_users_count as expected_silent_users_count,
    overview_summed.churned_users_count,
    lifecycle_pivoted.churned_users_count as expected_churned_users_count,
    overview_summed.registered_users_count,
    lifecycle_pivoted.registered_users_count
        as expected_registered_users_count,
    overview_summed.returns_natural_count,
    lifecycle_pivoted.returns_natural_count
        as expected_returns_natural_count,
    overview_summed.returns_recalled_count,
    lifecycle_pivoted.returns_recalled_count
        as expected_returns_recalled_count
from lifecycle_pivoted
left join overview_summed
    on lifecycle_pivoted.date_day = overview_summed.date_day
where
    overview_summed.date_day is null
    or overview_summed.newly_silent_count
    <> lifecycle_pivoted.newly_silent_count
    or overview_summed.newly_churned_count
    <> lifecycle_pivoted.newly_churned_count
    or overview_summed.silent_users_count
    <> lifecycle_pivoted.silent_users_count
    or overview_summed.churned_users_count
    <> lifecycle_pivoted.churned_users_count
    or overview_summed.registered_users_count
    <> lifecycle_pivoted.registered_users_count
    or overview_summed.returns_natural_count
    <> lifecycle_pivoted.returns_natural_count
    or overview_summed.returns_recalled_count
    <> lifecycle_pivoted.returns_recalled_count
