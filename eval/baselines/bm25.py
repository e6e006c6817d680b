"""BM25 baseline: keyword search over the documents' lines, the best sentence of the top line.

- passages: every non-blank line of every document (the seeds and most text files hold one paragraph
  per line; an XQuAD document is one line, so there this is the harness's whole-document BM25);
- ranking: ``rank_bm25.BM25Okapi`` with its defaults (k1 = 1.5, b = 0.75) on casefolded runs of
  letters, digits and combining marks; lines that share no token with the question are not returned;
- answer: the sentence of the top line with the largest summed IDF of the distinct question tokens it
  contains (the earliest wins ties), cited with its offsets; ``answered`` is False only when no line
  shares a token with the question;
- follow-ups: the previous user question is put in front of the follow-up.

No translation, no embeddings: it shows how far shared strings (names, numbers, Latin-script words)
carry. Run it under the XQuAD harness from the project root:
``python ../shared/xquad/run.py --module eval.baselines.bm25 --answers``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rank_bm25 import BM25Okapi

from eval.baselines.corpus import Corpus, harness_functions, lines, sentences, standalone_query, tokenize
from rag.types import Answer, Citation, Passage

NO_MATCH = "No passage of the documents shares a word with the question."


@dataclass(frozen=True)
class Line:
    doc_id: str
    start: int
    end: int


class BM25Baseline:
    name = "bm25"

    def __init__(self, docs_dir: Path | None = None) -> None:
        self.docs_dir = docs_dir
        self.corpus = Corpus({}, {})
        self.lines: list[Line] = []
        self.bm25: BM25Okapi | None = None

    def ingest(self) -> dict[str, Any]:
        self.corpus = Corpus.read(self.docs_dir)
        self.lines = [Line(d, s, e) for d, t in self.corpus.texts.items() for s, e in lines(t)]
        tokens = [tokenize(self._text(line)) for line in self.lines]
        self.bm25 = BM25Okapi(tokens) if tokens else None  # BM25Okapi divides by the corpus size
        return {"documents": len(self.corpus.texts), "passages": len(self.lines)}

    def _text(self, line: Line) -> str:
        return self.corpus.texts[line.doc_id][line.start : line.end]

    def _passage(self, i: int, score: float) -> Passage:
        line = self.lines[i]
        return Passage(
            line.doc_id, line.start, line.end, self._text(line), score, self.corpus.languages[line.doc_id]
        )

    def retrieve(self, question: str, k: int = 10) -> list[Passage]:
        """The ``k`` best lines by BM25; lines sharing no token with the question are left out (ties
        at zero would otherwise be filled in file order, which means nothing)."""
        if self.bm25 is None:
            self.ingest()
        if self.bm25 is None:
            return []
        scores = self.bm25.get_scores(tokenize(question))
        top = sorted(range(len(self.lines)), key=lambda i: -scores[i])[:k]
        # BM25Okapi floors a common token's IDF at a small positive value: a shared token scores > 0
        return [self._passage(i, float(scores[i])) for i in top if scores[i] > 0]

    def ask(self, question: str, history: list[dict[str, str]] | None = None) -> Answer:
        query = standalone_query(question, history)
        hits = self.retrieve(query, k=1)
        if not hits:
            return Answer(NO_MATCH, answered=False, query=query)
        top = hits[0]
        assert self.bm25 is not None
        idf = self.bm25.idf
        wanted = set(tokenize(query))
        text = self.corpus.texts[top.doc_id]

        def weight(span: tuple[int, int]) -> float:
            return sum(idf.get(t, 0.0) for t in wanted & set(tokenize(text[span[0] : span[1]])))

        best = max(sentences(text, top.start, top.end), key=weight)  # max keeps the earliest on ties
        quote = text[best[0] : best[1]]
        cite = Citation(top.doc_id, quote, best[0], best[1], top.language)
        return Answer(quote, answered=True, citations=[cite], query=query)


ingest, retrieve, ask = harness_functions(BM25Baseline)
