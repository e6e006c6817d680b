"""Text helpers shared by both pipelines: the one fold and control-character cleaning (normalise), the
one number reader (numbers), month and day names (calendar) and language names (languages) from CLDR
(cldr), language identification (langid), sentences, question terms and words, transliteration of
Greek and Devanagari names into Latin spelling, and the function words of the question languages. The
bottom layer: it may import only ``rag.settings``, ``rag.types`` and third-party libraries, never
another stage.
"""
