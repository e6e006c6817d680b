"""python -m eval: score the product and two baselines on the gold set; --report writes the report.

python -m eval                                # all three systems, tables on stdout
python -m eval --systems product --limit 10   # a quick check
python -m eval --report                       # + eval/reports/latest.md, latest.json, PNG charts
python -m eval --report --xquad               # + the XQuAD harness for every system (minutes)
python -m eval --llm --systems product        # the product's chat-model path (RAG_LLM_MODEL)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from eval.gold import GOLD_FILE
from eval.report import HEADLINE, REPORTS_DIR, breakdown, fmt, table
from eval.score import ItemScore, failure
from eval.systems import SYSTEMS
from eval.xquad import DEFAULT_HARNESS_DIR, QLANGS, XQuADError, cached, run_one


def _systems(value: str) -> list[str]:
    names = [n.strip() for n in value.split(",") if n.strip()]
    unknown = [n for n in names if n not in SYSTEMS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"choose from {', '.join(SYSTEMS)} (got {value!r})")
    return names


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m eval", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--gold", type=Path, default=GOLD_FILE)
    p.add_argument("--systems", type=_systems, default=list(SYSTEMS), help="default: bm25,vector,product")
    p.add_argument("--limit", type=int, help="only the first N gold items (quick checks)")
    p.add_argument("--index", help="the product's index folder (default: RAG_INDEX_DIR)")
    p.add_argument("--llm", action="store_true", help="score the product's chat-model path (RAG_LLM_MODEL)")
    p.add_argument(
        "--set", action="append", default=[], metavar="KEY=VALUE", help="override a setting (repeatable)"
    )
    p.add_argument("--json", type=Path, help="also write the full result here")
    p.add_argument("--report", action="store_true", help="write latest.md, latest.json and charts")
    p.add_argument("--reports-dir", type=Path, default=REPORTS_DIR)
    p.add_argument(
        "--render-only",
        action="store_true",
        help="rebuild the report from <reports-dir>/latest.json and the cached XQuAD results, asking nothing",
    )
    p.add_argument("--xquad", action="store_true", help="run the XQuAD harness for the chosen systems")
    p.add_argument("--xquad-dir", type=Path, default=DEFAULT_HARNESS_DIR, help="folder of run.py")
    p.add_argument("--xquad-limit", type=int, help="pass --limit N to the harness (quick checks)")
    p.add_argument(
        "--perturb", action="store_true", help="also rerun the translation suite (eval/perturb.py)"
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    return p


def print_tables(result: dict[str, Any]) -> None:
    systems = result["systems"]
    print(table([([n], s["overall"]) for n, s in systems.items()], ["system"], HEADLINE))
    print()
    print(breakdown(result, "by_qlang", "question lang"))
    print()
    print(breakdown(result, "by_kind", "kind"))
    for name, sysres in systems.items():
        fails = [(s, failure(s)) for s in (ItemScore(**i) for i in sysres["items"])]
        fails = [(s, why) for s, why in fails if why]
        print(f"\n{name}: {len(fails)} failing items")
        if name == "product":
            for s, why in fails:
                print(f"- {s.id} ({s.kind}, {s.lang}) {why}: {' '.join(s.text.split())[:140]}")


def print_xquad(records: list[dict[str, Any]]) -> None:
    cols = ["n", "hit@1", "hit@5", "hit@10", "mrr@10", "answer_contains", "answered", "ingest_s"]
    for r in records:
        s = r["summary"]
        print(f"xquad {r['system']:8} {r['qlang']:6} " + " ".join(f"{c}={fmt(s.get(c))}" for c in cols))


def run_xquad(args: argparse.Namespace) -> list[dict[str, Any]]:
    from tqdm import tqdm

    jobs = [(s, q) for s in args.systems for q in QLANGS]
    records = []
    for system, qlang in tqdm(jobs, desc="xquad", unit="run", disable=args.quiet):
        records.append(run_one(system, qlang, args.xquad_dir, args.reports_dir, args.xquad_limit, args.llm))
    return records


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.render_only:
        from eval.report import write_report

        latest = args.reports_dir / "latest.json"
        if not latest.is_file():
            raise SystemExit(f"no {latest}: run python -m eval --report first")
        result = json.loads(latest.read_text())
        result.pop("xquad", None)
        md = write_report(result, cached(args.reports_dir, list(result["systems"])), args.reports_dir)
        print(f"report: {md}")
        return 0

    import rag

    overrides: dict[str, object] = dict(kv.split("=", 1) for kv in args.set)
    if args.index:
        overrides["index_dir"] = args.index
    from eval.runner import run

    result = run(args.gold, args.systems, rag.get_settings(**overrides), args.llm, args.limit, not args.quiet)
    print_tables(result)
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1))
    fresh = False
    if args.xquad:
        try:
            print_xquad(run_xquad(args))
        except XQuADError as exc:
            print(f"xquad: {exc}", file=sys.stderr)
            return 1
        fresh = True
    if args.perturb:
        from eval import perturb

        suite = perturb.run(progress=not args.quiet)
        print(perturb.table(suite))
        (args.reports_dir / "perturb.json").write_text(json.dumps(suite, ensure_ascii=False, indent=2))
        (args.reports_dir / "perturb.md").write_text(
            "# Translation suite (`python -m eval.perturb`)\n\n" + perturb.table(suite) + "\n"
        )
    if args.report:
        from eval.report import write_report

        md = write_report(result, cached(args.reports_dir, args.systems), args.reports_dir, fresh)
        print(f"\nreport: {md}")
    print(json.dumps({n: s["overall"] for n, s in result["systems"].items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
