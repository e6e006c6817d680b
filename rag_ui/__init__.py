"""The Gradio UI: a thin layer over ``rag`` (``python -m rag_ui`` or ``rag ui``)."""
