"""The Gradio UI: a thin layer over ``rag`` (``python -m ui`` or ``rag ui``)."""
