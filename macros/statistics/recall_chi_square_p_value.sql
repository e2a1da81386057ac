{#-
    Upper-tail probability P(X >= statistic) of the chi-square
    distribution with `df` degrees of freedom, as a double: the p-value
    of a chi-square test such as the sample-ratio check (rulings R39,
    df = arms - 1). `statistic` and `df` are SQL expressions evaluated per
    row; df must be a whole number from 1 to 100.

    Exact closed forms for whole df, with h = statistic / 2:
        even df: exp(-h) sum_{i = 0 .. df/2 - 1} h^i / i!
        odd df:  erfc(sqrt(h))
                 + exp(-h) sum_{i = 1 .. (df - 1)/2} h^(i - 1/2)
                   / gamma(i + 1/2)
    (erfc(sqrt(h)) = 2 (1 - Phi(sqrt(statistic))), from recall_erfc). The
    sums are unrolled by Jinja, each term switched on by `df > 2a` for its
    power a, and computed as exp(a ln h - h) / gamma(a + 1) so that no
    power overflows; the gamma values are constants computed while
    compiling. The exponent is floored at -700 so engines that raise on
    underflow (PostgreSQL) do not: a term then contributes at most 1e-304
    instead of 0. Only exp, ln, sqrt, abs, greatest and arithmetic.

    Null (rulings R38) for a null or negative statistic and for a df that
    is null, below 1, above 100 or not whole; 1 for a statistic of 0.
    Pass a column: `statistic` is repeated in the SQL.
-#}
{% macro recall_chi_square_p_value(statistic, df) %}
    {{- recall_check_sql_expression(
        'recall_chi_square_p_value', 'statistic', statistic) -}}
    {{- recall_check_sql_expression(
        'recall_chi_square_p_value', 'df', df) -}}
    {%- set max_df = 100 -%}
    {%- set x = 'cast((' ~ statistic ~ ') as ' ~ recall_type_double() ~ ')' -%}
    {%- set h = '(' ~ x ~ ' * 0.5e0)' -%}
    {#- gamma(a + 1) for a = 0, 1/2, 1, 3/2, ...: a! and the half-integer
        values from gamma(1/2) = sqrt(pi), by gamma(a + 1) = a gamma(a). -#}
    {%- set ns = namespace(
        gamma_int=1.0, gamma_half=1.7724538509055159, even=[], odd=[]) -%}
    {%- for m in range(max_df - 1) -%}
        {%- set power = m / 2 -%}
        {%- if m % 2 == 0 -%}
            {%- if m > 0 -%}
                {%- set ns.gamma_int = ns.gamma_int * power -%}
            {%- endif -%}
            {%- set gamma = ns.gamma_int -%}
        {%- else -%}
            {%- set ns.gamma_half = ns.gamma_half * power -%}
            {%- set gamma = ns.gamma_half -%}
        {%- endif -%}
        {%- set term = 'case when (' ~ df ~ ') > ' ~ m
            ~ ' then exp(greatest(' ~ power ~ 'e0 * ln' ~ h ~ ' - ' ~ h
            ~ ', -700.0e0)) / ' ~ gamma ~ ' else 0.0e0 end' -%}
        {%- if m % 2 == 0 -%}
            {%- do ns.even.append(term) -%}
        {%- else -%}
            {%- do ns.odd.append(term) -%}
        {%- endif -%}
    {%- endfor -%}
    cast((case
        when ({{ df }}) in ({{ range(1, max_df + 1) | join(', ') }})
            and {{ x }} >= 0
            then (case
                when {{ x }} = 0 then 1.0e0
                when ({{ df }}) in ({{ range(1, max_df + 1, 2) | join(', ') }})
                    then {{ recall_erfc('sqrt' ~ h) }}
                        + {{ ns.odd | join('\n                        + ') }}
                else {{ ns.even | join('\n                    + ') }}
            end)
    end) as {{ recall_type_double() }})
{%- endmacro %}
