"""The ``rag`` command: ingest, ask, retrieve, calibrate, ui, eval."""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

from rag.settings import PROJECT_DIR, Settings, get_settings


def _print_answer(answer: Any) -> None:
    print(answer.text)
    if not answer.citations:
        return
    print()
    n = 0
    last_group: object = object()
    for c in answer.citations:
        if c.group is None or c.group != last_group:
            n += 1
            print(f"[{n}]", "translations of one sentence:" if c.group else "")
        last_group = c.group
        where = f" {c.locator}" if getattr(c, "locator", None) else ""
        print(f"    {c.doc_id}{where} ({c.language}) {c.start}-{c.end}: {c.quote}")
    for d in answer.disagreements:  # the note is in the text; here is what each version says
        print(f"  ! {d.kind} ({d.group}): " + "; ".join(f"{doc} {v!r}" for doc, v in d.values.items()))


def _print_files(report: Any) -> None:
    """One line per file of the folder: what read it, pages, characters, OCR; or why it was skipped."""
    for f in report.files:
        if f["status"] == "skipped":
            print(f"  skipped    {f['doc_id']}: {f.get('reason', '')}", file=sys.stderr)
            continue
        pages = f" {f['pages']} pages," if f.get("pages") else ""
        ocr = "yes" if f.get("ocr") else "no"
        line = f"{f['reader']},{pages} {f.get('chars', 0):,} chars, OCR {ocr}"
        print(f"  {f['status']:<10} {f['doc_id']}: {line}", file=sys.stderr)


def _print_passages(passages: list[Any]) -> None:
    for n, p in enumerate(passages, start=1):
        print(f"[{n}] {p.score:.3f} {p.doc_id} ({p.language}) {p.start}-{p.end}")
        print(f"    {' '.join(p.text.split())[:300]}")
        for t in p.translations:
            print(f"    = {t.doc_id} ({t.language}) {t.start}-{t.end}: {' '.join(t.text.split())[:120]}")
        for d in p.disagreements:
            print(f"    ! {d.kind}: {d.note}")


_HEAD = ("", "min_relevance", "grounding_margin", "foreign_share", "right", "wrong", "refused", "score")
_WIDTHS = (30, 14, 17, 14, 7, 7, 9, 9)


