"""The statistics macros of campaign incrementality (macros/statistics/,
metrics.md §5, rulings R38, R39) against statistics computed independently
in Python with the standard library.

dbt compiles one inline query that applies every macro to the columns of a
table of cases; DuckDB runs the compiled SQL on that table, typed as the
warehouse types it (integer counts, so an integer division would show).
The expected values come from math.erfc, plain arithmetic, and for the
chi-square p-value from the regularised incomplete gamma function (series
and continued fraction over math.lgamma), not from the closed forms that
the macro unrolls."""

from __future__ import annotations

import json
import math

import duckdb
import pytest

from recall.tests.conftest import ROOT, run_dbt

# Compiles the macros with dbt (minutes; test_chi_square_reference_is_itself_right
# alone needs no dbt): see the README, Testing.
pytestmark = pytest.mark.warehouse

# Tolerances. Cody's rational approximation behind recall_erfc is accurate
# to a few units in the last place of a double; rounding z / sqrt(2) costs a
# relative 2 x^2 eps (about 1e-14 at |z| = 8). 1e-12 relative is far inside
# what the spec asks (1e-7 absolute for Phi, 1e-6 relative for p-values)
# and still catches a mistyped coefficient digit.
NORMAL_REL = 1e-12
# Lifts, z and their intervals are a dozen floating-point operations in a
# different order from Python's: 1e-12 relative, or 1e-15 absolute near 0.
ARITHMETIC_REL = 1e-12
ARITHMETIC_ABS = 1e-15
# The chi-square closed form sums up to 50 terms exp(a ln h - h) / gamma;
# an exponent near 100 carries about 1e-14 of rounding. The reference's
# series and continued fraction stop at 1e-16. 1e-10 relative leaves room.
CHI_SQUARE_REL = 1e-10
# Tails below this are underflow territory: the macros return 0 (erfc for
# |x| >= 26.543) or about 1e-304 (chi-square exponent floored at -700).
TINY = 1e-290

Z_95 = 1.959963984540054
# Upper 5% points of the chi-square distribution, df 1 .. 10 (the table in
# every statistics textbook; df 2 is -2 ln 0.05 exactly).
CHI_SQUARE_5_PERCENT = [
    3.841458820694124,
    5.991464547107979,
    7.814727903251178,
    9.487729036781154,
    11.070497693516351,
    12.591587243743977,
    14.067140449340169,
    15.507313055865453,
    16.918977604620448,
    18.307038053275146,
]


# --- the reference statistics ----------------------------------------------


def ref_erfc(x):
    return None if x is None else math.erfc(x)


def ref_two_sided_p(z):
    return None if z is None else math.erfc(abs(z) / math.sqrt(2.0))


def ref_z(x_t, n_t, x_c, n_c):
    if n_t <= 0 or n_c <= 0 or not (0 <= x_t <= n_t and 0 <= x_c <= n_c):
        return None
    p = (x_t + x_c) / (n_t + n_c)
    variance = p * (1 - p) * (1 / n_t + 1 / n_c)
    if variance <= 0:
        return None
    return (x_t / n_t - x_c / n_c) / math.sqrt(variance)


def ref_absolute_lift(x_t, n_t, x_c, n_c):
    if n_t == 0 or n_c == 0:
        return None
    return x_t / n_t - x_c / n_c


def ref_relative_lift(x_t, n_t, x_c, n_c):
    if n_t == 0 or n_c == 0 or x_c == 0:
        return None
    return (x_t / n_t - x_c / n_c) / (x_c / n_c)


def ref_absolute_ci(x_t, n_t, x_c, n_c, sign, z):
    if n_t == 0 or n_c == 0:
        return None
    p_t, p_c = x_t / n_t, x_c / n_c
    variance = p_t * (1 - p_t) / n_t + p_c * (1 - p_c) / n_c
    if variance < 0:
        return None
    return p_t - p_c + sign * z * math.sqrt(variance)


