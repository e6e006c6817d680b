"""The Gradio app: chat with the documents, see every citation in its document. A thin layer over ``rag``."""

from __future__ import annotations

import argparse
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import rag
from rag import api
from rag.ingestion.readers import SUFFIXES as READABLE
from rag.settings import Settings
from rag.text.languages import language_name
from rag_ui.render import CSS, answer_markdown, citation_panel, document_view, inert

logger = logging.getLogger(__name__)

EXAMPLES = [
    "What did Hanoi sign with St Petersburg?",
    "Wann unterzeichneten Hanoi und UNDP die Absichtserklärung?",
    "Berapa banyak prosedur administrasi yang diterima antara Juli dan Agustus 2025?",
]
# the answer languages offered, each named in itself (CLDR: "Deutsch", "Indonesia", "Ελληνικά", ...)
LANGUAGES = [
    ("auto (the question's)", ""),
    *((language_name(code, code), code) for code in ("en", "de", "id", "el", "hi", "vi")),
]


def _per_call(base: Settings, language: str, top_k: int) -> Settings:
    return base.model_copy(
        update={"answer_language": language or None, "top_k": int(top_k), "llm_passages": max(1, int(top_k))}
    )


def _doc_reader(settings: Settings) -> Any:
    cache: dict[str, str] = {}

    def read(doc_id: str) -> str:
        if doc_id not in cache:
            cache[doc_id] = rag.document_text(doc_id, settings=settings)
        return cache[doc_id]

    return read


def chat_turn(
    message: str,
    shown: list[dict[str, str]],
    plain: list[dict[str, str]],
    language: str,
    top_k: int,
    base: Settings,
) -> Iterator[tuple[Any, ...]]:
    """One question: stream the verified answer into the chat, then fill the citation panel."""
    s = _per_call(base, language, top_k)
    shown = [*shown, {"role": "user", "content": inert(message)}, {"role": "assistant", "content": "…"}]
    try:
        events = rag.stream(message, history=plain or None, settings=s)
    except ValueError as exc:  # empty, overlong, malformed: a message, not a traceback
        shown[-1] = {"role": "assistant", "content": inert(f"⚠ {exc}")}
        yield shown, plain, "", None, []
        return
    text, answer = "", None
    try:
        for event in events:
            if event.type == "text":
                text += event.text
                shown[-1] = {"role": "assistant", "content": inert(text)}
                yield shown, plain, "<div class='cites empty'>…</div>", None, []
            elif event.type == "done":
                answer = event.answer
    except Exception as exc:  # keep the page alive; the log has the details
        logger.exception("answering failed")
        shown[-1] = {"role": "assistant", "content": inert(f"⚠ could not answer: {exc}")}
        yield shown, plain, "", None, []
        return
    assert answer is not None
    shown[-1] = {
        "role": "assistant",
        "content": answer_markdown(answer.text, answer.degraded, answer.answered),
    }
    plain = [*plain, {"role": "user", "content": message}, {"role": "assistant", "content": answer.text}]
    choices = [f"{i}: {c.doc_id} ({c.language}) {c.start}-{c.end}" for i, c in enumerate(answer.citations)]
    yield shown, plain, citation_panel(answer, _doc_reader(s)), answer, choices


def show_document(choice: str, answer: Any, base: Settings) -> str:
    if not choice or answer is None:
        return ""
    c = answer.citations[int(choice.split(":", 1)[0])]
    return document_view(rag.document_text(c.doc_id, settings=base), c.start, c.end)


def documents_table(base: Settings) -> list[list[Any]]:
    try:
        return [[d.doc_id, d.language, d.chunks] for d in rag.documents(settings=base)]
    except Exception as exc:  # an index that cannot be read: say so in the table
        return [[f"(index unreadable: {exc})", "", 0]]


