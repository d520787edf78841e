"""The presentation layer: how every door (report, add-in, CLI) shows the engine's numbers.

* :mod:`kpis.present.formats` -- number formats and texts by unit and language, one rounding;
* :mod:`kpis.present.views` -- which KPIs each view shows, derived from the registry's sections.
"""
