"""A small thread-safe least-recently-used cache: the analyses, map layouts and live catalog pages keep a few."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class LRU(Generic[V]):
    """At most ``size`` values by key; the oldest used goes first.

    >>> cache: LRU[int] = LRU(2)
    >>> cache.get_or_make("a", lambda: 1), cache.get_or_make("a", lambda: 2)
    (1, 1)
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(self, key: Hashable, make: Callable[[], V]) -> V:
        """The cached value, or ``make()`` (run outside the lock: two callers may both make it once)."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        made = make()
        with self._lock:
            self._items[key] = made
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return made
