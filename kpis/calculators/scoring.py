"""Lead and customer scoring: a 0-100 score from configurable rules, a hot / warm / cold band, ranked.

Each rule gives a number of points between 0 and its maximum; the score is the share of the maximum
reached, on 0-100::

    score = 100 × Σ points / Σ maximum points of the rules that could be computed

A rule whose input the workbook lacks (no activities table, no ``leads.response`` column...) is left out
of *both* sums and named in ``Scores.skipped``: the other rules still rank the rows, on 100. Points of
each rule are shown in their own column (``<rule>_points``), so every score can be checked by hand.

Rule kinds:

* ``map`` -- points per value of a field (``stage``, ``response``, any other field with ``field =``);
  values not listed score 0; the maximum is the largest value listed.
* ``ladder`` -- ``points × min(1, x / full_at)`` for a count or an amount ``x`` (engagement =
  activities in the last ``days`` days, purchases = won deals in the last 12 months, amount = Σ won
  amount in the last 12 months, mrr). ``full_at`` is a number, or ``"p90"`` (the default for money): the
  90th percentile of ``x`` among the rows scored, so the top tenth get full points.
* ``recency`` -- points by days since the last touch (the latest activity, contact, meeting or
  purchase date on or before the as-of date): ``steps = [[7, 25], [30, 15], [90, 5]]`` gives 25 points
  within 7 days, 15 within 30, 5 within 90, else 0.
* ``flag`` -- ``points`` when a date field is filled (lead meeting booked).

Which rows: leads not in an excluded stage (default: ``customer``, ``disqualified``) created on or
before the as-of date; customers active at the as-of date (``start_date ≤ as_of``, no ``end_date`` on
or before it). The as-of date is the given date (a period's end), else the data's reference date
(:func:`kpis.engine.reference_date`, the latest recorded fact -- never "today": the same workbook
always gives the same scores). Activities and dates after the as-of date are ignored, except that a
booked meeting counts for the ``meeting`` flag. Bands: ``score ≥ hot`` (70) is hot,
``≥ warm`` (40) warm, else cold. Rank 1 = best; ties share the rank.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, TypeGuard

import numpy as np
import pandas as pd

from ..config import Config, ConfigError
from ..dataset import Dataset
from .errors import CalculatorError

Entity = Literal["leads", "customers"]

DEFAULT_RULES: dict[str, dict[str, dict[str, Any]]] = {
    "leads": {
        "stage": {"kind": "map", "field": "stage", "points": {"lead": 0, "mql": 10, "sql": 20, "opportunity": 30}},
        "response": {"kind": "map", "field": "response", "points": {"positive": 15, "empty": 0, "negative": 0}},
        "meeting": {"kind": "flag", "field": "meeting_date", "points": 10},
        "engagement": {"kind": "ladder", "measure": "activities", "points": 20, "full_at": 5, "days": 90},
        "recency": {"kind": "recency", "steps": [[7, 25], [30, 15], [90, 5]]},
    },
    "customers": {
        "purchases": {"kind": "ladder", "measure": "purchases", "points": 25, "full_at": 3, "days": 365},
        "amount": {"kind": "ladder", "measure": "amount", "points": 25, "full_at": "p90", "days": 365},
        "mrr": {"kind": "ladder", "measure": "mrr", "points": 10, "full_at": "p90"},
        "engagement": {"kind": "ladder", "measure": "activities", "points": 20, "full_at": 5, "days": 90},
        "recency": {"kind": "recency", "steps": [[30, 20], [90, 10], [180, 5]]},
    },
}
DEFAULT_EXCLUDE = {"leads": ["customer", "disqualified"], "customers": []}
_MEASURES = {"leads": ("activities",), "customers": ("activities", "purchases", "amount", "mrr")}
_KINDS = ("map", "ladder", "recency", "flag")
_TOP_KEYS = {"hot", "warm", "leads", "customers"}


@dataclass
class Scores:
    entity: Entity
    as_of: date
    table: pd.DataFrame  # id, descriptive columns, one column per rule (points), score, band, rank
    rules: dict[str, dict[str, Any]]  # the rules used, with their maximum points
    skipped: dict[str, str] = field(default_factory=dict)  # rule -> missing input

    def to_dict(self, top: int | None = None) -> dict[str, Any]:
        t = self.table if top is None else self.table.head(top)
        recs = t.astype(object).where(t.notna(), None).to_dict(orient="records")
        for r in recs:
            for k, v in r.items():
                if isinstance(v, pd.Timestamp):
                    r[k] = v.isoformat()[:10]
                elif isinstance(v, np.generic):
                    r[k] = v.item()
        return {
            "entity": self.entity,
            "as_of": self.as_of.isoformat(),
            "rules": {k: {"max": v["max"]} for k, v in self.rules.items()},
            "skipped": self.skipped,
            "rows": recs,
        }


# -- configuration ----------------------------------------------------------------------------
def scoring_rules(config: Config, entity: Entity) -> tuple[dict[str, dict[str, Any]], float, float, list[str]]:
    """The rules for ``entity`` (defaults merged with ``[scoring.<entity>.<rule>]``), the hot and warm
    thresholds and the excluded stages; ``ConfigError`` naming the key on a mistake."""
    raw = config.scoring or {}
    for k in raw:
        if k not in _TOP_KEYS:
            raise config.error(f"unknown key; expected one of {', '.join(sorted(_TOP_KEYS))}", "scoring", k)
    hot, warm = raw.get("hot", 70), raw.get("warm", 40)
    for key, v in (("hot", hot), ("warm", warm)):
        if not _num(v) or not 0 <= v <= 100:
            raise config.error(f"expected a score between 0 and 100, got {v!r}", "scoring", key)
    if warm > hot:
        raise config.error(f"warm ({warm}) must not exceed hot ({hot})", "scoring", "warm")
    section = raw.get(entity, {})
    if not isinstance(section, dict):
        raise config.error("expected a table of rules", "scoring", entity)
    rules = {k: dict(v) for k, v in DEFAULT_RULES[entity].items()}
    exclude = list(DEFAULT_EXCLUDE[entity])
    for name, spec in section.items():
        if name == "exclude_stages":
            if not isinstance(spec, list) or not all(isinstance(s, str) for s in spec):
                raise config.error("expected a list of stages", "scoring", entity, name)
            exclude = list(spec)
            continue
        if not isinstance(spec, dict):
            raise config.error("expected a table (points = ..., ...)", "scoring", entity, name)
        base = rules.get(name, {})
        merged = {**base, **spec}
        if "kind" not in merged:
            merged["kind"] = "map"  # a new rule on a field: points per value
        rules[name] = _check_rule(merged, config, entity, name)
    for name, r in rules.items():
        r["max"] = _rule_max(r)
    return rules, float(hot), float(warm), exclude


def _num(v: Any) -> TypeGuard[float]:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _check_rule(r: dict[str, Any], config: Config, entity: str, name: str) -> dict[str, Any]:
    def err(msg: str, key: str | None = None) -> ConfigError:
        return config.error(msg, "scoring", entity, name, *([key] if key else []))

    allowed = {"kind", "field", "points", "full_at", "days", "steps", "measure"}
    for k in r:
        if k not in allowed:
            raise err(f"unknown key; expected one of {', '.join(sorted(allowed - {'kind', 'measure'}))}", k)
    kind = r["kind"]
    if kind not in _KINDS:
        raise err(f"expected one of {', '.join(_KINDS)}", "kind")
    if kind == "map":
        if not isinstance(r.get("field"), str):
            raise err("expected the field to score, e.g. field = \"source\"", "field")
        pts = r.get("points")
        if not isinstance(pts, dict) or not all(_num(v) and v >= 0 for v in pts.values()):
            raise err("expected { value = points ≥ 0, ... }", "points")
    elif kind in ("ladder", "flag"):
        if not _num(r.get("points")) or r["points"] < 0:
            raise err(f"expected points ≥ 0, got {r.get('points')!r}", "points")
        if kind == "ladder":
            if r.get("measure") not in _MEASURES[entity]:
                raise err(f"expected one of {', '.join(_MEASURES[entity])}", "measure")
            fa = r.get("full_at")
            if not ((_num(fa) and fa > 0) or (isinstance(fa, str) and fa.startswith("p") and fa[1:].isdigit() and 0 < int(fa[1:]) <= 100)):
                raise err(f"expected a positive number or a percentile like \"p90\", got {fa!r}", "full_at")
            if "days" in r and (not isinstance(r["days"], int) or r["days"] <= 0):
                raise err(f"expected a number of days > 0, got {r['days']!r}", "days")
    elif kind == "recency":
        steps: Any = r.get("steps")
        ok = isinstance(steps, list) and steps and all(
            isinstance(s, list) and len(s) == 2 and _num(s[0]) and _num(s[1]) and s[0] >= 0 and s[1] >= 0 for s in steps
        )
        if not ok or any(b[0] <= a[0] for a, b in zip(steps, steps[1:])):
            raise err("expected [[days, points], ...] with days increasing, e.g. [[7, 25], [30, 15]]", "steps")
    return r


def _rule_max(r: dict[str, Any]) -> float:
    if r["kind"] == "map":
        return float(max(r["points"].values(), default=0))
    if r["kind"] == "recency":
        return float(max(s[1] for s in r["steps"]))
    return float(r["points"])


# -- scoring ----------------------------------------------------------------------------------
def score(ds: Dataset, config: Config, entity: Entity = "leads", *, as_of: date | None = None) -> Scores:
    """Score every lead (or active customer); see the module docstring."""
    rules, hot, warm, exclude = scoring_rules(config, entity)
    as_of_ts = pd.Timestamp(as_of) if as_of is not None else _reference_date(ds)
    rows = _rows(ds, entity, as_of_ts, exclude)
    id_col = "lead_id" if entity == "leads" else "customer_id"
    acts = _activities(ds, id_col, as_of_ts)

    points: dict[str, pd.Series] = {}
    skipped: dict[str, str] = {}
    for name, r in rules.items():
        if r["max"] <= 0:
            continue
        got = _rule_points(r, rows, entity, id_col, acts, ds, as_of_ts)
        if isinstance(got, str):
            skipped[name] = got
        else:
            points[f"{name}_points"] = got.astype("float64").round(2)
    used = {k: v for k, v in rules.items() if f"{k}_points" in points}
    total_max = sum(v["max"] for v in used.values())
    pts = pd.DataFrame(points, index=rows.index)
    raw = pts.sum(axis=1) if len(points) else pd.Series(0.0, index=rows.index)
    score_ = (100 * raw / total_max).round(1) if total_max > 0 else pd.Series(np.nan, index=rows.index)
    descr = [c for c in _DESCRIPTIVE[entity] if c in rows.columns]
    out = pd.concat([rows[descr], pts], axis=1)
    out["score"] = score_.clip(0, 100)
    out["band"] = np.select([out["score"] >= hot, out["score"] >= warm], ["hot", "warm"], "cold")
    out["band"] = out["band"].where(out["score"].notna(), None)
    out = out.sort_values(["score", id_col], ascending=[False, True], na_position="last", kind="stable")
    out["rank"] = out["score"].rank(method="min", ascending=False).astype("Int64")
    return Scores(entity, as_of_ts.date(), out.reset_index(drop=True), used, skipped)


_DESCRIPTIVE = {
    "leads": ("lead_id", "created_at", "source", "campaign", "rep", "stage"),
    "customers": ("customer_id", "name", "rep", "segment", "location", "start_date"),
}


def _reference_date(ds: Dataset) -> pd.Timestamp:
    """The data's own date (the engine's latest recorded fact: scheduled activities don't count)."""
    from ..engine import reference_date  # late: the engine imports the whole registry

    ref = reference_date(ds)
    return pd.Timestamp(ref if ref is not None else date.today())