def ref_relative_ci(x_t, n_t, x_c, n_c, sign, z):
    if min(x_t, x_c, n_t, n_c) <= 0:
        return None
    variance = 1 / x_t - 1 / n_t + 1 / x_c - 1 / n_c
    if variance < 0:
        return None
    ratio = (x_t / n_t) / (x_c / n_c)
    return math.exp(math.log(ratio) + sign * z * math.sqrt(variance)) - 1


def ref_chi_square_p(statistic, df):
    """Q(df/2, statistic/2), the regularised upper incomplete gamma
    function: power series below s + 1, Lentz's continued fraction above
    (Numerical Recipes §6.2), both to 1e-16."""
    if statistic is None or df is None or statistic < 0:
        return None
    if df != int(df) or not 1 <= df <= 100:
        return None
    if statistic == 0:
        return 1.0
    s, t = df / 2.0, statistic / 2.0
    if t < s + 1:
        term = total = 1.0 / s
        k = s
        while abs(term) > abs(total) * 1e-17:
            k += 1
            term *= t / k
            total += term
        return 1.0 - total * math.exp(-t + s * math.log(t) - math.lgamma(s))
    tiny = 1e-300
    b = t + 1 - s
    c, d = 1 / tiny, 1 / b
    h = d
    i = 0
    while True:
        i += 1
        an = -i * (i - s)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-16:
            break
    return math.exp(-t + s * math.log(t) - math.lgamma(s)) * h


def test_chi_square_reference_is_itself_right():
    """The reference meets the textbook table and the two closed forms
    everyone knows (df 1: erfc(sqrt(x/2)), df 2: exp(-x/2)), so the macro
    is not checked against a wrong yardstick."""
    for df, point in enumerate(CHI_SQUARE_5_PERCENT, start=1):
        assert ref_chi_square_p(point, df) == pytest.approx(0.05, rel=1e-9)
    for x in (0.01, 0.5, 2.9, 3.1, 20.0, 100.0, 700.0):
        assert ref_chi_square_p(x, 1) == pytest.approx(math.erfc(math.sqrt(x / 2)), rel=1e-13)
        assert ref_chi_square_p(x, 2) == pytest.approx(math.exp(-x / 2), rel=1e-13)


# --- the grid of cases -------------------------------------------------------


def count_cases():
    """(x_t, n_t, x_c, n_c): every outcome of arms of 1 .. 10 users (zero
    conversions, x = n, both zero), empty arms, large arms, impossible
    counts (more converters than users)."""
    cases = [
        (x_t, n_t, x_c, n_c)
        for n_t in range(1, 11)
        for x_t in range(n_t + 1)
        for n_c in range(1, 11)
        for x_c in range(n_c + 1)
    ]
    cases += [
        (0, 0, 3, 10),
        (3, 10, 0, 0),
        (0, 0, 0, 0),
        (0, 0, 5, 5),
        (5123, 100000, 4870, 100000),
        (100000, 100000, 99999, 100000),
        (0, 100000, 1, 100000),
        (12, 100000, 0, 100000),
        (0, 100000, 0, 100000),
        (100000, 100000, 100000, 100000),
        (51234, 99871, 50012, 100003),
        (5, 3, 2, 2),
        (7, 5, 1, 9),
    ]
    return cases


def z_cases():
    """|z| up to 8 in steps of 1/8, both sides of Cody's interval edges
    (|z| / sqrt(2) = 0.46875 and 4), the 95% point, far tails."""
    grid = [k / 8 for k in range(-64, 65)]
    edges = [edge * math.sqrt(2) + shift for edge in (0.46875, 4.0) for shift in (-1e-9, 0.0, 1e-9)]
    special = [
        1e-12,
        -1e-12,
        Z_95,
        -Z_95,
        10.0,
        -12.5,
        20.0,
        30.0,
        37.0,
        -37.5,
        38.0,
        40.0,
        -40.0,
        1e6,
    ]
    return grid + edges + [-e for e in edges] + special


