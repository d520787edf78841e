"""kpis — sales KPIs inside Excel.

read (workbook → canonical tables + data-quality report) → compute (pure functions over DataFrames)
→ render (Excel templates → sheets and report workbooks). The CLI, the add-in and the UDFs are thin
doors onto this core.
"""

__version__ = "0.1.0"
