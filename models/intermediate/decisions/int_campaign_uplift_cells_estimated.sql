{#-
    One row per sample x completed campaign x treatment arm x cell: the
    arm's and the control's counts in the cell and the empirical-Bayes
    estimate of the cell's lift (README "Uplift"). sample_name 'all' reads every
    assignment of the campaign (rpt_campaign_uplift_cells publishes it);
    sample_name 'fit' only the fit half (sample_half), for the held-out
    evaluation. Cells come from int_campaign_assignments_celled (state,
    value tier and response tier known the day before assignment); a row
    exists where the arm has assigned users.

    The estimator, per sample x campaign x arm, with D = p_T - p_C the
    arm's overall lift against the campaign's control (both rates over all
    the arm's and the control's assigned users), and per cell j with
    treated and control counts n_tj, n_cj:
      raw lift d_j = p_tj - p_cj (null without control users in the cell);
      its sampling variance at the arm's overall rates
        v_j = p_T (1 - p_T) / n_tj + p_C (1 - p_C) / n_cj
      (the overall rates keep a sparse cell with 0 or all converters from
      claiming a variance of 0);
      the between-cell variance tau2 by the DerSimonian-Laird method of
      moments over the k cells with control users (and v_j > 0), weights
      w'_j = 1 / v_j:
        Q = sum_j w'_j (d_j - D)^2,
        tau2 = max(0, (Q - (k - 1)) / (sum w' - sum w'^2 / sum w'))
      (0 with fewer than 2 such cells);
      the shrinkage weight w_j = tau2 / (tau2 + v_j) (0 when both are 0)
      and the shrunk lift D + w_j (d_j - D): a cell with little data or
      little spread between cells leans on the arm's lift;
      its variance w_j v_j + (1 - w_j)^2 var(D), with var(D) = p_T (1 -
      p_T) / N_T + p_C (1 - p_C) / N_C; the 95 % interval is the shrunk
      lift -/+ 1.96 standard deviations.
    A cell without control users has no raw lift: its shrunk lift is the
    arm's lift and its variance tau2 + var(D) (the prior's), so the
    interval says how far cells of this arm spread. Divisions by zero give
    null (R38).
-#}
{%- set z = 1.96 -%}
{%- set double = recall_type_double() -%}

with

campaigns as (

    select campaign_id
    from {{ ref('int_campaigns_staged') }}
    where is_completed

),

assignments as (

    select
        campaign_id,
        user_id,
        variant_id,
        is_control,
        lifecycle_state,
        value_tier,
        response_tier,
        cell_id,
        sample_half,
        is_converted,
        gross_revenue_in_window,
        reward_cost_in_window

    from {{ ref('int_campaign_assignments_celled') }}

),

samples_listed as (

    select
        'all' as sample_name,
        assignments.*

    from assignments
    inner join campaigns
        on assignments.campaign_id = campaigns.campaign_id

    union all

    select
        'fit' as sample_name,
        assignments.*

    from assignments
    inner join campaigns
        on assignments.campaign_id = campaigns.campaign_id
    where assignments.sample_half = 'fit'

),

cells_counted as (

    select
        samples_listed.sample_name,
        samples_listed.campaign_id,
        samples_listed.variant_id,
        samples_listed.is_control,
        samples_listed.cell_id,
        samples_listed.lifecycle_state,
        samples_listed.value_tier,
        samples_listed.response_tier,
        count(*) as assigned_count,
        count(case when samples_listed.is_converted then 1 end)
            as converted_count,
        sum(samples_listed.gross_revenue_in_window) as gross_revenue,
        sum(samples_listed.reward_cost_in_window) as reward_cost

    from samples_listed
    group by
        samples_listed.sample_name,
        samples_listed.campaign_id,
        samples_listed.variant_id,
        samples_listed.is_control,
        samples_listed.cell_id,
        samples_listed.lifecycle_state,
        samples_listed.value_tier,
        samples_listed.response_tier

),

arms_counted as (

    select
        cells_counted.sample_name,
        cells_counted.campaign_id,
        cells_counted.variant_id,
        cells_counted.is_control,
        sum(cells_counted.assigned_count) as assigned_count,
        sum(cells_counted.converted_count) as converted_count

    from cells_counted
    group by
        cells_counted.sample_name,
        cells_counted.campaign_id,
        cells_counted.variant_id,
        cells_counted.is_control

),

arms_rated as (

    select
        treatment.sample_name,
        treatment.campaign_id,
        treatment.variant_id,
        treatment.assigned_count as arm_assigned_count,
        treatment.converted_count as arm_converted_count,
        control.assigned_count as control_arm_assigned_count,
        control.converted_count as control_arm_converted_count,
        {{ recall_safe_divide('treatment.converted_count',
            'treatment.assigned_count') }} as arm_rate,
        {{ recall_safe_divide('control.converted_count',
            'control.assigned_count') }} as control_rate

    from arms_counted as treatment
    inner join arms_counted as control
        on
            treatment.sample_name = control.sample_name
            and treatment.campaign_id = control.campaign_id
            and control.is_control
    where not treatment.is_control

),

cells_joined as (

    select
        cells_counted.sample_name,
        cells_counted.campaign_id,
        cells_counted.variant_id,
        cells_counted.cell_id,
        cells_counted.lifecycle_state,
        cells_counted.value_tier,
        cells_counted.response_tier,
        cells_counted.assigned_count,
        cells_counted.converted_count,
        coalesce(control_cells.assigned_count, 0) as control_assigned_count,
        coalesce(control_cells.converted_count, 0)
            as control_converted_count,
        cells_counted.gross_revenue,
        cells_counted.reward_cost,
        arms_rated.arm_assigned_count,
        arms_rated.arm_converted_count,
        arms_rated.arm_rate - arms_rated.control_rate as arm_lift,
        {{ recall_safe_divide(
            'arms_rated.arm_rate * (1.0e0 - arms_rated.arm_rate)',
            'arms_rated.arm_assigned_count') }}
        + {{ recall_safe_divide(
            'arms_rated.control_rate * (1.0e0 - arms_rated.control_rate)',
            'arms_rated.control_arm_assigned_count') }} as arm_lift_variance,
        {{ recall_safe_divide('cells_counted.converted_count',
            'cells_counted.assigned_count') }}
        - {{ recall_safe_divide('control_cells.converted_count',
            'control_cells.assigned_count') }} as raw_lift,
        {{ recall_safe_divide(
            'arms_rated.arm_rate * (1.0e0 - arms_rated.arm_rate)',
            'cells_counted.assigned_count') }}
        + {{ recall_safe_divide(
            'arms_rated.control_rate * (1.0e0 - arms_rated.control_rate)',
            'control_cells.assigned_count') }} as raw_lift_variance

    from cells_counted
    inner join arms_rated
        on
            cells_counted.sample_name = arms_rated.sample_name
            and cells_counted.campaign_id = arms_rated.campaign_id
            and cells_counted.variant_id = arms_rated.variant_id
    left join cells_counted as control_cells
        on
            cells_counted.sample_name = control_cells.sample_name
            and cells_counted.campaign_id = control_cells.campaign_id
            and cells_counted.cell_id = control_cells.cell_id
            and control_cells.is_control

),

spreads_measured as (

    {#- DerSimonian-Laird: the cells' raw lifts around the arm's lift,
        weighted by their precision 1 / v_j, against what sampling noise
        alone would give. -#}
    select
        cells_joined.sample_name,
        cells_joined.campaign_id,
        cells_joined.variant_id,
        count(*) as cells_count,
        sum(
            (cells_joined.raw_lift - cells_joined.arm_lift)
            * (cells_joined.raw_lift - cells_joined.arm_lift)
            / cells_joined.raw_lift_variance
        ) as heterogeneity_q,
        sum(1 / cells_joined.raw_lift_variance) as weight_sum,
        sum(
            1 / (
                cells_joined.raw_lift_variance
                * cells_joined.raw_lift_variance
            )
        ) as squared_weight_sum

    from cells_joined
    where
        cells_joined.raw_lift is not null
        and cells_joined.raw_lift_variance > 0
    group by
        cells_joined.sample_name,
        cells_joined.campaign_id,
        cells_joined.variant_id

),

weights_measured as (

    select
        cells_joined.*,
        case
            when
                spreads_measured.cells_count >= 2
                and spreads_measured.heterogeneity_q
                > spreads_measured.cells_count - 1
                then
                    (
                        spreads_measured.heterogeneity_q
                        - (spreads_measured.cells_count - 1)
                    )
                    / (
                        spreads_measured.weight_sum
                        - spreads_measured.squared_weight_sum
                        / spreads_measured.weight_sum
                    )
            else cast(0 as {{ double }})
        end as between_cell_variance

    from cells_joined
    left join spreads_measured
        on
            cells_joined.sample_name = spreads_measured.sample_name
            and cells_joined.campaign_id = spreads_measured.campaign_id
            and cells_joined.variant_id = spreads_measured.variant_id

),

lifts_shrunk as (

    select
        weights_measured.*,
        case
            when weights_measured.raw_lift is null
                then cast(0 as {{ double }})
            else
                coalesce({{ recall_safe_divide(
                    'weights_measured.between_cell_variance',
                    'weights_measured.between_cell_variance'
                    ~ ' + weights_measured.raw_lift_variance') }}, 0)
        end as shrinkage_weight

    from weights_measured

),

variances_measured as (

    select
        lifts_shrunk.*,
        lifts_shrunk.arm_lift
        + lifts_shrunk.shrinkage_weight
        * coalesce(lifts_shrunk.raw_lift - lifts_shrunk.arm_lift, 0)
            as shrunk_lift,
        case
            when lifts_shrunk.raw_lift is null
                then
                    lifts_shrunk.between_cell_variance
                    + lifts_shrunk.arm_lift_variance
            else
                lifts_shrunk.shrinkage_weight
                * lifts_shrunk.raw_lift_variance
                + (1 - lifts_shrunk.shrinkage_weight)
                * (1 - lifts_shrunk.shrinkage_weight)
                * lifts_shrunk.arm_lift_variance
        end as shrunk_lift_variance

    from lifts_shrunk

),

final as (

    select
        variances_measured.sample_name,
        variances_measured.campaign_id,
        variances_measured.variant_id,
        variances_measured.cell_id,
        variances_measured.lifecycle_state,
        variances_measured.value_tier,
        variances_measured.response_tier,
        variances_measured.assigned_count,
        variances_measured.converted_count,
        variances_measured.control_assigned_count,
        variances_measured.control_converted_count,
        cast(variances_measured.raw_lift as {{ double }}) as raw_lift,
        cast(variances_measured.raw_lift_variance as {{ double }})
            as raw_lift_variance,
        cast(variances_measured.shrunk_lift as {{ double }}) as shrunk_lift,
        cast(variances_measured.shrunk_lift_variance as {{ double }})
            as shrunk_lift_variance,
        cast(
            variances_measured.shrunk_lift
            - {{ z }} * {{ recall_safe_sqrt(
                'variances_measured.shrunk_lift_variance') }}
            as {{ double }}
        ) as lift_ci_lower,
        cast(
            variances_measured.shrunk_lift
            + {{ z }} * {{ recall_safe_sqrt(
                'variances_measured.shrunk_lift_variance') }}
            as {{ double }}
        ) as lift_ci_upper,
        cast(variances_measured.shrinkage_weight as {{ double }})
            as shrinkage_weight,
        cast(variances_measured.arm_lift as {{ double }}) as arm_lift,
        cast(variances_measured.arm_lift_variance as {{ double }})
            as arm_lift_variance,
        cast(variances_measured.between_cell_variance as {{ double }})
            as between_cell_variance,
        variances_measured.arm_assigned_count,
        variances_measured.arm_converted_count,
        cast(variances_measured.gross_revenue as decimal(18, 2))
            as gross_revenue,
        cast(variances_measured.reward_cost as decimal(18, 2))
            as reward_cost

    from variances_measured

)

select * from final
