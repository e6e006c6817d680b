"""A small OpenAI-compatible embeddings server (``POST /v1/embeddings``) on the loopback, scripted per test.

Each request takes the next step of the script (the last step repeats): hashed bag-of-words vectors
(the hash embedder's, so retrieval works), an HTTP error status, a delay, a wrong dimension, or a
malformed body. ``requests`` keeps every request's JSON body.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from rag.index.embedders.builtin import hashed_vector
from tests.scripted_server import ScriptedHandler, ScriptedServer


@dataclass
class Step:
    status: int = 200
    delay: float = 0.0
    dim: int = 16
    body: str | None = None  # sent as is (a malformed reply)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class FakeEmbeddings(ScriptedServer[Step]):
    script: list[Step] = field(default_factory=lambda: [Step()])

    def texts(self) -> list[str]:
        return [t for r in self.requests for t in r["input"]]

    def start(self) -> FakeEmbeddings:
        self.serve(_Handler)
        return self


class _Handler(ScriptedHandler):
    def do_POST(self) -> None:
        body, step = self.take()
        if step.delay:
            time.sleep(step.delay)
        if step.status != 200:
            error = {"error": {"message": "scripted failure", "type": "server_error"}}
            self.send_json(step.status, json.dumps(error), step.headers)
        elif step.body is not None:
            self.send_json(200, step.body, step.headers)
        else:
            texts = [body["input"]] if isinstance(body["input"], str) else body["input"]
            data = [
                {"object": "embedding", "index": i, "embedding": hashed_vector(t, step.dim).tolist()}
                for i, t in enumerate(texts)
            ]
            reply: dict[str, Any] = {"object": "list", "data": data, "model": body.get("model"), "usage": {}}
            self.send_json(200, json.dumps(reply), step.headers)
