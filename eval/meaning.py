"""Meaning-level differences between the seed translations, found by the configured chat model.

``python -m eval.meaning`` (RAG_LLM_MODEL and OPENAI_BASE_URL set) asks the model to compare every
group of aligned sentences of the indexed seeds and prints the differences it claimed that survived
the verbatim-quote check, and those it dropped. It is how the "Nordchina" case was checked.
"""

from __future__ import annotations

import sys

from tqdm import tqdm


def main() -> int:
    import rag
    from rag.index.store import get_store
    from rag.llm import client as llm
    from rag.translations.groups import group_units
    from rag.translations.model import llm_meaning
    from rag.translations.sidecar import alignment as stored_alignment

    settings = rag.get_settings()
    if not llm.configured(settings):
        raise SystemExit("set RAG_LLM_MODEL and OPENAI_BASE_URL (see the README)")
    rag.ingest(settings=settings.model_copy(update={"llm_compare": False}), progress=True)
    alignment = stored_alignment(get_store(settings))
    found = 0
    for gid in tqdm(sorted(alignment.groups), desc="compare", unit="group"):
        units = {d: u for d, u in group_units(alignment, gid).items() if u}
        if len(units) < 2:
            continue
        for f in llm_meaning(units, lambda messages: llm.chat(messages, settings)):
            found += 1
            print(f"{gid}: " + " | ".join(f"{d[:3]}: {v}" for d, v in f.values.items()))
    print(f"{found} differences kept")
    return 0


if __name__ == "__main__":
    sys.exit(main())