def erfc_cases():
    """x for erfc itself, on both sides of 0: a grid to |x| = 6 in steps
    of 1/16, both sides of Cody's interval edges (0.46875, 4 and the
    underflow point 26.543), the far tails and null."""
    grid = [k / 16 for k in range(-96, 97)]
    edges = [edge + shift for edge in (0.46875, 4.0, 26.543) for shift in (-1e-9, 0.0, 1e-9)]
    special = [1e-12, -1e-12, 1.0, 10.0, 26.0, 27.0, 1e6, None]
    return grid + edges + [-e for e in edges] + special + [-x for x in special if x is not None]


def chi_square_cases():
    """(statistic, df): df 1 .. 10 at 0, 0.5, 3.84, 20, 100 and at the 5%
    points; large df; tiny and huge statistics; out-of-range df."""
    cases = [(s, df) for df in range(1, 11) for s in (0.0, 0.5, 3.84, 20.0, 100.0)]
    cases += [(p, df) for df, p in enumerate(CHI_SQUARE_5_PERCENT, start=1)]
    cases += [
        (s, df) for df in (15, 29, 30, 31, 64, 99, 100) for s in (0.5, 3.84, 20.0, 100.0, 150.0)
    ]
    cases += [
        (1e-12, 1),
        (1e-12, 2),
        (1e-12, 7),
        (2000.0, 2),
        (2000.0, 3),
        (2000.0, 100),
        (5000.0, 1),
    ]
    cases += [(3.84, 0), (3.84, -1), (3.84, 101), (-1.0, 3), (None, 3), (3.84, None)]
    return cases


# --- compiling the macros and running them on DuckDB ------------------------

COUNTS = "cases.x_t, cases.n_t, cases.x_c, cases.n_c"
ARGS = "'cases.x_t', 'cases.n_t', 'cases.x_c', 'cases.n_c'"

INLINE = f"""
select
    cases.case_id,
    {{{{ recall_erfc('cases.z') }}}} as erfc,
    {{{{ recall_two_sided_p_value('cases.z') }}}} as p_value,
    {{{{ recall_two_proportion_z({ARGS}) }}}} as z_statistic,
    {{{{ recall_two_sided_p_value(recall_two_proportion_z({ARGS})) }}}}
        as z_p_value,
    {{{{ recall_absolute_lift({ARGS}) }}}} as absolute_lift,
    {{{{ recall_relative_lift({ARGS}) }}}} as relative_lift,
    {{{{ recall_absolute_lift_ci({ARGS}, 'lower') }}}} as absolute_lower,
    {{{{ recall_absolute_lift_ci({ARGS}, bound='upper') }}}} as absolute_upper,
    {{{{ recall_relative_lift_ci({ARGS}, 'lower') }}}} as relative_lower,
    {{{{ recall_relative_lift_ci({ARGS}, 'upper') }}}} as relative_upper,
    {{{{ recall_absolute_lift_ci({ARGS}, 'upper', z='cases.z') }}}}
        as absolute_upper_z,
    {{{{ recall_relative_lift_ci({ARGS}, 'lower', z=2.5758293035489004) }}}}
        as relative_lower_99,
    {{{{ recall_chi_square_p_value('cases.statistic', 'cases.df') }}}}
        as chi_square_p,
    {{{{ recall_chi_square_p_value('cases.statistic', 'cases.df_real') }}}}
        as chi_square_p_real_df
from cases
"""


def compile_inline(sql: str, work, check: bool = True):
    """dbt compile --inline through the project, on its own target folder;
    returns the compiled SQL (or the finished process when check=False)."""
    proc = run_dbt(
        ["compile", "--quiet", "--output", "json", "--inline", sql],
        work / "raw",
        work / "stats.duckdb",
        work,
        check=check,
    )
    if not check:
        return proc
    return json.loads(proc.stdout[proc.stdout.index("{") :])["compiled"]


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    work = tmp_path_factory.mktemp("statistics")
    (work / "raw").mkdir()
    return work


