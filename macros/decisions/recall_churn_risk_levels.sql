{#-
    The cells of the churn-risk hazard table as data: the features in the
    order the cells are refined, each level adding one feature to its
    parent's (level 0, all score days, is the root). A level's cell is the
    values of its feature and of every feature before it. The order is the
    order of shrinkage: a cell's rate is shrunk toward its parent's, so
    earlier features are the ones estimated on the most data. A fork that
    wants other cells overrides this one macro; every column named must be
    a column of int_churn_score_days_featured.
-#}
{% macro recall_churn_risk_levels() %}
    {{- return([
        {'level': 1, 'feature': 'days_inactive', 'column': 'days_inactive'},
        {'level': 2, 'feature': 'activity', 'column': 'activity_band'},
        {'level': 3, 'feature': 'declining', 'column': 'is_declining'},
        {'level': 4, 'feature': 'tenure', 'column': 'tenure_stage'},
        {'level': 5, 'feature': 'value_tier', 'column': 'value_tier'},
    ]) -}}
{% endmacro %}