def build(base: Settings) -> Any:
    import gradio as gr

    with gr.Blocks(title="Ask the documents", analytics_enabled=False) as demo:
        gr.Markdown("## Ask the documents, in any language\nAnswers cite the exact sentences they come from.")
        answer_state = gr.State(None)
        plain_history = gr.State([])
        with gr.Tab("Chat"), gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(label="Conversation", height=460, sanitize_html=True, elem_id="chat")
                question = gr.Textbox(
                    label="Your question",
                    placeholder="Ask in any language",
                    max_length=base.max_question_chars,
                    elem_id="question",
                )
                with gr.Row():
                    ask_btn = gr.Button("Ask", variant="primary", elem_id="ask")
                    clear_btn = gr.Button("New conversation")
                gr.Examples(EXAMPLES, inputs=question)
            with gr.Column(scale=2):
                gr.Markdown("### Citations")
                panel = gr.HTML("<div class='cites empty'>Ask a question.</div>", elem_id="citations")
                picker = gr.Dropdown(label="Show a cited document", choices=[], interactive=True)
                viewer = gr.HTML(elem_id="viewer")
        with gr.Tab("Documents"):
            table = gr.Dataframe(
                headers=["document", "language", "chunks"],
                value=lambda: documents_table(base),
                interactive=False,
            )
            upload = gr.File(
                label="Add documents (.txt, .md, .pdf, .docx, .html)",
                file_count="multiple",
                file_types=list(READABLE),
            )
            with gr.Row():
                add_btn = gr.Button("Add and index")
                reindex_btn = gr.Button("Re-index the folder")
            status = gr.Markdown()
        with gr.Tab("Settings"):
            language = gr.Dropdown(LANGUAGES, value="", label="Answer language")
            top_k = gr.Slider(1, 10, value=base.top_k, step=1, label="Passages to use (top-k)")
            model = base.llm_model or "none: answers are sentences of the documents (offline)"
            gr.Markdown(
                f"**Chat model:** {inert(model)}  \n**Endpoint:** {inert(base.llm_base_url or '-')}  \n"
                f"**Documents:** {inert(str(base.docs_dir))}"
            )

        def turn(message: str, shown: list[Any], plain: list[Any], lang: str, k: float) -> Iterator[Any]:
            for out in chat_turn(message, shown, plain, lang, int(k), base):
                shown_, plain_, panel_, answer_, choices = out
                yield shown_, plain_, panel_, answer_, gr.update(choices=choices, value=None), ""

        outputs = [chatbot, plain_history, panel, answer_state, picker, question]
        inputs = [question, chatbot, plain_history, language, top_k]
        ask_btn.click(turn, inputs, outputs, api_name="ask")
        question.submit(turn, inputs, outputs, api_visibility="private")
        clear_btn.click(
            lambda: ([], [], "", None, gr.update(choices=[], value=None), ""),
            None,
            [chatbot, plain_history, panel, answer_state, picker, viewer],
            api_visibility="private",
        )
        picker.change(
            lambda c, a: show_document(c, a, base), [picker, answer_state], viewer, api_visibility="private"
        )

        # Gradio injects a progress tracker through this default value
        def add(
            files: list[Any] | None,
            progress: Any = gr.Progress(),  # noqa: B008
        ) -> tuple[str, list[list[Any]]]:
            if not files:
                return "Choose files first.", documents_table(base)
            progress(0.1, desc="checking and indexing")
            report = rag.add_documents([Path(getattr(f, "name", f)) for f in files], settings=base)
            lines = [f"added: {inert(n)}" for n in report.added]
            lines += [f"already there: {inert(n)}" for n in report.already_there]
            lines += [f"not added: {inert(why)}" for why in report.refused.values()]
            return "  \n".join(lines) or "Nothing to add.", documents_table(base)

        def reindex(progress: Any = gr.Progress()) -> tuple[str, list[list[Any]]]:  # noqa: B008
            progress(0.1, desc="indexing")
            try:
                r = rag.ingest(settings=base, progress=False)
            except (ValueError, RuntimeError) as exc:
                return inert(f"⚠ {exc}"), documents_table(base)
            msg = (
                f"{len(r.added)} added, {len(r.updated)} updated, {len(r.removed)} removed, "
                f"{len(r.unchanged)} unchanged, {len(r.skipped)} skipped"
            )
            return msg, documents_table(base)

        add_btn.click(add, [upload], [status, table], api_name="add_documents")
        reindex_btn.click(reindex, None, [status, table], api_name="reindex")
    demo.queue(default_concurrency_limit=2, max_size=32)
    return demo


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def login_for(base: Settings, host: str) -> tuple[str, str] | None:
    """The login the UI requires: none on the loopback; off it, RAG_UI_AUTH ("user:password") or a refusal."""
    if host in LOOPBACK:
        return None
    secret = base.ui_auth.get_secret_value() if base.ui_auth else ""
    user, _, password = secret.partition(":")
    if not user or not password:
        raise ValueError(
            f"the UI binds {host}, not only this machine: uploads and re-index are writes, so it needs a "
            "login; set RAG_UI_AUTH=user:password (or bind 127.0.0.1)"
        )
    return user, password


def launch(base: Settings, host: str, port: int, prevent_thread_lock: bool = False) -> Any:
    import gradio as gr

    auth = login_for(base, host)
    if auth:
        logger.warning("the UI binds %s: a login is required (user %r, from RAG_UI_AUTH)", host, auth[0])
    api.ensure_index(base, progress=True)
    demo = build(base)
    demo.launch(
        server_name=host,
        server_port=port,
        auth=auth,
        prevent_thread_lock=prevent_thread_lock,
        theme=gr.themes.Default(font=["system-ui", "sans-serif"], font_mono=["monospace"]),  # no web fonts
        css=CSS,
        allowed_paths=[],
        max_file_size=base.max_file_bytes,
        show_error=False,
        footer_links=[],
        ssr_mode=False,
    )
    return demo


def main(argv: list[str] | None = None) -> int:
    # no telemetry, no update check, before gradio is imported
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    parser = argparse.ArgumentParser(
        prog="python -m rag_ui", description="Chat with the documents in a browser."
    )
    parser.add_argument("--host", default=os.environ.get("RAG_UI_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("RAG_UI_PORT", "7860")))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s %(message)s")
    launch(rag.get_settings(), args.host, args.port)
    return 0
