"""A run's loss history, bounded so that a lecture can play for hours.

At 20 epochs a second a tab plays 144,000 epochs in two hours; a record per
epoch for every tab of a class grew a server's memory by ~10 MB a minute for
100 tabs (bench/soak.py), and the page's loss chart with it. So a history holds
at most ``limit`` records: when one more arrives it keeps every other record
(the newest always among them), halving its resolution and keeping its shape.
``version`` counts the thinnings, so whoever holds a copy (a page) knows to take
the whole history again rather than only the records that came since.
"""

from typing import Generic, TypeVar

Record = TypeVar("Record")

LIMIT = 2000  # records; a chart a few hundred pixels wide shows no more


class History(list[Record], Generic[Record]):
    """A list of records that thins itself past ``limit``."""

    def __init__(self, limit: int = LIMIT) -> None:
        super().__init__()
        self.limit = limit
        self.version = 0

    def append(self, record: Record) -> None:
        super().append(record)
        if len(self) > self.limit:
            self[:] = self[(len(self) - 1) % 2 :: 2]  # the same parity as the newest
            self.version += 1
