"""Sample contexts for the example templates (used by the tests and the documentation)."""

from __future__ import annotations

import datetime as dt
import random

import pandas as pd

REPS = ["Alice", "Bruno", "Chloé", "David"]


def placeholders() -> dict:
    return {
        "period_label": "octobre 2026",
        "report_date": dt.date(2026, 10, 31),
        "kpi": {"revenue": 125400.5, "target": 120000, "win_rate": 0.3125, "deals": 1240, "on_target": True,
                "nps": None},
        "comment": None,
        "note": "=HYPERLINK(\"http://example.com\")",
    }


def leaderboard() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Commercial": REPS,
            "CA": [52000.0, 31000.0, 27500.0, 14900.5],
            "Taux": [0.35, 0.28, 0.31, 0.22],
            "Affaires": [12, 9, 8, 5],
        }
    )


def table() -> dict:
    return {"leaderboard": leaderboard(), "source": "suivi_commercial.xlsx"}


def table_filters() -> dict:
    reps = [
        {"rep": "Alice", "revenue": 52000.0, "deals": 12},
        {"rep": "Bruno", "revenue": 31000.0, "deals": 9},
        {"rep": "Chloé", "revenue": 27500.0, "deals": 8},
        {"rep": "David", "revenue": 14900.5, "deals": 5},
        {"rep": "Emma", "revenue": 9100.0, "deals": 3},
    ]
    return {"reps": reps}


def sales(n: int, seed: int = 7) -> pd.DataFrame:
    rnd = random.Random(seed)
    start = dt.date(2026, 10, 1)
    return pd.DataFrame(
        {
            "date": [start + dt.timedelta(days=i % 31) for i in range(n)],
            "commercial": [REPS[i % len(REPS)] for i in range(n)],
            "montant": [round(rnd.uniform(100, 20000), 2) for _ in range(n)],
        }
    )


def growth(n: int = 500) -> dict:
    return {"period_label": "octobre 2026", "sales": sales(n), "threshold": 15000}


def loops() -> dict:
    return {
        "reps": [
            {"name": "Alice", "deals": [{"client": "Acme", "amount": 52000}, {"client": "Globex", "amount": 12000}]},
            {"name": "Bruno", "deals": []},
            {"name": "Chloé", "deals": [{"client": "Initech", "amount": 27500}]},
        ],
        "show_notes": True,
        "notes": "chiffres provisoires",
    }


def sheet_per_rep() -> dict:
    reps = [
        {"name": "Alice", "revenue": 64000, "target": 60000,
         "deals": pd.DataFrame({"client": ["Acme", "Globex"], "montant": [52000, 12000]})},
        {"name": "Bruno/Nord: équipe*1", "revenue": 0, "target": 30000,
         "deals": pd.DataFrame({"client": [], "montant": []})},
        {"name": "Chloé", "revenue": 27500, "target": 40000,
         "deals": pd.DataFrame({"client": ["Initech", "Umbrella", "Hooli"], "montant": [15000, 7500, 5000]})},
    ]
    return {"period_label": "octobre 2026", "reps": reps}


def status() -> dict:
    return {
        "kpi": {"revenue": 125400, "target": 120000, "cycle_days": 41, "previous_cycle_days": 35,
                "alert": "3 affaires sans activité"},
        "reps": pd.DataFrame({"rep": REPS, "revenue": [52000, 31000, 27500, 14900],
                              "target": [45000, 35000, 27500, 20000]}),
    }


def monthly_report() -> dict:
    lb = pd.DataFrame(
        {
            "Commercial": REPS + ["Emma", "Farid", "Gaëlle"],
            "CA": [52000.0, 31000.0, 27500.0, 14900.5, 9100.0, 6400.0, 3100.0],
            "Affaires": [12, 9, 8, 5, 3, 2, 1],
            "Taux": [0.35, 0.28, 0.31, 0.18, 0.22, 0.15, 0.10],
        }
    )
    return {
        "company": "Durand & Fils",
        "period_label": "octobre 2026",
        "report_date": dt.date(2026, 11, 2),
        "kpi": {"revenue": float(lb["CA"].sum()), "target": 150000, "win_rate": 0.287, "won": int(lb["Affaires"].sum())},
        "leaderboard": lb,
    }


def statement_items() -> list[dict]:
    return [
        {"name": "Alice", "lines": [{"affaire": "Acme", "montant": 52000, "commission": 2600},
                                    {"affaire": "Globex", "montant": 12000, "commission": 600}]},
        {"name": "Bruno", "lines": [{"affaire": "Initech", "montant": 27500, "commission": 1375}]},
    ]
