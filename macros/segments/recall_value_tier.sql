{#-
    The value tier of a purchaser (metrics.md §4, rulings R28) from c, the
    share of purchasers whose net revenue is at least theirs: high while c <=
    value_high_share, mid while c <= value_high_share + value_mid_share, else
    low. Non-purchasers (c null) are none.
-#}
{% macro recall_value_tier(purchaser_share) %}
    {%- set high_share = var('value_high_share') -%}
    {%- set mid_share = var('value_mid_share') -%}
    case
        when {{ purchaser_share }} is null then 'none'
        when {{ purchaser_share }} <= cast({{ high_share }} as {{ recall_type_double() }})
            then 'high'
        when {{ purchaser_share }}
            <= cast({{ high_share }} as {{ recall_type_double() }})
            + cast({{ mid_share }} as {{ recall_type_double() }})
            then 'mid'
        else 'low'
    end
{%- endmacro %}
