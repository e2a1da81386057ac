import argparse
import sys
import time

from .generate import generate


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(
        prog="python -m recall.generator",
        description="Generate the recall warehouse's raw demo tables.",
    )
    p.add_argument("--out", required=True)
    p.add_argument("--users", type=int, default=5000)
    p.add_argument("--days", type=int, default=90)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--start-date", default="2026-01-01")
    p.add_argument(
        "--defects", default="default", help="default | none | all | comma list of classes"
    )
    p.add_argument("--defect-rate", type=float, default=0.01)
    p.add_argument(
        "--land-through",
        default=None,
        help="YYYY-MM-DD: land only what arrived by the end of this UTC day",
    )
    p.add_argument(
        "--no-expected", action="store_true", help="skip the oracle figures in _truth.json"
    )
    p.add_argument("--quiet", action="store_true")
    a = p.parse_args(argv)
    t0 = time.time()
    truth = generate(
        a.out,
        users=a.users,
        days=a.days,
        seed=a.seed,
        start_date=a.start_date,
        defects=a.defects,
        defect_rate=a.defect_rate,
        land_through=a.land_through,
        quiet=a.quiet,
        expected=not a.no_expected,
    )
    if not a.quiet:
        print(
            f"wrote {a.out} in {time.time() - t0:.1f}s: {truth['raw_rows']}, "
            f"as_of {truth['as_of_date']}",
            file=sys.stderr,
        )


if __name__ == "__main__":
    main()
