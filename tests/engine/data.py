"""Small hand-built canonical tables (October 2026 and around) with known answers.

Every expected value in the tests is worked out by hand from these rows (the arithmetic is written
in the tests' comments). Change a row here and the comments there must be redone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpis.dataset import Dataset

NA = np.nan


def _dates(values, fmt="mixed"):
    return pd.to_datetime(pd.Series(values, dtype=object), format=fmt)


def deals() -> pd.DataFrame:
    rows = [
        # id   account  cust   rep      stage           status  amount cost  created       close                 expected      prob source   product loc      type          lost    list   comp   proposal      demo
        ("D1", "Acme", "C1", "Alice", "Gagné", "won", 1000, 600, "2026-09-01", "2026-10-01", None, NA, "Web", "A", "Paris", "new", None, 1250, 1000, "2026-09-20", "2026-09-15"),
        ("D2", "Bolt", "C2", "Bruno", "Signé", "won", 3000, NA, "2026-10-02", "2026-10-31 18:30", "2026-10-30", 0.6, "Salon", "B", "Lyon", "upsell", None, NA, 2500, "2026-10-10", "2026-10-05"),
        ("D3", "Cora", "C3", "Alice", "Gagné", "won", 2000, 1500, "2026-08-01", "2026-10-15", None, NA, "Web", "A", "Paris", "cross_sell", None, 2000, NA, "2026-10-01", None),
        ("D4", "Dune", "C4", "Bruno", "Perdu", "lost", 1500, NA, "2026-09-10", "2026-10-20", "2026-10-18", 0.5, "Web", "B", "Lyon", "new", "Prix", NA, NA, "2026-10-05", None),
        ("D5", "Eden", "C5", "Alice", "Perdu", "lost", 800, NA, "2026-10-03", "2026-10-25", None, NA, "Salon", "A", "Paris", "new", "Prix", NA, NA, None, None),
        ("D6", "Fjord", "C6", "Bruno", "Perdu", "lost", 500, NA, "2026-07-01", "2026-10-28", "2026-11-10", NA, "Web", "B", "Lyon", "new", None, NA, NA, None, None),
        ("D7", "Gala", None, "Alice", "Gagné", "won", 4000, NA, "2026-09-01", "2026-09-30", None, NA, "Web", "A", "Paris", "new", None, NA, NA, None, None),
        ("D8", "Hélio", "C8", "Alice", "Gagné", "won", 700, NA, "2026-10-20", "2026-11-01", "2026-10-25", 0.9, "Web", "A", "Paris", "new", None, NA, NA, None, None),
        ("D9", "Iris", "C1", "Alice", "Proposition", "open", 5000, NA, "2026-09-15", None, "2026-11-15", 0.4, "Web", "A", "Paris", "upsell", None, NA, NA, None, None),
        ("D10", "Jade", "C8", "Bruno", "Négociation", "open", 2000, NA, "2026-10-10", None, "2026-11-30", NA, "Salon", "B", "Lyon", "new", None, NA, NA, None, None),
        ("D11", "Kilo", None, "Bruno", "Étape bizarre", "open", 1000, NA, "2026-10-12", None, "2026-12-05", NA, "Web", "B", "Lyon", "new", None, NA, NA, None, None),
        ("D12", "Lima", None, "Alice", "Prospection", "open", 3000, NA, "2026-11-05", None, "2026-11-20", NA, "Web", "A", "Paris", "new", None, NA, NA, None, None),
        ("D13", "Mono", None, "Alice", "Perdu", "lost", 900, NA, "2026-06-01", "2026-09-10", None, NA, "Web", "A", "Paris", "new", "Délai", NA, NA, None, None),
        ("D14", "Acme", "C1", "Alice", "Gagné", "won", 500, NA, "2026-01-10", "2026-02-10", None, NA, "Web", "A", "Paris", "renewal", None, NA, NA, None, None),
        ("D15", "Gala", None, "Alice", "Gagné", "won", 300, NA, "2025-10-01", "2025-11-01", None, NA, "Web", "A", "Paris", "new", None, NA, NA, None, None),
        ("D16", "Bolt", "C2", "Bruno", "Gagné", "won", 400, NA, "2025-09-01", "2025-10-31", None, NA, "Salon", "B", "Lyon", "new", None, NA, NA, None, None),
    ]
    cols = ["deal_id", "account", "customer_id", "rep", "stage", "status", "amount", "cost", "created_date", "close_date",
            "expected_close_date", "probability", "source", "product", "location", "deal_type", "lost_reason", "list_price",
            "competitor_price", "proposal_date", "demo_date"]
    df = pd.DataFrame(rows, columns=cols)
    for c in ("created_date", "close_date", "expected_close_date", "proposal_date", "demo_date"):
        df[c] = _dates(df[c])
    for c in ("amount", "cost", "probability", "list_price", "competitor_price"):
        df[c] = df[c].astype("float64")
    return df


def activities() -> pd.DataFrame:
    rows = [
        ("2026-10-01", "Alice", "call", "done", "D1", None, "C1"),  # A1
        ("2026-10-02 08:15", "Alice", "email", "done", "D1", None, None),  # A2 (a date-time)
        ("2026-10-05", "Bruno", "meeting", "done", "D2", None, "C2"),  # A3
        ("2026-10-06", "Bruno", "meeting", "canceled", None, "L1", None),  # A4
        ("2026-10-07", "Alice", "meeting", "postponed", None, None, "C1"),  # A5
        ("2026-10-08", "Alice", "meeting", "done", None, None, "C3"),  # A6
        ("2026-10-10", "Bruno", "demo", "done", "D2", None, None),  # A7
        ("2026-10-12", "Alice", "demo", "done", "D9", None, None),  # A8
        ("2026-10-31", "Alice", "visit", "done", None, None, "C1"),  # A9 (last day)
        ("2026-09-20", "Alice", "call", "done", "D3", None, None),  # A10 (September)
        ("2026-11-01", "Bruno", "call", "done", "D2", None, None),  # A11 (November)
        ("2026-10-15", "Bruno", "call", "no_answer", None, None, None),  # A12
        ("2026-10-20", "Alice", "email", "done", None, None, "C9"),  # A13 (customer long gone)
        ("2026-10-14", "Bruno", "demo", "scheduled", None, "L2", None),  # A14
    ]
    df = pd.DataFrame(rows, columns=["date", "rep", "type", "outcome", "deal_id", "lead_id", "customer_id"])
    df["date"] = _dates(df["date"])
    return df


def leads() -> pd.DataFrame:
    rows = [
        # id   created              source   rep     stage           mql           sql           opp           customer      first_contact        response    meeting
        ("L1", "2026-10-01 09:00", "Web", "Bruno", "mql", "2026-10-03", None, None, None, "2026-10-01 13:00", "positive", "2026-10-06"),
        ("L2", "2026-10-02 10:00", "Salon", "Bruno", "customer", "2026-10-04", "2026-10-06", "2026-10-08", "2026-10-20", "2026-10-03 10:00", "positive", "2026-10-07"),
        ("L3", "2026-10-10 08:00", "Web", "Alice", "sql", None, "2026-10-15", None, None, "2026-10-10 10:00", "negative", None),
        ("L4", "2026-10-31 23:30", "Web", "Alice", "lead", None, None, None, None, None, None, None),
        ("L5", "2026-09-25 12:00", "Salon", "Alice", "customer", "2026-09-28", "2026-10-02", "2026-10-09", "2026-11-03", "2026-10-01 12:00", "empty", None),
        ("L6", "2026-11-01 00:00", "Web", "Alice", "lead", None, None, None, None, None, None, None),
        ("L7", "2026-10-15 09:00", "Web", "Bruno", "disqualified", "2026-10-16", None, None, None, "2026-10-15 08:00", "negative", None),
        ("L8", "2026-08-01 09:00", "Web", "Alice", "customer", "2026-08-05", "2026-08-10", "2026-09-01", "2026-10-05", "2026-08-01 15:00", "positive", "2026-08-03"),
    ]
    cols = ["lead_id", "created_at", "source", "rep", "stage", "mql_date", "sql_date", "opportunity_date", "customer_date",
            "first_contact_at", "response", "meeting_date"]
    df = pd.DataFrame(rows, columns=cols)
    for c in ("created_at", "mql_date", "sql_date", "opportunity_date", "customer_date", "first_contact_at", "meeting_date"):
        df[c] = _dates(df[c])
    return df


def customers() -> pd.DataFrame:
    rows = [
        ("C1", "Acme", "2025-01-10", None, 100, "PME", "Paris", "Web", "Alice"),
        ("C2", "Bolt", "2026-10-05", None, 300, "ETI", "Lyon", "Recommandation client", "Bruno"),
        ("C3", "Cora", "2024-06-01", "2026-10-20", 200, "PME", "Paris", "Salon", "Alice"),
        ("C4", "Dune", "2025-03-01", "2026-10-01", 150, "ETI", "Lyon", "Web", "Bruno"),
        ("C5", "Eden", "2026-10-01", "2026-10-31", 50, "PME", "Paris", "Web", "Alice"),
        ("C6", "Fjord", "2025-09-01", "2026-09-30", 120, "PME", "Lyon", "Web", "Bruno"),
        ("C7", "Gala", "2026-11-02", None, 80, "PME", "Paris", "Web", "Alice"),
        ("C8", "Hélio", "2025-12-01", None, 250, "ETI", "Lyon", "Salon", "Bruno"),
        ("C9", "Mono", "2024-01-01", "2026-03-31", 90, "PME", "Paris", "Web", "Alice"),
    ]
    df = pd.DataFrame(rows, columns=["customer_id", "name", "start_date", "end_date", "mrr", "segment", "location", "source", "rep"])
    df["start_date"] = _dates(df["start_date"])
    df["end_date"] = _dates(df["end_date"])
    df["mrr"] = df["mrr"].astype("float64")
    return df


def targets() -> pd.DataFrame:
    rows = [("Alice", "2026-09-01", 8000), ("Bruno", "2026-09-01", 4000),
            ("Alice", "2026-10-01", 10000), ("Bruno", "2026-10-01", 4000),
            ("Alice", "2026-11-01", 10000), ("Bruno", "2026-11-01", 4000)]
    df = pd.DataFrame(rows, columns=["rep", "period", "quota"])
    df["period"] = _dates(df["period"])
    df["quota"] = df["quota"].astype("float64")
    return df


def spend() -> pd.DataFrame:
    rows = [("2026-10-01", "Web", "marketing", 600), ("2026-10-01", "Salon", "marketing", 400),
            ("2026-10-01", None, "sales", 1000), ("2026-09-01", "Web", "marketing", 500)]
    df = pd.DataFrame(rows, columns=["period", "channel", "category", "amount"])
    df["period"] = _dates(df["period"])
    df["amount"] = df["amount"].astype("float64")
    return df


def surveys() -> pd.DataFrame:
    rows = [("2026-10-01", "C1", 10, 5), ("2026-10-05", "C2", 9, 4), ("2026-10-10", "C3", 9, 3),
            ("2026-10-20", "C8", 3, 2), ("2026-10-31", "C1", 6, NA), ("2026-09-30", "C1", 0, 1)]
    df = pd.DataFrame(rows, columns=["date", "customer_id", "score", "csat"])
    df["date"] = _dates(df["date"])
    df[["score", "csat"]] = df[["score", "csat"]].astype("float64")
    return df


def team() -> pd.DataFrame:
    rows = [("Alice", "AE", "Nord", "Paris", "Emma", "2024-01-01", None),
            ("Bruno", "AE", "Sud", "Lyon", "Emma", "2026-10-16", None),
            ("Chloé", "SDR", "Nord", "Paris", "Emma", "2025-01-01", "2026-10-10"),
            ("David", "SDR", "Sud", "Lyon", "Emma", "2025-05-01", "2026-09-30"),
            ("Emma", "manager", "Nord", "Paris", None, None, None)]
    df = pd.DataFrame(rows, columns=["rep", "role", "team", "location", "manager", "hire_date", "leave_date"])
    df["hire_date"] = _dates(df["hire_date"])
    df["leave_date"] = _dates(df["leave_date"])
    return df


def employee_surveys() -> pd.DataFrame:
    rows = [("2026-10-05", "Alice", 9), ("2026-10-06", "Bruno", 10), ("2026-10-07", "Emma", 5), ("2026-09-01", "Alice", 2)]
    df = pd.DataFrame(rows, columns=["date", "rep", "score"])
    df["date"] = _dates(df["date"])
    df["score"] = df["score"].astype("float64")
    return df


def splits() -> pd.DataFrame:
    return pd.DataFrame({"deal_id": ["D3", "D3"], "rep": ["Alice", "Bruno"], "share": [0.75, 0.25]})


def tables() -> dict[str, pd.DataFrame]:
    return {
        "deals": deals(), "activities": activities(), "leads": leads(), "customers": customers(),
        "targets": targets(), "spend": spend(), "surveys": surveys(), "team": team(),
        "employee_surveys": employee_surveys(), "splits": splits(),
    }


def dataset(**overrides) -> Dataset:
    """The whole canonical dataset; ``overrides`` replace (or, with None, remove) tables."""
    t = tables()
    for k, v in overrides.items():
        if v is None:
            t.pop(k, None)
        else:
            t[k] = v
    return Dataset.from_frames(**t)