def _calibration_table(report: Any) -> str:
    """``rag calibrate``'s figures: the values before, fitted in-sample, held out (and per fold)."""
    f, cal = report.fit, report.calibration

    def line(label: str, params: tuple[float, ...] | None, fig: dict[str, Any]) -> str:
        shown = [f"{v:.4g}" for v in params] if params else ["", "", ""]
        cells = [*shown, *(str(fig[k]) for k in ("right", "wrong", "refused")), f"{fig['score']:g}"]
        return f"{label:<{_WIDTHS[0]}}" + "".join(
            f"{c:>{w}}" for c, w in zip(cells, _WIDTHS[1:], strict=True)
        )

    title = f"calibration of {cal.embedder} on index rag_{cal.fingerprint}: {cal.questions} questions"
    lines = [f"{title} from {cal.fitted_on}; objective {cal.objective}"]
    lines.append("".join(f"{h:>{w}}" for h, w in zip(_HEAD, _WIDTHS, strict=True)))
    lines.append(line("before (in-sample)", f.params[f.current], f.figures(f.current)))
    lines.append(line("fitted (in-sample)", f.params[report.chosen], f.figures(report.chosen)))
    if cal.held_out:
        lines.append(line(f"fitted ({cal.held_out['folds']} folds, held out)", None, cal.held_out))
        for fold, row in report.fold_rows:
            fig = f.figures(row, fold)
            lines.append(line(f"  fold {fold + 1} ({fig['n']} questions)", f.params[row], fig))
    lines.append(f"written to {report.path}" if report.path else "dry run: nothing written")
    return "\n".join(lines)


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {}
    if getattr(args, "docs", None):
        overrides["docs_dir"] = args.docs
    if getattr(args, "index", None):
        overrides["index_dir"] = args.index
    return get_settings(**overrides)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="rag", description=__doc__)
    parser.add_argument(
        "--docs", help="docs folder (default: RAG_DOCS_DIR, else the checkout's seeds/ or a user data folder)"
    )
    parser.add_argument("--index", help="index folder (default: RAG_INDEX_DIR or a user data folder)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("ingest", help="(re)index the docs folder")
    p_ask = sub.add_parser("ask", help="answer a question with citations")
    p_ask.add_argument("question")
    p_ask.add_argument("--json", action="store_true", help="print the Answer as JSON")
    p_ret = sub.add_parser("retrieve", help="show the passages a question retrieves")
    p_ret.add_argument("question")
    p_ret.add_argument("-k", type=int, default=None)
    p_ret.add_argument("--json", action="store_true")
    p_cal = sub.add_parser(
        "calibrate", help="fit the answer thresholds to this index's embedder (README: Calibration)"
    )
    p_cal.add_argument("--questions", required=True, type=Path, help="JSONL in the format of eval/gold.jsonl")
    p_cal.add_argument(
        "--wrong-cost", type=float, default=2.0, help="a wrong answer costs this many right ones"
    )
    p_cal.add_argument("--folds", type=int, default=5, help="folds for the held-out figures")
    p_cal.add_argument("--dry-run", action="store_true", help="print the figures, write nothing")
    p_ui = sub.add_parser("ui", help="start the web UI (python -m rag_ui)")
    p_ui.add_argument("--host", default=None)
    p_ui.add_argument("--port", default=None)
    # its options are python -m eval's (rag eval --help shows them): passed through unparsed
    sub.add_parser("eval", help="score the product and the baselines (python -m eval)", add_help=False)
    args, rest = parser.parse_known_args(argv)
    if rest and args.cmd != "eval":
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if args.cmd == "ui":
        # the UI is a layer above the library: run it as its own program, never import it from here
        if importlib.util.find_spec("gradio") is None:
            print("rag: the web UI needs gradio: pip install 'rag-xling[ui]'", file=sys.stderr)
            return 2
        extra = [a for k in ("host", "port") if getattr(args, k) for a in (f"--{k}", str(getattr(args, k)))]
        os.execv(sys.executable, [sys.executable, "-m", "rag_ui", *extra])
    if args.cmd == "eval":
        # the same for the evaluation: rag never imports eval (it imports rag); the eval tools and the gold
        # set live in the source checkout and are not installed with the package
        if not (PROJECT_DIR / "eval" / "__main__.py").is_file():
            print(
                "rag: `rag eval` runs from a source checkout (the eval tools are not installed)",
                file=sys.stderr,
            )
            return 2
        extra = ["--index", args.index] if args.index else []
        extra += ["--set", f"docs_dir={args.docs}"] if args.docs else []
        path = os.pathsep.join(p for p in (str(PROJECT_DIR), os.environ.get("PYTHONPATH")) if p)
        os.execve(
            sys.executable, [sys.executable, "-m", "eval", *extra, *rest], {**os.environ, "PYTHONPATH": path}
        )
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s"
    )

    from rag import api

    try:
        settings = _settings(args)
        if args.cmd == "ingest":
            report = api.ingest(settings)
            _print_files(report)
            print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
            print(f"index {report.collection} built by {report.embedder}", file=sys.stderr)
        elif args.cmd == "ask":
            api.validate_question(args.question, settings)
            if api.get_store(settings).is_empty():
                if Path(settings.docs_dir).is_dir():  # else the error below names the folder
                    print(f"Indexing {settings.docs_dir} (first run only)...", file=sys.stderr)
                api.ensure_index(settings, progress=sys.stderr.isatty())
            answer = api.ask(args.question, settings=settings)
            if args.json:
                print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
            else:
                _print_answer(answer)
        elif args.cmd == "retrieve":
            passages = api.retrieve(args.question, k=args.k, settings=settings)
            if args.json:
                print(json.dumps([p.to_dict() for p in passages], ensure_ascii=False, indent=2))
            else:
                _print_passages(passages)
        elif args.cmd == "calibrate":
            from rag import calibrate

            fitted = calibrate.calibrate(
                args.questions, settings, args.wrong_cost, args.folds, args.dry_run, sys.stderr.isatty()
            )
            print(_calibration_table(fitted))
    except (ValueError, RuntimeError, OSError) as exc:
        print(f"rag: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # e.g. an index Chroma cannot read: a message, the details with -v
        logging.getLogger(__name__).debug("unexpected error", exc_info=True)
        print(f"rag: {type(exc).__name__}: {exc} (run with -v for details)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