def _rows(ds: Dataset, entity: Entity, as_of: pd.Timestamp, exclude: list[str]) -> pd.DataFrame:
    end = as_of + pd.Timedelta(days=1)
    if entity == "leads":
        df = ds.get("leads")
        if df is None or "lead_id" not in df.columns:
            raise CalculatorError("calc_missing_input", what="leads.lead_id" if df is not None else "leads")
        keep = df["lead_id"].notna()
        if "created_at" in df.columns:
            keep &= (df["created_at"] < end).fillna(True)
        if "stage" in df.columns and exclude:
            keep &= ~df["stage"].isin(exclude).fillna(False)
        out = df.loc[keep.astype(bool)].drop_duplicates("lead_id", keep="last")
    else:
        df = ds.get("customers")
        if df is None or "customer_id" not in df.columns:
            raise CalculatorError("calc_missing_input", what="customers.customer_id" if df is not None else "customers")
        keep = df["customer_id"].notna()
        if "start_date" in df.columns:
            keep &= (df["start_date"] < end).fillna(True)
        if "end_date" in df.columns:
            keep &= ~(df["end_date"] < end).fillna(False)
        out = df.loc[keep.astype(bool)].drop_duplicates("customer_id", keep="last")
    idc = "lead_id" if entity == "leads" else "customer_id"
    return out.assign(**{idc: out[idc].astype(str)}).reset_index(drop=True)


