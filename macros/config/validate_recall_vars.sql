{#-
    Checks every project variable at run start. A bad value stops the run with
    a message naming the variable, what is allowed and the value received.
-#}
{% macro validate_recall_vars() %}
    {%- set whole_days = {
        'clock_skew_minutes': [0, 1440],
        'new_user_days': [0, 365],
        'silent_after_days': [1, 365],
        'churned_after_days': [2, 365],
        'stage_growth_after_days': [1, 3650],
        'stage_mature_after_days': [1, 3650],
        'declining_window_days': [1, 365],
        'feature_min_count': [1, 1000000],
        'feature_days': [1, 365],
        'rfm_lookback_days': [1, 3650],
        'response_lookback_days': [1, 3650],
        'response_min_sends': [1, 1000000],
        'decision_cycle_days': [0, 365],
        'high_value_window_days': [1, 3650],
        'send_tolerance_minutes': [0, 10080],
        'late_tolerance_days': [0, 365],
        'click_to_open_minutes': [1, 10080],
        'volume_baseline_days': [1, 365],
        'volume_min_baseline_count': [0, 1000000000],
        'volume_missing_day_min_baseline_count': [0, 1000000000],
        'dq_min_denominator_count': [1, 1000000000],
        'churn_horizon_days': [1, 365],
    } -%}
    {%- set ratios = {
        'value_high_share': [0, 1],
        'value_mid_share': [0, 1],
        'response_high_rate': [0, 1],
        'response_mid_rate': [0, 1],
        'volume_low_ratio': [0, 1],
        'volume_high_ratio': [1, 1000],
        'high_value_threshold': [0, 1000000000],
        'churn_risk_medium_probability': [0, 1],
        'churn_risk_high_probability': [0, 1],
        'scheduled_hour_min_share': [0.5, 1],
        'holm_significance_level': [0, 1],
    } -%}
    {%- for name, bounds in whole_days.items() -%}
        {%- set value = var(name) -%}
        {%- if value is not number or value is boolean
              or value != (value | int)
              or value < bounds[0] or value > bounds[1] -%}
            {{ recall_var_error(name, 'a whole number from ' ~ bounds[0]
                ~ ' to ' ~ bounds[1], value) }}
        {%- endif -%}
    {%- endfor -%}
    {%- for name, bounds in ratios.items() -%}
        {%- set value = var(name) -%}
        {%- if value is not number or value is boolean
              or value < bounds[0] or value > bounds[1] -%}
            {{ recall_var_error(name, 'a number from ' ~ bounds[0] ~ ' to '
                ~ bounds[1], value) }}
        {%- endif -%}
    {%- endfor -%}

    {#- Thresholds of the daily data-quality checks (dq_thresholds): a map
        of registered check names (recall_quality_checks) to maps of warn
        and/or error; every threshold in effect a share in [0, 1], the
        error threshold beyond the warn threshold. -#}
    {%- set checks = recall_quality_checks() -%}
    {%- set overrides = var('dq_thresholds') -%}
    {%- if overrides is not mapping -%}
        {{ recall_var_error('dq_thresholds',
            'a map of check name to {warn: share, error: share}',
            overrides) }}
    {%- endif -%}
    {%- set check_names = checks | map(attribute='name') | list -%}
    {%- for check_name, given in overrides.items() -%}
        {%- if check_name not in check_names -%}
            {{ recall_var_error('dq_thresholds', 'check names among '
                ~ check_names | join(', '), check_name) }}
        {%- endif -%}
        {%- if given is not mapping -%}
            {{ recall_var_error('dq_thresholds.' ~ check_name,
                'a map with the keys warn and/or error', given) }}
        {%- endif -%}
        {%- for key in given -%}
            {%- if key not in ['warn', 'error'] -%}
                {{ recall_var_error('dq_thresholds.' ~ check_name,
                    'the keys warn and/or error', key) }}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set thresholds = recall_quality_thresholds() -%}
    {%- for check in checks -%}
        {%- set prefix = 'dq_thresholds.' ~ check.name ~ '.' -%}
        {%- set warn = thresholds[check.name].warn -%}
        {%- set error = thresholds[check.name].error -%}
        {%- for key, value in [('warn', warn), ('error', error)] -%}
            {%- if value is not number or value is boolean
                  or value < 0 or value > 1 -%}
                {{ recall_var_error(prefix ~ key, 'a share from 0 to 1',
                    value) }}
            {%- endif -%}
        {%- endfor -%}
        {%- if check.direction == 'at_least' and error > warn -%}
            {{ recall_var_error(prefix ~ 'error', 'at most ' ~ prefix
                ~ 'warn (' ~ warn ~ ')', error) }}
        {%- elif check.direction == 'at_most' and error < warn -%}
            {{ recall_var_error(prefix ~ 'error', 'at least ' ~ prefix
                ~ 'warn (' ~ warn ~ ')', error) }}
        {%- endif -%}
    {%- endfor -%}

    {#- Relations between variables (rulings R10 and metrics.md §4). -#}
    {%- if not (var('new_user_days') <= var('silent_after_days')) -%}
        {{ recall_var_error('new_user_days',
            'at most silent_after_days (' ~ var('silent_after_days') ~ ')',
            var('new_user_days')) }}
    {%- endif -%}
    {%- if not (var('silent_after_days') < var('churned_after_days')) -%}
        {{ recall_var_error('churned_after_days',
            'greater than silent_after_days (' ~ var('silent_after_days')
            ~ ') and at most 365', var('churned_after_days')) }}
    {%- endif -%}
    {%- if not (var('stage_growth_after_days')
                < var('stage_mature_after_days')) -%}
        {{ recall_var_error('stage_mature_after_days',
            'greater than stage_growth_after_days ('
            ~ var('stage_growth_after_days') ~ ')',
            var('stage_mature_after_days')) }}
    {%- endif -%}
    {%- if var('value_high_share') + var('value_mid_share') > 1 -%}
        {{ recall_var_error('value_mid_share',
            'at most 1 - value_high_share (' ~ (1 - var('value_high_share'))
            ~ ')', var('value_mid_share')) }}
    {%- endif -%}
    {%- if not (var('churn_risk_medium_probability')
                <= var('churn_risk_high_probability')) -%}
        {{ recall_var_error('churn_risk_medium_probability',
            'at most churn_risk_high_probability ('
            ~ var('churn_risk_high_probability') ~ ')',
            var('churn_risk_medium_probability')) }}
    {%- endif -%}
    {%- set prior_strength = var('churn_prior_strength') -%}
    {%- if prior_strength is not number or prior_strength is boolean
          or prior_strength <= 0 or prior_strength > 1000000 -%}
        {{ recall_var_error('churn_prior_strength',
            'a number greater than 0 and at most 1000000', prior_strength) }}
    {%- endif -%}
    {%- if not (var('response_mid_rate') <= var('response_high_rate')) -%}
        {{ recall_var_error('response_mid_rate',
            'at most response_high_rate (' ~ var('response_high_rate') ~ ')',
            var('response_mid_rate')) }}
    {%- endif -%}

    {#- Strings, dates, lists and maps. A string var that reaches SQL does
        so through recall_string_literal; a var that names data must name
        data that exists. -#}
    {%- set timezone = var('reporting_timezone') -%}
    {%- if timezone is not string or not modules.re.match(
            '^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$', timezone) -%}
        {{ recall_var_error('reporting_timezone',
            'an IANA time zone name such as UTC or Asia/Shanghai', timezone) }}
    {%- endif -%}
    {#- The engine's own list of zones (case-insensitive, as the engines
        read them), so an unknown zone stops the run here, not mid-run. -#}
    {%- if execute -%}
        {%- set zones = run_query(recall_time_zone_names())
            .columns[0].values() | list -%}
        {%- set zones_lower = zones | map('lower') | list -%}
        {%- if timezone | lower not in zones_lower -%}
            {%- set region = timezone.split('/')[0] | lower ~ '/' -%}
            {%- set examples = [] -%}
            {%- for zone in zones | sort
                    if (zone | lower).startswith(region) -%}
                {%- if examples | length < 5 -%}
                    {%- do examples.append(zone) -%}
                {%- endif -%}
            {%- endfor -%}
            {%- if examples | length == 0 -%}
                {%- set examples = ['UTC', 'Europe/Berlin',
                    'America/New_York', 'Asia/Shanghai']
                    | select('in', zones) | list -%}
            {%- endif -%}
            {{ recall_var_error('reporting_timezone',
                'a time zone the engine knows (one of its ' ~ zones | length
                ~ ' names, e.g. ' ~ examples | join(', ') ~ ')', timezone) }}
        {%- endif -%}
    {%- endif -%}
    {%- set as_of = var('as_of_date') -%}
    {%- if as_of is not none and (not modules.re.match(
            '^\\d{4}-\\d{2}-\\d{2}$', as_of | string)
            or (as_of | string)[5:7] | int not in range(1, 13)) -%}
        {{ recall_var_error('as_of_date',
            'null or a date written YYYY-MM-DD', as_of) }}
    {%- elif as_of is not none and not recall_is_calendar_date(as_of) -%}
        {{ recall_var_error('as_of_date',
            'null or a real calendar date written YYYY-MM-DD', as_of) }}
    {%- endif -%}
    {#- Rows dated before earliest_plausible_date are quarantined: it must
        lie before today (UTC) and before as_of_date, or it would quarantine
        the whole reporting period. -#}
    {%- set earliest = var('earliest_plausible_date') -%}
    {%- set today = run_started_at.strftime('%Y-%m-%d') -%}
    {%- if not recall_is_calendar_date(earliest) -%}
        {{ recall_var_error('earliest_plausible_date',
            'a calendar date written YYYY-MM-DD', earliest) }}
    {%- elif earliest | string >= today -%}
        {{ recall_var_error('earliest_plausible_date',
            'a date before today (' ~ today ~ ')', earliest) }}
    {%- elif as_of is not none and earliest | string >= as_of | string -%}
        {{ recall_var_error('earliest_plausible_date',
            'a date before as_of_date (' ~ as_of ~ ')', earliest) }}
    {%- endif -%}
    {%- if var('feature_event') is not string
          or var('feature_event') | length == 0 -%}
        {{ recall_var_error('feature_event', 'an event name',
            var('feature_event')) }}
    {%- endif -%}
    {%- do recall_check_feature_event() -%}
    {%- do recall_check_uplift_vars() -%}
    {#- The raw schema is an identifier in every raw table's name. -#}
    {%- if var('raw_schema') is not string or not modules.re.match(
            '^[A-Za-z_][A-Za-z0-9_]*$', var('raw_schema')) -%}
        {{ recall_var_error('raw_schema',
            'a schema name (letters, digits, _; not starting with a digit)',
            var('raw_schema')) }}
    {%- endif -%}
    {%- set days = var('retention_days') -%}
    {%- if days is string or days is not iterable or days | length == 0 -%}
        {{ recall_var_error('retention_days',
            'a non-empty list of whole days from 1 to 3650', days) }}
    {%- endif -%}
    {%- for day in days -%}
        {%- if day is not number or day != (day | int) or day < 1
              or day > 3650 -%}
            {{ recall_var_error('retention_days',
                'a non-empty list of whole days from 1 to 3650', days) }}
        {%- endif -%}
    {%- endfor -%}
    {%- set feature_days_n = var('feature_retention_days') -%}
    {%- set feature_allowed = 'a non-empty list of whole days from feature_days ('
        ~ var('feature_days') ~ ') to 3650' -%}
    {%- if feature_days_n is string or feature_days_n is not iterable
          or feature_days_n | length == 0 -%}
        {{ recall_var_error('feature_retention_days', feature_allowed,
            feature_days_n) }}
    {%- endif -%}
    {%- for day in feature_days_n -%}
        {%- if day is not number or day != (day | int)
              or day < var('feature_days') or day > 3650 -%}
            {{ recall_var_error('feature_retention_days', feature_allowed,
                feature_days_n) }}
        {%- endif -%}
    {%- endfor -%}
    {%- set brackets = var('retention_brackets') -%}
    {%- if brackets is string or brackets is not iterable
          or brackets | length == 0 -%}
        {{ recall_var_error('retention_brackets',
            'a non-empty list of [a, b] pairs with 1 <= a <= b', brackets) }}
    {%- endif -%}
    {%- for bracket in brackets -%}
        {%- if bracket is string or bracket is not iterable
              or bracket | length != 2
              or bracket[0] is not number or bracket[1] is not number
              or bracket[0] < 1 or bracket[0] > bracket[1] -%}
            {{ recall_var_error('retention_brackets',
                'a non-empty list of [a, b] pairs with 1 <= a <= b',
                brackets) }}
        {%- endif -%}
    {%- endfor -%}
    {#- The channel registry (recall_channels checks each entry); the keys
        of qualifying_touches must be registry channels. -#}
    {%- set channel_names = recall_channels() | map(attribute='channel')
        | list -%}
    {%- set touches = var('qualifying_touches') -%}
    {%- set touch_types = ['delivered', 'opened', 'clicked', 'bounced',
                           'unsubscribed', 'complained'] -%}
    {%- if touches is not mapping -%}
        {{ recall_var_error('qualifying_touches',
            'a map of channel to a list of callback types', touches) }}
    {%- endif -%}
    {%- for channel, types in touches.items() -%}
        {%- if channel not in channel_names -%}
            {{ recall_var_error('qualifying_touches',
                'channels among ' ~ channel_names | join(', ')
                ~ ' (var channels)', channel) }}
        {%- endif -%}
        {%- for touch_type in types -%}
            {%- if touch_type not in touch_types -%}
                {{ recall_var_error('qualifying_touches',
                    'callback types among ' ~ touch_types | join(', '),
                    touch_type) }}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    select 1 as recall_vars_checked
{% endmacro %}

{#-
    Whether a var's value is a real calendar date written YYYY-MM-DD (a
    string, or a date that YAML read from an unquoted value): the month
    from 1 to 12 and the day within the month's length, leap years
    included, worked out here so no parser raises an error that does not
    name the var.
-#}
{% macro recall_is_calendar_date(value) %}
    {%- set text = value | string -%}
    {%- if value is none or value is number or not modules.re.match(
            '^\\d{4}-\\d{2}-\\d{2}$', text) -%}
        {{- return(false) -}}
    {%- endif -%}
    {%- set year = text[0:4] | int -%}
    {%- set month = text[5:7] | int -%}
    {%- set day = text[8:10] | int -%}
    {%- set is_leap = year % 4 == 0
        and (year % 100 != 0 or year % 400 == 0) -%}
    {%- set month_days = [31, 29 if is_leap else 28, 31, 30, 31, 30, 31, 31,
        30, 31, 30, 31] -%}
    {{- return(year >= 1 and month >= 1 and month <= 12 and day >= 1
        and day <= month_days[month - 1]) -}}
{% endmacro %}

{% macro recall_var_error(name, allowed, received) %}
    {#- As JSON, quotes left as typed (dbt's tojson, not the HTML-safe
        filter); a value JSON cannot hold (a date YAML read from an unquoted
        value) as its text. -#}
    {%- set shown = received if received is none or received is string
        or received is number or received is mapping
        or received is sequence else received | string -%}
    {{ exceptions.raise_compiler_error(
        "Invalid value for var '" ~ name ~ "': expected " ~ allowed
        ~ ", received " ~ tojson(shown, sort_keys=true) ~ ".") }}
{% endmacro %}
