"""Pipeline history: dated snapshots of the deals (:mod:`.store`), what moved between two of them
(:mod:`.movement`) and the deals to watch (:mod:`.alerts`). Documented in ``docs/history.md``."""

