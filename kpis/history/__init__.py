"""Pipeline history: dated snapshots of the deals (:mod:`.store`), what moved between two of them
(:mod:`.movement`) and the deals to watch (:mod:`.alerts`). Documented in ``docs/history.md``."""

from . import messages  # noqa: F401  (registers the texts)
