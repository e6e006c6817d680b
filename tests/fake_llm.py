"""A small OpenAI-compatible chat-completions server on the loopback, scripted per test.

Each request takes the next step of the script (the last step repeats): a reply text, an HTTP
error status, a delay (a hang), or a malformed body. Streaming requests get server-sent events.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from tests.scripted_server import ScriptedHandler, ScriptedServer


@dataclass
class Step:
    text: str = ""
    status: int = 200
    delay: float = 0.0
    malformed: bool = False
    chunk_chars: int = 12  # how much text per streamed event


@dataclass
class FakeLLM(ScriptedServer[Step]):
    def start(self) -> FakeLLM:
        self.serve(_Handler)
        return self


class _Handler(ScriptedHandler):
    def do_POST(self) -> None:
        body, step = self.take()
        if step.delay:
            time.sleep(step.delay)
        if step.status != 200:
            self.send_json(step.status, json.dumps({"error": {"message": "scripted failure", "type": "x"}}))
        elif step.malformed:
            self.send_json(200, "{not json")
        elif body.get("stream"):
            self._stream(step)
        else:
            self.send_json(200, json.dumps(_completion(step.text)))

    def _stream(self, step: Step) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        pieces = [step.text[i : i + step.chunk_chars] for i in range(0, len(step.text), step.chunk_chars)]
        for piece in pieces:
            self._chunk(f"data: {json.dumps(_delta(piece))}\n\n")
        self._chunk(f"data: {json.dumps(_delta('', finish=True))}\n\n")
        self._chunk("data: [DONE]\n\n")
        self.wfile.write(b"0\r\n\r\n")

    def _chunk(self, text: str) -> None:
        data = text.encode()
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()


def _completion(text: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 0,
        "model": "scripted",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _delta(text: str, finish: bool = False) -> dict[str, Any]:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "scripted",
        "choices": [
            {
                "index": 0,
                "delta": {"content": text} if text else {},
                "finish_reason": "stop" if finish else None,
            }
        ],
    }
