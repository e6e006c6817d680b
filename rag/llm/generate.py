"""Answers written by a chat model from the retrieved passages, checked sentence by sentence.

The model writes; the project decides what is cited (verify.py). Streaming is by sentence: a
sentence is shown once it is complete and supported, so nothing unverified ever reaches the user.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np

from rag.answer.cite import cite_group, with_marker, with_notes
from rag.index.embedders import get_embedder
from rag.llm import client as llm
from rag.llm.prompts import (
    ANSWER_SYSTEM,
    ANSWER_USER,
    CONDENSE_SYSTEM,
    CONDENSE_USER,
    LANGUAGE_REMINDER,
    NO_ANSWER,
    PASSAGE,
)
from rag.llm.verify import Claim, split_claims, verify_claims
from rag.retrieval.candidates import Candidate
from rag.settings import Settings
from rag.text.langid import detect_language
from rag.text.languages import QUESTION_LANGUAGES, language_name
from rag.text.phrases import NOT_IN_DOCUMENTS
from rag.text.sentences import split_sentences
from rag.translations.align import Alignment
from rag.types import Answer, Citation

logger = logging.getLogger(__name__)


@dataclass
class Prompt:
    messages: list[dict[str, str]]
    groups: list[Candidate]  # passage k of the prompt is groups[k - 1]
    language: str
    alignment: Alignment  # for citing the translations of a supporting sentence


def _shown(group: Candidate, language: str) -> Candidate:
    """The translation of a group to show the model: the question's language when there is one."""
    return next((c for c in [group, *group.members] if c.language == language), group)


def build_prompt(question: str, language: str, groups: list[Candidate], alignment: Alignment) -> Prompt:
    lines = []
    for n, group in enumerate(groups, start=1):
        shown = _shown(group, language)
        others = sorted({c.language for c in [group, *group.members]} - {shown.language})
        also = f"; also in {', '.join(others)}" if others else ""
        lines.append(
            PASSAGE.format(n=n, language=shown.language, also=also, text=" ".join(shown.text.split()))
        )
    messages = [
        {"role": "system", "content": ANSWER_SYSTEM.format(language=language_name(language))},
        {"role": "user", "content": ANSWER_USER.format(passages="\n".join(lines), question=question)},
    ]
    return Prompt(messages, groups, language, alignment)


def condense(question: str, history: list[dict[str, str]], settings: Settings) -> str:
    """A standalone version of a follow-up question, written by the model. Raises LLMError."""
    turns = "\n".join(f"{m['role']}: {' '.join(m['content'].split())[:500]}" for m in history[-6:])
    reply = llm.chat(
        [
            {"role": "system", "content": CONDENSE_SYSTEM},
            {"role": "user", "content": CONDENSE_USER.format(history=turns, question=question)},
        ],
        settings,
    )
    standalone = " ".join(reply.split())[: settings.max_question_chars]
    if not standalone:
        raise llm.LLMError("empty rewrite")
    return standalone


def is_refusal(reply: str) -> bool:
    return NO_ANSWER.lower().replace("_", "") in reply.lower().replace("_", "").replace(" ", "")


