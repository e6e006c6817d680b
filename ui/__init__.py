"""The Gradio UI (a thin layer over ``rag``): not built yet, see the UI issue."""
