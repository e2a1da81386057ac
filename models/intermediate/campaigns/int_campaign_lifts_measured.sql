{#-
    One row per campaign x compared pair of arms (metrics.md §5, rulings
    R38-R40, R42): every treatment arm against the campaign's control arm
    (comparison `control`; campaigns without exactly one control arm get
    none), and every pair of treatment arms that differ in exactly one of
    the attributes offer (offer_value), copy (copy_id), channel, hook
    (hook_type) and scheduled_hour (int_campaign_arm_hours_resolved)
    (comparison `arm`, named in differing_attribute; marts.md Decisions).
    Null equals null; as for the control pairs, a missing hook reads as
    'none' and a missing offer as 0. The baseline of a pair is the arm with
    the lower offer_value (R40), and of two arms with the same offer - every
    pair but an offer pair - the one with the smaller variant_id. Lift,
    intervals and p-value come from the statistics macros; a figure that
    would divide by zero or take log(0) is null.

    Cost basis: against the control it is the arm's total cost (messages +
    rewards); against a cheaper arm it is what the arm spends beyond the
    baseline, (cost per assigned user - baseline's) x assigned users, so
    cost per incremental conversion prices the conversions the bigger offer
    adds.
-#}
{%- set double = recall_type_double() -%}

with

arms as (

    select
        campaign_id,
        variant_id,
        is_control,
        channel,
        coalesce(hook_type, 'none') as hook_type,
        coalesce(offer_value, 0) as offer_value,
        copy_id,
        scheduled_hour,
        conversion_event,
        assigned_count,
        converted_count,
        sent_count,
        message_cost,
        reward_cost,
        {#- The marts' type, not the sum's (unsized numeric on PostgreSQL). #}
        cast(message_cost + reward_cost as decimal(18, 4)) as total_cost,
        gross_revenue,
        is_window_open,
        control_arm_count

    from {{ ref('int_campaign_arms_summarised') }}

),

{#- The attributes a pair of treatment arms may differ in: (name, column),
    each compared null-safely (null equals null; 1 when they differ). -#}
{%- set attributes = [('offer', 'offer_value'), ('copy', 'copy_id'),
    ('channel', 'channel'), ('hook', 'hook_type'),
    ('scheduled_hour', 'scheduled_hour')] %}
{%- set differs = {} %}
{%- for name, column in attributes %}
    {%- do differs.update({name: 'case when treatment.' ~ column
        ~ ' = baseline.' ~ column ~ ' or (treatment.' ~ column
        ~ ' is null and baseline.' ~ column ~ ' is null) then 0 else 1 end'})
    %}
{%- endfor %}

arm_pairs_compared as (

    select
        treatment.campaign_id,
        treatment.variant_id,
        {%- for name, column in attributes %}
        {{ differs[name] }} as {{ name }}_differs,
        {%- endfor %}
        baseline.variant_id as baseline_variant_id

    from arms as treatment
    inner join arms as baseline
        on
            treatment.campaign_id = baseline.campaign_id
            and (
                treatment.offer_value > baseline.offer_value
                or (
                    treatment.offer_value = baseline.offer_value
                    and treatment.variant_id > baseline.variant_id
                )
            )
    where
        not treatment.is_control
        and not baseline.is_control

),

pairs_listed as (

    select
        treatment.campaign_id,
        treatment.variant_id,
        baseline.variant_id as baseline_variant_id,
        'control' as comparison,
        cast(null as {{ dbt.type_string() }}) as differing_attribute

    from arms as treatment
    inner join arms as baseline
        on
            treatment.campaign_id = baseline.campaign_id
            and baseline.is_control
    where
        not treatment.is_control
        and treatment.control_arm_count = 1

    union all

    select
        arm_pairs_compared.campaign_id,
        arm_pairs_compared.variant_id,
        arm_pairs_compared.baseline_variant_id,
        'arm' as comparison,
        case
            {%- for name, column in attributes %}
            when arm_pairs_compared.{{ name }}_differs = 1 then '{{ name }}'
            {%- endfor %}
        end as differing_attribute

    from arm_pairs_compared
    where
        {% for name, column in attributes -%}
        arm_pairs_compared.{{ name }}_differs
        {{- ' + ' if not loop.last }}
        {%- endfor %} = 1

),

pairs_joined as (

    select
        pairs_listed.campaign_id,
        pairs_listed.variant_id,
        pairs_listed.baseline_variant_id,
        pairs_listed.comparison,
        pairs_listed.differing_attribute,
        treatment.conversion_event,
        treatment.assigned_count,
        treatment.converted_count,
        baseline.assigned_count as baseline_assigned_count,
        baseline.converted_count as baseline_converted_count,
        {{ recall_safe_divide('treatment.converted_count',
            'treatment.assigned_count') }} as conversion_rate,
        {{ recall_safe_divide('baseline.converted_count',
            'baseline.assigned_count') }} as baseline_conversion_rate,
        treatment.sent_count,
        treatment.message_cost,
        treatment.reward_cost,
        treatment.total_cost,
        baseline.total_cost as baseline_total_cost,
        {{ recall_safe_divide('treatment.gross_revenue',
            'treatment.assigned_count') }} as revenue_per_assigned_user,
        {{ recall_safe_divide('baseline.gross_revenue',
            'baseline.assigned_count') }}
            as baseline_revenue_per_assigned_user,
        case
            when pairs_listed.comparison = 'control'
                then cast(treatment.total_cost as {{ double }})
            else
                (
                    {{ recall_safe_divide('treatment.total_cost',
                        'treatment.assigned_count') }}
                    - {{ recall_safe_divide('baseline.total_cost',
                        'baseline.assigned_count') }}
                )
                * treatment.assigned_count
        end as cost_basis,
        treatment.is_window_open or baseline.is_window_open
            as is_window_open

    from pairs_listed
    inner join arms as treatment
        on
            pairs_listed.campaign_id = treatment.campaign_id
            and pairs_listed.variant_id = treatment.variant_id
    inner join arms as baseline
        on
            pairs_listed.campaign_id = baseline.campaign_id
            and pairs_listed.baseline_variant_id = baseline.variant_id

),

{%- set counts = ['pairs_joined.converted_count',
    'pairs_joined.assigned_count', 'pairs_joined.baseline_converted_count',
    'pairs_joined.baseline_assigned_count'] %}

z_measured as (

    select
        pairs_joined.*,
        {{ recall_two_proportion_z(*counts) }} as z_statistic

    from pairs_joined

),

{%- set counts = ['z_measured.converted_count',
    'z_measured.assigned_count', 'z_measured.baseline_converted_count',
    'z_measured.baseline_assigned_count'] %}

lifts_measured as (

    select
        z_measured.*,
        {{ recall_absolute_lift(*counts) }} as absolute_lift,
        {{ recall_absolute_lift_ci(*counts, bound='lower') }}
            as absolute_lift_ci_lower,
        {{ recall_absolute_lift_ci(*counts, bound='upper') }}
            as absolute_lift_ci_upper,
        {{ recall_relative_lift(*counts) }} as relative_lift,
        {{ recall_relative_lift_ci(*counts, bound='lower') }}
            as relative_lift_ci_lower,
        {{ recall_relative_lift_ci(*counts, bound='upper') }}
            as relative_lift_ci_upper,
        {{ recall_two_sided_p_value('z_measured.z_statistic') }} as p_value,
        (
            z_measured.revenue_per_assigned_user
            - z_measured.baseline_revenue_per_assigned_user
        )
        * z_measured.assigned_count as incremental_revenue

    from z_measured

),

increments_measured as (

    select
        lifts_measured.*,
        lifts_measured.absolute_lift * lifts_measured.assigned_count
            as incremental_conversions

    from lifts_measured

),

final as (

    select
        increments_measured.campaign_id,
        increments_measured.variant_id,
        increments_measured.baseline_variant_id,
        increments_measured.comparison,
        increments_measured.differing_attribute,
        increments_measured.conversion_event,
        increments_measured.assigned_count,
        increments_measured.converted_count,
        increments_measured.conversion_rate,
        increments_measured.baseline_assigned_count,
        increments_measured.baseline_converted_count,
        increments_measured.baseline_conversion_rate,
        increments_measured.absolute_lift,
        increments_measured.absolute_lift_ci_lower,
        increments_measured.absolute_lift_ci_upper,
        increments_measured.relative_lift,
        increments_measured.relative_lift_ci_lower,
        increments_measured.relative_lift_ci_upper,
        increments_measured.z_statistic,
        increments_measured.p_value,
        increments_measured.incremental_conversions,
        increments_measured.sent_count,
        increments_measured.message_cost,
        increments_measured.reward_cost,
        increments_measured.total_cost,
        increments_measured.baseline_total_cost,
        increments_measured.cost_basis,
        case
            when increments_measured.incremental_conversions > 0
                then
                    increments_measured.cost_basis
                    / increments_measured.incremental_conversions
        end as cost_per_incremental_conversion,
        increments_measured.revenue_per_assigned_user,
        increments_measured.baseline_revenue_per_assigned_user,
        increments_measured.incremental_revenue,
        {{ recall_safe_divide(
            'increments_measured.incremental_revenue'
            ~ ' - increments_measured.cost_basis',
            'increments_measured.cost_basis') }} as roi,
        increments_measured.is_window_open

    from increments_measured

)

select * from final
