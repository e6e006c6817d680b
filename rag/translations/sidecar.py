"""The translation alignment kept beside an index (``<index>.align.json``): read once per store and
kept in memory; saved at ingest, atomically, through the store's sidecars.

May import: ``rag.index`` (the store), ``rag.translations.groups``.
"""

from __future__ import annotations

import logging
import threading
import weakref

from rag.index.store import Store
from rag.translations.groups import Alignment

logger = logging.getLogger(__name__)

NAME = "align.json"

_LOADED: weakref.WeakKeyDictionary[Store, Alignment] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def alignment(store: Store) -> Alignment:
    """The translation alignment of the documents in ``store``, read once per store.

    None saved yet: an empty alignment. One that cannot be read: empty too, with a warning (the next
    ingest aligns again).
    """
    with _LOCK:
        if store not in _LOADED:
            _LOADED[store] = _read(store)
        return _LOADED[store]


def save_alignment(store: Store, found: Alignment) -> None:
    """Keep ``found`` beside the index; later ``alignment(store)`` calls return it."""
    store.write_sidecar(NAME, found.to_json())
    with _LOCK:
        _LOADED[store] = found


def _read(store: Store) -> Alignment:
    try:
        return Alignment.from_json(store.read_sidecar(NAME))
    except FileNotFoundError:
        return Alignment({}, {})
    except (OSError, ValueError, KeyError, TypeError) as exc:
        path = store.sidecars.path(NAME)
        logger.warning("alignment %s unreadable (%s): translations are not grouped until ingest", path, exc)
        return Alignment({}, {})
