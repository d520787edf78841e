"""The Excel doors onto the core: ribbon/sheet-button scripts, functions in cells, the add-in build.

Nothing here computes a KPI: argument conversion and sheet writing only. Importing ``kpis.xl``
does not import xlwings; ``kpis.xl.scripts`` and ``kpis.xl.udfs`` do, and only they.
"""