def _activities(ds: Dataset, id_col: str, as_of: pd.Timestamp) -> pd.DataFrame | None:
    a = ds.get("activities")
    if a is None or id_col not in a.columns or "date" not in a.columns:
        return None
    a = a.loc[a[id_col].notna() & (a["date"] < as_of + pd.Timedelta(days=1)).fillna(False), [id_col, "date"]]
    return a.assign(**{id_col: a[id_col].astype(str)})


def _rule_points(r: dict[str, Any], rows: pd.DataFrame, entity: str, id_col: str, acts: pd.DataFrame | None,
                 ds: Dataset, as_of: pd.Timestamp) -> pd.Series | str:
    """Points of one rule per row, or the name of the missing input."""
    kind = r["kind"]
    if kind == "map":
        f = r["field"]
        if f not in rows.columns:
            return f"{entity}.{f}"
        table = {str(k).strip().casefold(): float(v) for k, v in r["points"].items()}
        return rows[f].astype("string").str.strip().str.casefold().map(table).astype("float64").fillna(0.0)
    if kind == "flag":
        f = r["field"]
        if f not in rows.columns:
            return f"{entity}.{f}"
        # a meeting booked for next week counts: it is the strongest signal a lead gives
        return rows[f].notna().astype("float64") * float(r["points"])
    if kind == "ladder":
        x = _measure(r, rows, entity, id_col, acts, ds, as_of)
        if isinstance(x, str):
            return x
        fa = r["full_at"]
        if isinstance(fa, str):
            pos = x[x > 0]
            fa = float(np.percentile(pos, int(fa[1:]))) if len(pos) else 1.0
        return float(r["points"]) * (x / fa).clip(0, 1)
    if kind == "recency":
        last = _last_touch(rows, entity, id_col, acts, ds, as_of)
        if isinstance(last, str):
            return last
        days = (as_of - last).dt.days
        pts = pd.Series(0.0, index=rows.index)
        for d, p in reversed(r["steps"]):  # a few steps, each vectorised
            pts = pts.where(~(days <= d).fillna(False), float(p))
        return pts
    raise AssertionError(kind)


