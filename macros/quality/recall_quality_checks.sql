{#-
    The daily data-quality checks of rpt_data_quality_checks_daily
    (metrics.md §5, §6; rulings R45), one entry per check:

    - name: the check_name of the report's rows; its dbt test is
      dq_<name> (models/marts/quality/_quality__models.yml).
    - direction: `at_least` for coverage checks, which alert when the share
      falls below a threshold; `at_most` for defect checks, which alert
      when it rises above one.
    - warn, error: the default thresholds, shares in [0, 1]. The var
      dq_thresholds overrides them per check (recall_quality_thresholds);
      validate_recall_vars checks the result at run start.
    - numerator, denominator: what the two counts count, in words (the
      registry model int_quality_checks_configured carries them beside the
      thresholds).
    - measured_from: where the report takes the counts. `platform_days`
      (per day x platform) and `campaign_arms` (per campaign x arm, on the
      campaign's start day, for the arms in `arms`: treatment, control or
      all) name a count column of that step in numerator_column and
      denominator_column. Without it, the report holds a CTE named
      <name>_measured that counts the check.
-#}
{% macro recall_quality_checks() %}
    {{- return([
        {'name': 'paid_orders_with_purchase_event', 'direction': 'at_least',
            'warn': 0.95, 'error': 0.80,
            'numerator': 'paid orders with a purchase event of the same'
                ~ ' order_id',
            'denominator': 'clean paid orders of the day'},
        {'name': 'purchase_events_with_order', 'direction': 'at_least',
            'warn': 0.95, 'error': 0.80,
            'numerator': 'purchase events whose order_id is an order',
            'denominator': 'clean purchase events of the day'},
        {'name': 'clicks_followed_by_app_open', 'direction': 'at_least',
            'warn': 0.50, 'error': 0.20,
            'numerator': 'clicked callbacks followed by an app_open within'
                ~ ' click_to_open_minutes',
            'denominator': 'clicked callbacks of the day'},
        {'name': 'users_with_register_event', 'direction': 'at_least',
            'warn': 0.90, 'error': 0.70,
            'numerator': 'users registered that day with a register event',
            'denominator': 'users registered that day'},
        {'name': 'identified_events', 'direction': 'at_least',
            'warn': 0.50, 'error': 0.25,
            'numerator': 'clean events with a user (own user_id or a'
                ~ ' stitched device)',
            'denominator': 'clean events of the day and platform',
            'measured_from': 'platform_days',
            'numerator_column': 'identified_count',
            'denominator_column': 'event_count'},
        {'name': 'late_events', 'direction': 'at_most',
            'warn': 0.02, 'error': 0.10,
            'numerator': 'clean events received more than'
                ~ ' late_tolerance_days after event_at',
            'denominator': 'clean events of the day and platform',
            'measured_from': 'platform_days',
            'numerator_column': 'late_count',
            'denominator_column': 'event_count'},
        {'name': 'events_missing_required_property', 'direction': 'at_most',
            'warn': 0.02, 'error': 0.10,
            'numerator': 'clean events missing a property the tracking plan'
                ~ ' requires',
            'denominator': 'clean events of the day and platform',
            'measured_from': 'platform_days',
            'numerator_column': 'missing_property_count',
            'denominator_column': 'event_count'},
        {'name': 'duplicate_event_rows', 'direction': 'at_most',
            'warn': 0.05, 'error': 0.20,
            'numerator': 'duplicate event rows (retries)',
            'denominator': 'clean and duplicate event rows of the day and'
                ~ ' platform',
            'measured_from': 'platform_days',
            'numerator_column': 'duplicate_count',
            'denominator_column': 'event_row_count'},
        {'name': 'quarantined_event_rows', 'direction': 'at_most',
            'warn': 0.02, 'error': 0.10,
            'numerator': 'event rows quarantined for one reason',
            'denominator': 'clean and quarantined event rows of the day'},
        {'name': 'quarantined_table_rows', 'direction': 'at_most',
            'warn': 0.0, 'error': 0.05,
            'numerator': 'rows of a raw table other than events quarantined'
                ~ ' for one reason, judged on as_of_date',
            'denominator': 'rows of the raw table'},
        {'name': 'unknown_time_zone_users', 'direction': 'at_most',
            'warn': 0.0, 'error': 0.05,
            'numerator': 'users whose latest snapshot names a time zone the'
                ~ ' engine does not know (kept, the zone treated as unknown),'
                ~ ' judged on as_of_date; no row without one',
            'denominator': 'users with a clean users row'},
        {'name': 'callbacks_without_send', 'direction': 'at_most',
            'warn': 0.0, 'error': 0.05,
            'numerator': 'provider callbacks of an unknown send',
            'denominator': 'provider callbacks of the day'},
        {'name': 'sends_without_assignment', 'direction': 'at_most',
            'warn': 0.0, 'error': 0.05,
            'numerator': 'sends without an assignment of their user to'
                ~ ' their campaign',
            'denominator': 'sends of the day'},
        {'name': 'duplicate_assignments', 'direction': 'at_most',
            'warn': 0.0, 'error': 0.05,
            'numerator': 'repeated assignments of a user to the campaign',
            'denominator': 'assignments to the campaign'},
        {'name': 'unknown_campaign_assignments', 'direction': 'at_most',
            'warn': 0.0, 'error': 0.05,
            'numerator': 'assignments to an unknown campaign or arm',
            'denominator': 'assignments of the day'},
        {'name': 'callbacks_out_of_order', 'direction': 'at_most',
            'warn': 0.0, 'error': 0.05,
            'numerator': "clicked callbacks dated before their send's first"
                ~ ' delivered callback',
            'denominator': 'clicked callbacks of delivered sends'},
        {'name': 'duplicate_sends', 'direction': 'at_most',
            'warn': 0.0, 'error': 0.10,
            'numerator': 'treatment users sent more than one message',
            'denominator': 'treatment users sent a message',
            'measured_from': 'campaign_arms', 'arms': 'treatment',
            'numerator_column': 'duplicate_count',
            'denominator_column': 'sent_users_count'},
        {'name': 'missed_sends', 'direction': 'at_most',
            'warn': 0.0, 'error': 0.10,
            'numerator': 'treatment users without any send row',
            'denominator': 'treatment users assigned',
            'measured_from': 'campaign_arms', 'arms': 'treatment',
            'numerator_column': 'missed_count',
            'denominator_column': 'assigned_count'},
        {'name': 'early_sends', 'direction': 'at_most',
            'warn': 0.0, 'error': 0.10,
            'numerator': 'treatment users sent a message before'
                ~ ' scheduled_at - send_tolerance_minutes',
            'denominator': 'treatment users sent a message',
            'measured_from': 'campaign_arms', 'arms': 'treatment',
            'numerator_column': 'early_count',
            'denominator_column': 'sent_users_count'},
        {'name': 'late_sends', 'direction': 'at_most',
            'warn': 0.0, 'error': 0.10,
            'numerator': 'treatment users sent a message after'
                ~ ' scheduled_at + send_tolerance_minutes',
            'denominator': 'treatment users sent a message',
            'measured_from': 'campaign_arms', 'arms': 'treatment',
            'numerator_column': 'late_count',
            'denominator_column': 'sent_users_count'},
        {'name': 'failed_sends', 'direction': 'at_most',
            'warn': 0.20, 'error': 0.50,
            'numerator': 'send attempts that failed',
            'denominator': 'send attempts of the treatment arm',
            'measured_from': 'campaign_arms', 'arms': 'treatment',
            'numerator_column': 'failed_count',
            'denominator_column': 'send_attempt_count'},
        {'name': 'contaminated_controls', 'direction': 'at_most',
            'warn': 0.0, 'error': 0.10,
            'numerator': 'control users with a sent message',
            'denominator': 'control users assigned',
            'measured_from': 'campaign_arms', 'arms': 'control',
            'numerator_column': 'contaminated_count',
            'denominator_column': 'assigned_count'},
        {'name': 'off_target_assignments', 'direction': 'at_most',
            'warn': 0.0, 'error': 0.10,
            'numerator': "users assigned outside the campaign's target"
                ~ ' state',
            'denominator': 'users assigned to the arm',
            'measured_from': 'campaign_arms', 'arms': 'all',
            'numerator_column': 'off_target_count',
            'denominator_column': 'assigned_count'},
    ]) -}}
{% endmacro %}
