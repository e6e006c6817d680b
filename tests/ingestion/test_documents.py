from pathlib import Path

import pytest

from rag.ingestion.chunking import chunk_document
from rag.ingestion.documents import DocumentError, detect_language, find_segments, is_junk_line, load_document
from rag.text.sentences import split_sentences

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.mark.parametrize(
    "line",
    [
        "![]() |",
        "Kommentar (0)",
        "Komentar (0)",
        "Quelle: https://mst.gov.vn/x.htm",
        "Πηγή: https://a.b/c",
        "   ",
        "|",
    ],
)
def test_layout_junk_lines_are_recognised(line):
    assert is_junk_line(line)


@pytest.mark.parametrize(
    "line", ["Am 6. März 2025 unterzeichneten ...", "Hanoi (UNDP) 2025", "- Vielen Dank!"]
)
def test_prose_lines_are_kept(line):
    assert not is_junk_line(line)


def test_segments_drop_junk_and_trim_bullets_and_pipes():
    text = "- Frage eins?\n![]() |\nHerr X, Vorsitzender |\nQuelle: https://x.y/z\n\nKommentar (0)"
    segments, after_junk = find_segments(text)
    assert [text[s:e] for s, e in segments] == ["Frage eins?", "Herr X, Vorsitzender"]
    assert after_junk == {1}


def test_german_ordinals_and_abbreviations_do_not_split_sentences():
    text = "Am 15. Mai 2025 erließ der Ausschuss den Beschluss Nr. 8602-QD/TU. Dies ist wichtig."
    spans = split_sentences(text, 0, len(text))
    assert [text[s.start : s.end] for s in spans] == [
        "Am 15. Mai 2025 erließ der Ausschuss den Beschluss Nr. 8602-QD/TU.",
        "Dies ist wichtig.",
    ]


def test_hindi_danda_splits_sentences():
    text = "हनोई ने समझौता किया। यह महत्वपूर्ण है।"
    assert len(split_sentences(text, 0, len(text))) == 2


@pytest.mark.parametrize("name", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_every_chunk_and_sentence_of_the_seeds_reproduces_its_text(name):
    doc = load_document(SEEDS / name, name, 10**8)
    raw = (SEEDS / name).read_bytes().decode("utf-8")
    assert doc.text == raw
    chunks = chunk_document(doc, 1200, 60)
    assert chunks
    for c in chunks:
        assert c.start == c.sentences[0].start and c.end == c.sentences[-1].end
        for s in c.sentences:
            piece = raw[s.start : s.end]
            assert piece == piece.strip() and piece
            assert "![]()" not in piece and "Kommentar (0)" not in piece and "https://" not in piece


def test_seed_languages_are_detected_not_hard_coded():
    langs = {p.name[:3]: load_document(p, p.name, 10**8).language for p in SEEDS.glob("*.txt")}
    assert langs == {"000": "de", "001": "id", "002": "el", "003": "hi", "004": "de"}
    assert detect_language("Hà Nội đã ký kết thỏa thuận hợp tác với thành phố") == "vi"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"  \n\n", "empty"),
        (b"PK\x03\x04\x00\x00binary", "binary"),
        ("Grüße aus München".encode("latin-1"), "not valid UTF-8"),
        (b"![]() |\nKommentar (0)\n", "no prose"),
    ],
)
def test_unreadable_files_raise_a_message_naming_the_file(tmp_path, content, message):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    with pytest.raises(DocumentError, match=message) as err:
        load_document(p, "bad.txt", 10**6)
    assert "bad.txt" in str(err.value)