@pytest.fixture(scope="module")
def results(work):
    """One row per case: the inputs and every macro's value."""
    compiled = compile_inline(INLINE, work)
    rows = []
    for z in z_cases():
        rows.append(("z", None, None, None, None, z, None, None, None))
    for x in erfc_cases():
        rows.append(("x", None, None, None, None, x, None, None, None))
    for counts in count_cases():
        # z for the interval's critical value: 1.96 here, 1 .. 3 below.
        rows.append(("counts", *counts, 1.96, None, None, None))
    for k, counts in enumerate(count_cases()[::97]):
        rows.append(("counts_z", *counts, 1.0 + (k % 5) / 2, None, None, None))
    for statistic, df in chi_square_cases():
        rows.append(
            ("chi", None, None, None, None, None, statistic, df, None if df is None else float(df))
        )
    rows += [
        ("chi", None, None, None, None, None, 3.84, 3, 2.5),
        ("chi", None, None, None, None, None, 3.84, 3, 3.0),
    ]
    con = duckdb.connect()
    try:
        con.execute("""
            create table cases (
                case_id integer, kind varchar, x_t integer, n_t integer,
                x_c integer, n_c integer, z double, statistic double,
                df integer, df_real double)""")
        con.executemany(
            "insert into cases values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(i, *row) for i, row in enumerate(rows)],
        )
        cursor = con.execute(f"select * from ({compiled}) as computed order by case_id")
        names = [column[0] for column in cursor.description]
        computed = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
        described = con.execute(f"describe select * from ({compiled}) as computed").fetchall()
        types = {column[0]: column[1] for column in described}
    finally:
        con.close()
    assert len(computed) == len(rows)
    inputs = ["kind", "x_t", "n_t", "x_c", "n_c", "z", "statistic", "df", "df_real"]
    return {
        "rows": [
            dict(zip(inputs, row, strict=True), **values)
            for row, values in zip(rows, computed, strict=True)
        ],
        "types": types,
        "compiled": compiled,
    }


def close(got, want, rel, abs_tol=0.0):
    if want is None or got is None:
        return got is None and want is None
    return math.isclose(got, want, rel_tol=rel, abs_tol=abs_tol)


def check(results, kind, column, reference, rel, abs_tol=0.0):
    """Compare one macro column with its reference over the cases of one
    kind; return the largest absolute and relative errors."""
    rows = [row for row in results["rows"] if row["kind"] in kind]
    assert rows
    bad, worst_abs, worst_rel = [], 0.0, 0.0
    for row in rows:
        got, want = row[column], reference(row)
        if not close(got, want, rel, abs_tol):
            bad.append((row, got, want))
        elif got is not None and want != 0:
            worst_abs = max(worst_abs, abs(got - want))
            if abs(want) > TINY:
                worst_rel = max(worst_rel, abs(got - want) / abs(want))
    assert not bad, f"{column}: {len(bad)} of {len(rows)} cases off: {bad[:5]}"
    print(
        f"{column}: {len(rows)} cases, max abs error {worst_abs:.2e}, max rel error {worst_rel:.2e}"
    )
    return worst_abs, worst_rel


def counts_of(row):
    return row["x_t"], row["n_t"], row["x_c"], row["n_c"]


# --- the checks -------------------------------------------------------------


def test_every_macro_returns_a_double(results):
    assert {
        name: kind
        for name, kind in results["types"].items()
        if name != "case_id" and kind != "DOUBLE"
    } == {}


def test_erfc(results):
    """erfc over the whole line, negative arguments (2 - erfc(|x|))
    included, against math.erfc; then values worked out by hand."""
    check(results, {"x"}, "erfc", lambda r: ref_erfc(r["z"]), NORMAL_REL, TINY)
    by_x = {row["z"]: row["erfc"] for row in results["rows"] if row["kind"] == "x"}
    assert by_x[0.0] == 1.0
    assert by_x[None] is None
    # erfc(1) = 0.1572992070502851..., and erfc(-x) = 2 - erfc(x).
    assert by_x[1.0] == pytest.approx(0.15729920705028513, rel=1e-15)
    assert by_x[-1.0] == pytest.approx(2 - 0.15729920705028513, rel=1e-15)
    # Past 26.543 the tail is below the smallest double: 0, or 2 for -x.
    assert by_x[27.0] == 0.0 and by_x[1e6] == 0.0
    assert by_x[-27.0] == 2.0 and by_x[-1e6] == 2.0