def _measure(r: dict[str, Any], rows: pd.DataFrame, entity: str, id_col: str, acts: pd.DataFrame | None,
             ds: Dataset, as_of: pd.Timestamp) -> pd.Series | str:
    m = r["measure"]
    ids = rows[id_col]
    since = as_of - pd.Timedelta(days=int(r.get("days", 365)) - 1)
    if m == "activities":
        if acts is None:
            return f"activities.{id_col}"
        n = acts.loc[acts["date"] >= since].groupby(id_col).size()
        return ids.map(n).astype("float64").fillna(0.0)
    if m == "mrr":
        if "mrr" not in rows.columns:
            return "customers.mrr"
        return pd.to_numeric(rows["mrr"], errors="coerce").astype("float64").fillna(0.0)
    deals = ds.get("deals")
    need = ["customer_id", "status", "close_date"] + (["amount"] if m == "amount" else [])
    if deals is None or any(c not in deals.columns for c in need):
        return ", ".join(f"deals.{c}" for c in need if deals is None or c not in deals.columns)
    won = deals.loc[deals["status"].eq("won").fillna(False).astype(bool) & deals["customer_id"].notna()
                    & deals["close_date"].between(since, as_of).fillna(False)]
    key = won["customer_id"].astype(str)
    agg = won.groupby(key).size() if m == "purchases" else pd.to_numeric(won["amount"], errors="coerce").groupby(key).sum()
    return ids.map(agg).astype("float64").fillna(0.0)


def _last_touch(rows: pd.DataFrame, entity: str, id_col: str, acts: pd.DataFrame | None, ds: Dataset,
                as_of: pd.Timestamp) -> pd.Series | str:
    end = as_of + pd.Timedelta(days=1)
    parts = []
    if acts is not None:
        parts.append(rows[id_col].map(acts.groupby(id_col)["date"].max()))
    own = ("first_contact_at", "meeting_date") if entity == "leads" else ()
    for c in own:
        if c in rows.columns:
            parts.append(rows[c].where(rows[c] < end))
    if entity == "customers":
        deals = ds.get("deals")
        if deals is not None and {"customer_id", "status", "close_date"} <= set(deals.columns):
            won = deals.loc[deals["status"].eq("won").fillna(False).astype(bool) & deals["customer_id"].notna() & (deals["close_date"] < end).fillna(False)]
            parts.append(rows[id_col].map(won.groupby(won["customer_id"].astype(str))["close_date"].max()))
    if not parts:
        return f"activities.{id_col}"
    return pd.concat([pd.to_datetime(p).dt.normalize() for p in parts], axis=1).max(axis=1)
