{#-
    Stops the run when a var of the uplift models is malformed, naming the
    var, what is allowed and the value received: uplift_planned_campaigns
    (a list of campaign_id strings), uplift_conversion_values (a map of
    conversion event to a value >= 0), uplift_budget (a number >= 0),
    uplift_targeted_shares (a non-empty list of shares in (0, 1]).
    validate_recall_vars calls it at run start. Returns nothing.
-#}
{% macro recall_check_uplift_vars() %}
    {%- set planned = var('uplift_planned_campaigns') -%}
    {%- if planned is string or planned is mapping
          or planned is not iterable
          or planned | reject('string') | list | length > 0 -%}
        {{ recall_var_error('uplift_planned_campaigns',
            'a list of campaign_id strings (empty: every campaign not'
            ~ ' completed)', planned) }}
    {%- endif -%}
    {%- set values = var('uplift_conversion_values') -%}
    {%- if values is not mapping -%}
        {{ recall_var_error('uplift_conversion_values',
            'a map of conversion event to a value >= 0', values) }}
    {%- endif -%}
    {%- for event_name, value in values.items() -%}
        {%- if value is not number or value is boolean or value < 0 -%}
            {{ recall_var_error('uplift_conversion_values',
                'a map of conversion event to a value >= 0', values) }}
        {%- endif -%}
    {%- endfor -%}
    {%- set budget = var('uplift_budget') -%}
    {%- if budget is not number or budget is boolean or budget < 0 -%}
        {{ recall_var_error('uplift_budget', 'a number >= 0', budget) }}
    {%- endif -%}
    {%- set shares = var('uplift_targeted_shares') -%}
    {%- if shares is string or shares is mapping or shares is not iterable
          or shares | length == 0 -%}
        {{ recall_var_error('uplift_targeted_shares',
            'a non-empty list of shares in (0, 1]', shares) }}
    {%- endif -%}
    {%- for share in shares -%}
        {%- if share is not number or share is boolean or share <= 0
              or share > 1 -%}
            {{ recall_var_error('uplift_targeted_shares',
                'a non-empty list of shares in (0, 1]', shares) }}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}
