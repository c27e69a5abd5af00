"""Figures that a higher app keeps rolled up per node, offered to a lower app's page without the lower app knowing it.

The apps run orgs ← campaign ← evaluations ← awards ← dashboards (accountability and masswork under dashboards):
a page of a lower app whose figures cost a count of millions of rows at the province root may read them from the
dashboards' snapshot, which holds them per node and is brought up to date every 30 seconds. The lower app owns a
``RollupSlot``; the higher app registers a source in it from its ``AppConfig.ready()``::

    coverage_sources.register("dashboards", lambda campaign, node: RolledUpCounts(...) or None)

A source answers for a whole subtree or returns None (no figures of that kind: then the page counts exactly). What
it answers is shown with the moment it was read ("数据截至 …"), never as an exact count.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RolledUpCounts:
    """Counts as a source read them, and what the page says about them: ``as_of`` (e.g. "数据截至 10:15:02") and
    ``warning`` (plain words when the source has not been updated for too long; "" otherwise)."""

    counts: dict
    as_of: str
    warning: str = ""


class RollupSlot:
    """The sources registered for one kind of figures, asked in registration order; the first answer counts.
    A name is registered once (re-running ready() is harmless)."""

    def __init__(self) -> None:
        self._sources: dict[str, Callable] = {}

    def register(self, name: str, source: Callable) -> None:
        self._sources[name] = source

    def counts(self, *args) -> RolledUpCounts | None:
        for source in self._sources.values():
            found = source(*args)
            if found is not None:
                return found
        return None
