{#-
    The complementary error function erfc(x) = 1 - erf(x) of a SQL
    expression, as a double; null for null. The building block of the
    normal-distribution macros (recall_two_sided_p_value,
    recall_chi_square_p_value): they take tails from erfc directly rather
    than as 1 - Phi, which would cancel to 0 far out.

    default__: W. J. Cody's rational Chebyshev approximations ("Rational
    Chebyshev approximations for the error function", Math. Comp. 23,
    1969, 631-637; the coefficients of Netlib SPECFUN CALERF):
        |x| <= 0.46875:    erfc = 1 - x R1(x^2)
        0.46875 < |x| <= 4: erfc = exp(-x^2) R2(|x|)
        4 < |x| < 26.543:   erfc = exp(-x^2) (1/sqrt(pi) - R3(1/x^2)/x^2)/|x|
        |x| >= 26.543:      erfc = 0 (below the smallest double)
    and erfc(x) = 2 - erfc(|x|) for x < 0. Cody designed the three forms
    for about 18 significant digits, more than a double holds: evaluated
    in double precision erfc is within a few units in the last place,
    and keeps that relative accuracy far into the tail (no 1 - erf
    cancellation). Measured against Python's math.erfc by
    recall/tests/test_statistics_macros.py: erfc within 5e-16 relative
    for arguments of either sign, two-sided p-values within 2e-13
    relative for |z| up to 37. Only abs,
    exp and arithmetic: portable. Engines with a native erfc may add an
    <adapter>__recall_erfc.

    Pass a column or a short expression: `x` is repeated about 50 times
    in the generated SQL.
-#}
{% macro recall_erfc(x) %}
    {{- recall_check_sql_expression('recall_erfc', 'x', x) -}}
    {{- return(adapter.dispatch('recall_erfc', 'recall')(x)) -}}
{% endmacro %}

{% macro default__recall_erfc(x) %}
    {#- R1 = x (a[0..4]) / (b[0..3]) in x^2; coefficients as in CALERF. -#}
    {%- set a = ['3.16112374387056560e0', '1.13864154151050156e2',
        '3.77485237685302021e2', '3.20937758913846947e3',
        '1.85777706184603153e-1'] -%}
    {%- set b = ['2.36012909523441209e1', '2.44024637934444173e2',
        '1.28261652607737228e3', '2.84423683343917062e3'] -%}
    {%- set c = ['5.64188496988670089e-1', '8.88314979438837594e0',
        '6.61191906371416295e1', '2.98635138197400131e2',
        '8.81952221241769090e2', '1.71204761263407058e3',
        '2.05107837782607147e3', '1.23033935479799725e3',
        '2.15311535474403846e-8'] -%}
    {%- set d = ['1.57449261107098347e1', '1.17693950891312499e2',
        '5.37181101862009858e2', '1.62138957456669019e3',
        '3.29079923573345963e3', '4.36261909014324716e3',
        '3.43936767414372164e3', '1.23033935480374942e3'] -%}
    {%- set p = ['3.05326634961232344e-1', '3.60344899949804439e-1',
        '1.25781726111229246e-1', '1.60837851487422766e-2',
        '6.58749161529837803e-4', '1.63153871373020978e-2'] -%}
    {%- set q = ['2.56852019228982242e0', '1.87295284992346047e0',
        '5.27905102951428412e-1', '6.05183413124413191e-2',
        '2.33520497626869185e-3'] -%}
    {%- set x = '(' ~ x ~ ')' -%}
    {%- set y = 'abs' ~ x -%}
    {%- set x2 = '(' ~ x ~ ' * ' ~ x ~ ')' -%}
    {%- set inv_y2 = '(1.0e0 / (' ~ y ~ ' * ' ~ y ~ '))' -%}
    {#- Horner forms, built as Cody's loops build them. -#}
    {%- set ns = namespace(
        an=a[4] ~ ' * ' ~ x2, bd=x2,
        cn=c[8] ~ ' * ' ~ y, dd=y,
        pn=p[5] ~ ' * ' ~ inv_y2, qd=inv_y2) -%}
    {%- for i in range(3) -%}
        {%- set ns.an = '(' ~ ns.an ~ ' + ' ~ a[i] ~ ') * ' ~ x2 -%}
        {%- set ns.bd = '(' ~ ns.bd ~ ' + ' ~ b[i] ~ ') * ' ~ x2 -%}
    {%- endfor -%}
    {%- for i in range(7) -%}
        {%- set ns.cn = '(' ~ ns.cn ~ ' + ' ~ c[i] ~ ') * ' ~ y -%}
        {%- set ns.dd = '(' ~ ns.dd ~ ' + ' ~ d[i] ~ ') * ' ~ y -%}
    {%- endfor -%}
    {%- for i in range(4) -%}
        {%- set ns.pn = '(' ~ ns.pn ~ ' + ' ~ p[i] ~ ') * ' ~ inv_y2 -%}
        {%- set ns.qd = '(' ~ ns.qd ~ ' + ' ~ q[i] ~ ') * ' ~ inv_y2 -%}
    {%- endfor -%}
    (case
        when {{ y }} <= 0.46875e0
            then 1.0e0 - {{ x }} * ({{ ns.an }} + {{ a[3] }})
                / ({{ ns.bd }} + {{ b[3] }})
        when {{ y }} >= 26.543e0
            then (case when {{ x }} < 0 then 2.0e0 else 0.0e0 end)
        else
            (case when {{ x }} < 0 then 2.0e0 else 0.0e0 end)
            + (case when {{ x }} < 0 then -1.0e0 else 1.0e0 end)
            * exp(-({{ y }} * {{ y }}))
            * (case
                when {{ y }} <= 4.0e0
                    then ({{ ns.cn }} + {{ c[7] }})
                        / ({{ ns.dd }} + {{ d[7] }})
                else (5.6418958354775628695e-1
                    - {{ inv_y2 }} * ({{ ns.pn }} + {{ p[4] }})
                    / ({{ ns.qd }} + {{ q[4] }})) / {{ y }}
            end)
    end)
{%- endmacro %}