def test_two_sided_p_value_keeps_its_accuracy_in_the_tails(results):
    _, worst_rel = check(
        results, {"z"}, "p_value", lambda r: ref_two_sided_p(r["z"]), NORMAL_REL, TINY
    )
    assert worst_rel < 1e-6  # the spec's bound
    by_z = {row["z"]: row["p_value"] for row in results["rows"] if row["kind"] == "z"}
    # 1 - Phi(8) would cancel to 0 in double precision; the tail is 1.2e-15.
    assert by_z[8.0] == pytest.approx(1.2209642664400748e-15, rel=1e-12)
    assert by_z[Z_95] == pytest.approx(0.05, rel=1e-12)
    assert by_z[0.0] == 1.0
    assert by_z[1e6] == 0.0


def test_two_proportion_z_and_its_p_value(results):
    check(
        results,
        {"counts"},
        "z_statistic",
        lambda r: ref_z(*counts_of(r)),
        ARITHMETIC_REL,
        ARITHMETIC_ABS,
    )
    check(
        results,
        {"counts"},
        "z_p_value",
        lambda r: None if ref_z(*counts_of(r)) is None else ref_two_sided_p(ref_z(*counts_of(r))),
        NORMAL_REL,
        TINY,
    )


def test_lifts(results):
    check(
        results,
        {"counts"},
        "absolute_lift",
        lambda r: ref_absolute_lift(*counts_of(r)),
        ARITHMETIC_REL,
        ARITHMETIC_ABS,
    )
    check(
        results,
        {"counts"},
        "relative_lift",
        lambda r: ref_relative_lift(*counts_of(r)),
        ARITHMETIC_REL,
        ARITHMETIC_ABS,
    )
    rows = {counts_of(row): row for row in results["rows"] if row["kind"] == "counts"}
    # By hand: 3 of 10 against 2 of 10 is 0.3 - 0.2 = 0.1 absolute and
    # 0.1 / 0.2 = 0.5 relative; 5123 against 4870 of 100000 each is
    # 0.00253 absolute and 253 / 4870 relative; 7 of 10 against 7 of 10
    # is no lift at all.
    assert rows[(3, 10, 2, 10)]["absolute_lift"] == pytest.approx(0.1)
    assert rows[(3, 10, 2, 10)]["relative_lift"] == pytest.approx(0.5)
    assert rows[(5123, 100000, 4870, 100000)]["absolute_lift"] == pytest.approx(0.00253)
    assert rows[(5123, 100000, 4870, 100000)]["relative_lift"] == pytest.approx(253 / 4870)
    assert rows[(7, 10, 7, 10)]["absolute_lift"] == 0.0
    assert rows[(7, 10, 7, 10)]["relative_lift"] == 0.0


# Not yet converted: reworked by the data-quality registry change (issue 18
# section 1); drop it from here once that report divides with the macro.
INLINE_DIVISIONS_PENDING = {"marts/quality/rpt_data_quality_checks_daily.sql"}


def test_models_divide_with_recall_safe_divide():
    """Ratios go through recall_safe_divide (rulings R38: null on a zero
    denominator, the numerator cast to double), not an inline
    `x / nullif(y, 0)`, so the tested division is the one that runs."""
    models = ROOT / "models"
    inline = sorted(
        path.relative_to(models).as_posix()
        for path in models.rglob("*.sql")
        if "nullif(" in path.read_text().lower().replace(" ", "")
    )
    assert set(inline) - INLINE_DIVISIONS_PENDING == set(), inline


def test_absolute_lift_interval(results):
    for column, sign in (("absolute_lower", -1), ("absolute_upper", 1)):
        check(
            results,
            {"counts"},
            column,
            lambda r, s=sign: ref_absolute_ci(*counts_of(r), s, 1.96),
            ARITHMETIC_REL,
            ARITHMETIC_ABS,
        )
    check(
        results,
        {"counts", "counts_z"},
        "absolute_upper_z",
        lambda r: ref_absolute_ci(*counts_of(r), 1, r["z"]),
        ARITHMETIC_REL,
        ARITHMETIC_ABS,
    )


