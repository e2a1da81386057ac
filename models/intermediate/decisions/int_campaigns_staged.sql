{#-
    One row per clean campaign: where it stands on as_of_date for the
    uplift models. Completed: exactly one control arm (R42), at least one
    assignment, ends_at at or before the end of as_of_date (no assignment
    can still come) and no assignment's attribution window still open
    (is_window_open, R35): its results are final, and
    rpt_campaign_uplift_cells and rpt_uplift_evaluation learn from it.
    Planned: a campaign listed in the var uplift_planned_campaigns, or,
    when that list is empty, a campaign that is not completed (it starts
    after as_of_date, or still runs, or its windows are still open), or,
    when every campaign is completed, the one that started last (ties: the
    greatest campaign_id), as the template of its next run;
    fct_next_best_arm chooses an arm for its eligible users.
-#}
{%- set as_of_end_at = recall_local_day_start_at(
    recall_add_days(recall_as_of_date_sql(), 1)) -%}
{%- set planned = var('uplift_planned_campaigns') -%}
{%- if planned | length > 0 -%}
    {%- set literals = [] -%}
    {%- for campaign_id in planned -%}
        {%- do literals.append(recall_string_literal(campaign_id)) -%}
    {%- endfor -%}
    {%- set planned_rule = 'campaigns_ordered.campaign_id in ('
        ~ literals | join(', ') ~ ')' -%}
{%- else -%}
    {%- set planned_rule = '(not campaigns_ordered.is_completed'
        ~ ' or (campaigns_ordered.pending_count = 0'
        ~ ' and campaigns_ordered.recency_rank = 1))' -%}
{%- endif -%}

with

variants as (

    select
        campaign_id,
        target_state,
        conversion_event,
        starts_at,
        ends_at

    from {{ ref('int_campaign_variants_enriched') }}

),

arms as (

    select
        campaign_id,
        assigned_count,
        control_arm_count,
        is_window_open

    from {{ ref('int_campaign_arms_summarised') }}

),

campaigns_listed as (

    select distinct
        variants.campaign_id,
        variants.target_state,
        variants.conversion_event,
        variants.starts_at,
        variants.ends_at

    from variants

),

arms_summed as (

    select
        arms.campaign_id,
        sum(arms.assigned_count) as assigned_count,
        max(arms.control_arm_count) as control_arm_count,
        max(case when arms.is_window_open then 1 else 0 end)
            as has_open_window

    from arms
    group by arms.campaign_id

),

campaigns_staged as (

    select
        campaigns_listed.campaign_id,
        campaigns_listed.target_state,
        campaigns_listed.conversion_event,
        campaigns_listed.starts_at,
        campaigns_listed.ends_at,
        coalesce(arms_summed.assigned_count, 0) as assigned_count,
        coalesce(arms_summed.control_arm_count, 0) = 1
        and coalesce(arms_summed.assigned_count, 0) > 0
        and campaigns_listed.ends_at <= {{ as_of_end_at }}
        and coalesce(arms_summed.has_open_window, 0) = 0 as is_completed

    from campaigns_listed
    left join arms_summed
        on campaigns_listed.campaign_id = arms_summed.campaign_id

),

campaigns_ordered as (

    select
        campaigns_staged.*,
        sum(case when campaigns_staged.is_completed then 0 else 1 end)
            over () as pending_count,
        row_number() over (
            order by
                campaigns_staged.starts_at desc,
                campaigns_staged.campaign_id desc
        ) as recency_rank

    from campaigns_staged

),

final as (

    select
        campaigns_ordered.campaign_id,
        campaigns_ordered.target_state,
        campaigns_ordered.conversion_event,
        campaigns_ordered.starts_at,
        campaigns_ordered.ends_at,
        campaigns_ordered.assigned_count,
        campaigns_ordered.is_completed,
        {{ planned_rule }} as is_planned

    from campaigns_ordered

)

select * from final
