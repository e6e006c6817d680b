"""The ingest stage: read the documents of the docs folder, find their clean text, cut it into chunks
and sentences (as offsets into the text of record), embed and store them, idempotently; and add uploaded
files to the folder. It may import ``rag.index``, ``rag.text``, ``rag.settings`` and ``rag.types``.
(The package is not named ``ingest``: ``rag.ingest`` is the public function.)
"""
