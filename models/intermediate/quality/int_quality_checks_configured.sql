{#-
    One row per data-quality check of the registry recall_quality_checks:
    its direction, the thresholds in effect (the registry's defaults unless
    the var dq_thresholds overrides them, recall_quality_thresholds) and
    what its numerator and denominator count. rpt_data_quality_checks_daily
    left-joins its checks to these rows.
-#}
{%- set thresholds = recall_quality_thresholds() -%}

with

checks_configured as (

    {% for check in recall_quality_checks() %}
    select
        '{{ check.name }}' as check_name,
        '{{ check.direction }}' as threshold_direction,
        cast({{ thresholds[check.name].warn }} as {{ recall_type_double() }})
            as warn_threshold,
        cast({{ thresholds[check.name].error }} as {{ recall_type_double() }})
            as error_threshold,
        '{{ check.numerator | replace("'", "''") }}'
            as numerator_description,
        '{{ check.denominator | replace("'", "''") }}'
            as denominator_description
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        checks_configured.check_name,
        checks_configured.threshold_direction,
        checks_configured.warn_threshold,
        checks_configured.error_threshold,
        checks_configured.numerator_description,
        checks_configured.denominator_description

    from checks_configured

)

select * from final
