"""Demonstration and test data, not part of the read -> compute -> present -> render flow.

:mod:`kpis.demo.sample` generates a seeded sales team's canonical tables and the tracking workbook
they keep (clean or messed up the way real files are). It builds ``examples/`` (``make examples``),
the sample context of ``kpis template check``, the tests' generated workbooks and the benchmarks'
Excel-limit workbooks. Nothing in the runtime path imports it at start-up.
"""
