{#-
    The daily data-quality checks (metrics.md §5, §6; rulings R45) as data:
    each check's name and the direction of its thresholds. Coverage checks
    (`at_least`) alert when the share falls below the threshold, defect
    checks (`at_most`) when it rises above. The thresholds are the vars
    dq_<name>_warn_share and dq_<name>_error_share; validate_recall_vars
    checks them and rpt_data_quality_checks_daily reads them from this list,
    so a fork adds a check here and in that model.
-#}
{% macro recall_quality_checks() %}
    {{- return([
        {'name': 'paid_orders_with_purchase_event', 'direction': 'at_least'},
        {'name': 'purchase_events_with_order', 'direction': 'at_least'},
        {'name': 'clicks_followed_by_app_open', 'direction': 'at_least'},
        {'name': 'users_with_register_event', 'direction': 'at_least'},
        {'name': 'identified_events', 'direction': 'at_least'},
        {'name': 'late_events', 'direction': 'at_most'},
        {'name': 'events_missing_required_property', 'direction': 'at_most'},
        {'name': 'duplicate_event_rows', 'direction': 'at_most'},
        {'name': 'quarantined_event_rows', 'direction': 'at_most'},
        {'name': 'quarantined_table_rows', 'direction': 'at_most'},
        {'name': 'callbacks_without_send', 'direction': 'at_most'},
        {'name': 'sends_without_assignment', 'direction': 'at_most'},
        {'name': 'duplicate_assignments', 'direction': 'at_most'},
        {'name': 'unknown_campaign_assignments', 'direction': 'at_most'},
        {'name': 'callbacks_out_of_order', 'direction': 'at_most'},
        {'name': 'duplicate_sends', 'direction': 'at_most'},
        {'name': 'missed_sends', 'direction': 'at_most'},
        {'name': 'early_sends', 'direction': 'at_most'},
        {'name': 'late_sends', 'direction': 'at_most'},
        {'name': 'failed_sends', 'direction': 'at_most'},
        {'name': 'contaminated_controls', 'direction': 'at_most'},
        {'name': 'off_target_assignments', 'direction': 'at_most'},
    ]) -}}
{% endmacro %}
