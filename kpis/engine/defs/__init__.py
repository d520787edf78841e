"""The KPI declarations of ``kpis.md``, one module per section of the catalogue."""
