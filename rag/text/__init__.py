"""Text helpers shared by both pipelines: transliteration of Greek and Devanagari names into Latin
spelling, and the function words of the question languages. The bottom layer: it may import only
``rag.settings``, ``rag.types`` and third-party libraries, never another stage.
"""
