{#-
    One row per completed campaign x treatment arm x cell (lifecycle state
    at assignment x value tier x response tier, as known at the end of the
    day before assignment): the arm's and the control's counts in the cell,
    the raw lift and the empirical-Bayes shrunk lift with its 95 % interval
    (int_campaign_uplift_cells_estimated, sample_name 'all', which states the
    estimator).
-#}

with

cells as (

    select *
    from {{ ref('int_campaign_uplift_cells_estimated') }}
    where sample_name = 'all'

),

final as (

    select
        cells.campaign_id,
        cells.variant_id,
        cells.cell_id,
        cells.lifecycle_state,
        cells.value_tier,
        cells.response_tier,
        cells.assigned_count,
        cells.converted_count,
        cells.control_assigned_count,
        cells.control_converted_count,
        cells.raw_lift,
        cells.shrunk_lift,
        cells.lift_ci_lower,
        cells.lift_ci_upper,
        cells.shrinkage_weight,
        cells.arm_lift,
        cells.between_cell_variance,
        cells.gross_revenue,
        cells.reward_cost

    from cells

)

select * from final