class Assembler:
    """Turns verified claims into the answer text and its citations, numbering cited sentences."""

    def __init__(self, prompt: Prompt, means: dict[str, np.ndarray], settings: Settings) -> None:
        self.prompt, self.means, self.settings = prompt, means, settings
        self.citations: list[Citation] = []
        self.numbers: dict[tuple[str, int], int] = {}
        self.parts: list[str] = []
        self.unsupported: list[str] = []
        self.dropped_markers = 0
        self.embedder = get_embedder(settings)

    def add(self, claims: list[Claim]) -> str:
        """Verify ``claims``, keep the supported ones; returns the text they add to the answer."""
        if not claims:
            return ""
        vecs = self.embedder.embed_queries([c.text for c in claims])
        verify_claims(
            claims,
            self.prompt.groups,
            vecs,
            self.embedder.embed_queries,
            self.means,
            self.settings.decision("claim_min_score"),
            self.settings.decision("claim_term_margin"),
        )
        added = []
        for claim in claims:
            self.dropped_markers += claim.dropped_markers
            if claim.support is None:
                logger.info("dropped an unsupported sentence (%s): %s", claim.reason, claim.text[:120])
                self.unsupported.append(claim.text)
                continue
            chunk, i = claim.support
            key = (chunk.chunk_id, i)
            if key not in self.numbers:
                self.numbers[key] = len(self.numbers) + 1
                pool = [c for g in self.prompt.groups for c in (g, *g.members)]
                self.citations.extend(cite_group(chunk, i, pool, self.prompt.alignment, self.prompt.language))
            piece = with_marker(claim.text, self.numbers[key])
            self.parts.append(piece)
            added.append(piece)
        return " ".join(added)

    def answer(self, query: str) -> Answer:
        if not self.parts:
            text = NOT_IN_DOCUMENTS.get(self.prompt.language, NOT_IN_DOCUMENTS["en"])
            return Answer(
                text=text,
                answered=False,
                query=query,
                unsupported=self.unsupported,
                dropped_markers=self.dropped_markers,
            )
        answer = Answer(
            text=" ".join(self.parts),
            answered=True,
            citations=self.citations,
            query=query,
            unsupported=self.unsupported,
            dropped_markers=self.dropped_markers,
        )
        return with_notes(answer, self.prompt.alignment, self.prompt.language)


def _wrong_language(text: str, language: str) -> bool:
    """Whether a reply of some length is plainly in another language than asked."""
    if len(text) < 40 or language not in QUESTION_LANGUAGES:
        return False
    return detect_language(text) != language


def _verified(
    reply: str, query: str, prompt: Prompt, means: dict[str, np.ndarray], settings: Settings
) -> Answer:
    asm = Assembler(prompt, means, settings)
    if not is_refusal(reply):
        asm.add(split_claims(reply, len(prompt.groups)))
    return asm.answer(query)


def llm_answer(
    question: str, query: str, prompt: Prompt, means: dict[str, np.ndarray], settings: Settings
) -> Answer:
    """Ask the model, verify its answer. Raises LLMError when the model fails."""
    reply = llm.chat(prompt.messages, settings)
    logger.debug("model reply: %s", reply)
    answer = _verified(reply, query, prompt, means, settings)
    if not answer.answered or not _wrong_language(reply, prompt.language):
        return answer
    logger.info("the model answered in another language than %s; asking again", prompt.language)
    reminder = LANGUAGE_REMINDER.format(language=language_name(prompt.language))
    messages = [
        *prompt.messages,
        {"role": "assistant", "content": reply},
        {"role": "user", "content": reminder},
    ]
    try:
        again = llm.chat(messages, settings)
    except llm.LLMError as exc:
        logger.info("asking again failed (%s); keeping the first answer", exc.cause)
        return answer
    logger.debug("model reply, asked again: %s", again)
    second = _verified(again, query, prompt, means, settings)
    # a small model asked again sometimes refuses: a verified answer in another language is better
    return second if second.answered else answer


def stream_llm_answer(
    question: str, query: str, prompt: Prompt, means: dict[str, np.ndarray], settings: Settings
) -> Iterator[str | Answer]:
    """Verified text pieces as the model writes them, then the Answer. Raises LLMError.

    A sentence is held back until the next one starts (only then is it known to be complete),
    verified, and shown or dropped.
    """
    asm = Assembler(prompt, means, settings)
    buffer = ""
    try:
        for delta in llm.stream_chat(prompt.messages, settings):
            buffer += delta
            spans = split_sentences(buffer, 0, len(buffer))
            if len(spans) < 2 or is_refusal(buffer):
                continue
            done = buffer[: spans[-1].start]
            buffer = buffer[spans[-1].start :]
            piece = asm.add(split_claims(done, len(prompt.groups)))
            if piece:
                yield piece + " "
    except llm.LLMError as exc:
        if not asm.parts:
            raise
        # part of the answer is out and verified: keep it, say the rest is missing
        logger.warning("chat model failed mid-answer (%s): keeping the verified part", exc.cause)
        yield replace(asm.answer(query), degraded=True)
        return
    if not is_refusal(buffer):
        piece = asm.add(split_claims(buffer, len(prompt.groups)))
        if piece:
            yield piece
    yield asm.answer(query)
