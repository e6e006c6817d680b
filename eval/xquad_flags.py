"""Translation checks on professional translations: XQuAD's paragraphs in en, de, el, hi and vi.

``python -m eval.xquad_flags [--articles N] [--json FILE] [--md FILE]`` writes each XQuAD dev
article (../shared/xquad/dev.json, evaluation use only, see its NOTICE) as one document per language
into a temporary folder, ingests them with the product's settings, and reports:

- which documents the alignment takes for translations of each other (each article's five versions
  should be, and no two articles);
- every difference flagged between the versions, by kind. These translations were made to say the
  same thing, so a flag is a false alarm unless the translation really differs; the report lists
  every flag with what each version says, to be read by hand.

The paragraphs are only read and compared here; nothing of them goes into the product.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "xquad" / "dev.json"


def documents(data: dict[str, Any], articles: int | None) -> dict[str, str]:
    """doc id -> text: one document per article and language, its paragraphs in order."""
    langs: list[str] = data["langs"]
    paragraphs: dict[int, list[dict[str, Any]]] = {}
    for p in data["paragraphs"]:
        paragraphs.setdefault(p["article"], []).append(p)
    out: dict[str, str] = {}
    for article in sorted(paragraphs)[:articles]:
        for lang in langs:
            text = "\n\n".join(
                p["context"][lang] for p in sorted(paragraphs[article], key=lambda p: p["pid"])
            )
            out[f"xq{article:02d}_{lang}.txt"] = text + "\n"
    return out


def run(
    data_path: Path, articles: int | None, keep: Path | None = None, progress: bool = True
) -> dict[str, Any]:
    """``keep``: a folder for the documents and the index, reused by the next run (only changed
    comparisons are redone: a run after a change to rag/translations/compare.py embeds nothing)."""
    data = json.loads(data_path.read_text(encoding="utf-8"))
    docs = documents(data, articles)
    if keep is not None:
        return _run_in(keep, docs, progress)
    with tempfile.TemporaryDirectory(prefix="rag-xqflags-") as tmp:
        return _run_in(Path(tmp), docs, progress)


def _run_in(where: Path, docs: dict[str, str], progress: bool) -> dict[str, Any]:
    import rag
    from rag.index.store import get_store
    from rag.translations.sidecar import alignment as stored_alignment

    folder = where / "docs"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.txt"):
        if old.name not in docs:
            old.unlink()
    for name, text in docs.items():
        if not (folder / name).exists() or (folder / name).read_text(encoding="utf-8") != text:
            (folder / name).write_text(text, encoding="utf-8")
    settings = rag.get_settings(docs_dir=folder, index_dir=where / "index")
    rag.ingest(settings=settings, progress=progress)
    return summarise(docs, stored_alignment(get_store(settings)))


def summarise(docs: dict[str, str], alignment: Any) -> dict[str, Any]:
    article = {d: d.split("_")[0] for d in docs}
    expected = {(a, b) for a, b in itertools.combinations(sorted(docs), 2) if article[a] == article[b]}
    found = {tuple(sorted((p.a, p.b))) for p in alignment.pairs.values() if p.translation}
    flags = [
        {"group": gid, "kind": f.kind, "values": f.values, "about": f.about}
        for gid, fs in alignment.differences.items()
        for f in fs
    ]
    groups = [g for g, nodes in alignment.groups.items() if len({d for d, _ in nodes}) >= 2]
    return {
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "documents": len(docs),
        "translation_pairs_expected": len(expected),
        "translation_pairs_found": len(found & expected),
        "pairs_across_articles": len(found - expected),
        "aligned_groups": len(groups),
        "flags": len(flags),
        "flags_by_kind": dict(Counter(f["kind"] for f in flags).most_common()),
        "groups_flagged": len({f["group"] for f in flags}),
        "flag_list": flags,
    }


def table(result: dict[str, Any]) -> str:
    lines = [
        "| measure | value |",
        "|---|---|",
        f"| documents (articles x 5 languages) | {result['documents']} |",
        f"| translation pairs found / expected | {result['translation_pairs_found']} / "
        f"{result['translation_pairs_expected']} |",
        f"| pairs linking two different articles | {result['pairs_across_articles']} |",
        f"| aligned sentence groups | {result['aligned_groups']} |",
        f"| groups flagged | {result['groups_flagged']} |",
    ]
    lines += [f"| flags: {k} | {v} |" for k, v in result["flags_by_kind"].items()]
    lines += ["", "| kind | group | what each version says |", "|---|---|---|"]
    for f in result["flag_list"]:
        said = "; ".join(
            f"{d.split('_')[1].split('.')[0]}: {v or '(nothing)'}" for d, v in f["values"].items()
        )
        kind = f"{f['kind']} {f['about']}".strip()
        lines.append(f"| {kind} | {f['group']} | {said.replace('|', '/')} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.xquad_flags", description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--articles", type=int, default=None, help="only the first N articles")
    parser.add_argument("--keep", type=Path, help="keep documents and index here, to rerun quickly")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--md", type=Path)
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"no XQuAD data at {args.data}: pass --data", file=sys.stderr)
        return 2
    result = run(args.data, args.articles, args.keep)
    text = table(result)
    print(text)
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    if args.md:
        args.md.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
