"""Bounded per-process caches of what never changes once published.

Each cache belongs to the app (one per worker process), holds at most the number of entries
its setting names, least recently used out first (0 keeps nothing), and is safe to share
between a worker's threads. What goes in must be immutable and keyed so that changed content
gets a new key: nothing here is ever invalidated, entries only fall out.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import current_app


class ProcessCache:
    """A bounded least-recently-used map, safe to share between a worker's threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[Hashable, object] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Hashable):
        with self.lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
            return found

    def put(self, key: Hashable, value) -> None:
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def get_or_read(self, key: Hashable | None, read: Callable[[], object]):
        """The value cached under ``key``, else ``read()``, kept; ``key`` None: never kept."""
        if key is None:
            return read()
        found = self.get(key)
        if found is None:
            found = read()
            self.put(key, found)
        return found

    def get_many(self, wanted: dict, read: Callable[[list], dict]) -> dict:
        """Values by id for ``wanted`` (id -> cache key, None for one never kept): those not
        cached come from one call of ``read(ids)``, which returns them by id."""
        found = {}
        missing = []
        for item_id, key in wanted.items():
            value = self.get(key) if key is not None else None
            if value is None:
                missing.append(item_id)
            else:
                found[item_id] = value
        if missing:
            for item_id, value in read(missing).items():
                found[item_id] = value
                if wanted[item_id] is not None:
                    self.put(wanted[item_id], value)
        return found


def process_cache(name: str, size_setting: str) -> ProcessCache:
    """The current app's cache called ``name``, sized by the setting ``size_setting``."""
    key = f"elearn_cache_{name}"
    cache = current_app.extensions.get(key)
    if cache is None:
        cache = ProcessCache(current_app.config[size_setting])
        current_app.extensions[key] = cache
    return cache