def test_relative_lift_interval(results):
    for column, sign in (("relative_lower", -1), ("relative_upper", 1)):
        check(
            results,
            {"counts"},
            column,
            lambda r, s=sign: ref_relative_ci(*counts_of(r), s, 1.96),
            ARITHMETIC_REL,
            ARITHMETIC_ABS,
        )
    check(
        results,
        {"counts"},
        "relative_lower_99",
        lambda r: ref_relative_ci(*counts_of(r), -1, 2.5758293035489004),
        ARITHMETIC_REL,
        ARITHMETIC_ABS,
    )


def test_rulings_r38_nulls(results):
    """The named edge cases, spelled out: a zero-conversion control has an
    absolute lift and interval but no relative lift, interval or (pooled
    rate 0) z; an empty arm has nothing."""
    rows = {counts_of(row): row for row in results["rows"] if row["kind"] == "counts"}
    control_zero = rows[(3, 10, 0, 10)]
    assert control_zero["absolute_lift"] == pytest.approx(0.3)
    assert control_zero["absolute_lower"] is not None
    assert control_zero["relative_lift"] is None
    assert control_zero["relative_lower"] is None
    assert control_zero["relative_upper"] is None
    assert control_zero["z_statistic"] is not None
    both_zero = rows[(0, 10, 0, 10)]
    assert both_zero["z_statistic"] is None and both_zero["z_p_value"] is None
    assert both_zero["absolute_lift"] == 0.0
    assert both_zero["absolute_lower"] == both_zero["absolute_upper"] == 0.0
    everyone = rows[(10, 10, 7, 7)]
    assert everyone["z_statistic"] is None
    assert everyone["relative_lower"] == everyone["relative_upper"] == 0.0
    for empty in ((0, 0, 3, 10), (3, 10, 0, 0), (0, 0, 0, 0)):
        assert all(
            rows[empty][column] is None
            for column in (
                "z_statistic",
                "z_p_value",
                "absolute_lift",
                "relative_lift",
                "absolute_lower",
                "absolute_upper",
                "relative_lower",
                "relative_upper",
            )
        ), empty
    impossible = rows[(5, 3, 2, 2)]  # negative variances: null, not NaN
    assert impossible["z_statistic"] is None
    assert impossible["relative_lower"] is None


def test_chi_square_p_value(results):
    check(
        results,
        {"chi"},
        "chi_square_p",
        lambda r: ref_chi_square_p(r["statistic"], r["df"]),
        CHI_SQUARE_REL,
        TINY,
    )
    rows = [row for row in results["rows"] if row["kind"] == "chi"]
    for row in rows:
        if row["df_real"] in (2.5,):
            assert row["chi_square_p_real_df"] is None
        else:
            assert row["chi_square_p_real_df"] == row["chi_square_p"]
    by_case = {(row["statistic"], row["df"]): row["chi_square_p"] for row in rows}
    assert by_case[(3.841458820694124, 1)] == pytest.approx(0.05, rel=1e-12)
    assert by_case[(0.0, 7)] == 1.0
    for out_of_range in ((3.84, 0), (3.84, -1), (3.84, 101), (-1.0, 3), (None, 3), (3.84, None)):
        assert by_case[out_of_range] is None


@pytest.mark.parametrize(
    "call, message",
    [
        (
            "recall_absolute_lift_ci('a', 'b', 'c', 'd', 'middle')",
            "recall_absolute_lift_ci: argument 'bound' must be 'lower' or 'upper';"
            ' received "middle".',
        ),
        (
            "recall_relative_lift_ci('a', 'b', 'c', 'd', 'upper', z=0)",
            "recall_relative_lift_ci: argument 'z' must be a positive number",
        ),
        (
            "recall_two_proportion_z('a', 'b', 'c', none)",
            "recall_two_proportion_z: argument 'n_c' must be a SQL column or"
            " expression as a non-blank string; received null.",
        ),
    ],
)
def test_bad_arguments_stop_compilation(work, call, message):
    proc = compile_inline("select {{ " + call + " }}", work, check=False)
    assert proc.returncode != 0
    assert message in " ".join((proc.stdout + proc.stderr).split())
