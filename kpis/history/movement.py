"""Pipeline movement between two snapshots A (before) and B (after): the waterfall of the open pipeline.

Pure functions over two deal tables in the shape of :func:`kpis.history.store.load` (one row per
``deal_id``; ``status`` won / lost / anything else = open; ``amount_cents`` integer cents, missing = 0;
``expected_close_date``). Definitions (issue 13, ``docs/history.md``), "amount at X" = the deal's
amount in snapshot X:

* ``start`` / ``end``: Σ amount of the deals open at A / at B;
* ``created``: Σ amount at B of the deals absent from A, whatever their status at B;
* ``reopened``: Σ amount at B of the deals closed (won or lost) at A and open at B;
* ``increased`` / ``decreased``: for the deals open at A and present at B (whatever their status at
  B), the positive / negative part of (amount at B − amount at A), both as positive numbers;
* ``won`` / ``lost``: Σ amount at B of the deals open at A or absent from A, and won / lost at B;
* ``removed``: Σ amount at A of the deals open at A and absent from B;
* closed at A and closed at B (even won -> lost), or closed at A and absent from B: no flow.

Identity (exact, in cents): ``end = start + created + reopened + increased − decreased − won − lost
− removed``. Proof sketch: split the deals open at A by their fate at B (open / won / lost / absent);
for those present at B, ``amount A + (B − A) = amount B``, and the won / lost at B of them and of the
created ones leave the pipeline at their B amount.

``counts`` uses the same keys with numbers of deals (``increased`` / ``decreased``: deals whose amount
went up / down); for counts the identity holds without the increased / decreased terms.

``slipped``: the deals open at A and at B whose expected close date at B is later than at A (count and
Σ amount at B). :func:`push_counts` counts, over a whole history, how many times each deal's expected
close date moved later while the deal was open.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

import numpy as np
import pandas as pd

FLOW_KEYS: tuple[str, ...] = ("start", "created", "reopened", "increased", "decreased", "won", "lost", "removed", "end")
#: The sign each flow enters the waterfall with (start and end are totals).
SIGNS: dict[str, int] = {"created": 1, "reopened": 1, "increased": 1, "decreased": -1, "won": -1, "lost": -1, "removed": -1}


@dataclass
class Movement:
    """Flows in integer cents, counts in deals, slipped deals; ``deals`` classifies each deal."""

    flows: dict[str, int]
    counts: dict[str, int]
    slipped_count: int
    slipped_cents: int
    deals: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)

    def to_json(self) -> dict:
        """``{"flows": {key: amount}, "counts": {key: n}, "slipped": {"count", "amount"}}``; amounts in
        currency units (cents / 100)."""
        return {
            "flows": {k: _money(v) for k, v in self.flows.items()},
            "counts": dict(self.counts),
            "slipped": {"count": self.slipped_count, "amount": _money(self.slipped_cents)},
        }

    def identity_holds(self) -> bool:
        f = self.flows
        return f["end"] == f["start"] + sum(SIGNS[k] * f[k] for k in SIGNS)


def _money(cents: int) -> float | int:
    return cents // 100 if cents % 100 == 0 else cents / 100


def _status(s: pd.Series) -> pd.Series:
    """won / lost as given; every other value (open, unknown, missing) counts as open."""
    return s.where(s.isin(("won", "lost")), "open")


def _cents(df: pd.DataFrame) -> pd.Series:
    if "amount_cents" in df.columns:
        return pd.Series(pd.array(df["amount_cents"], dtype="Int64"), index=df.index).fillna(0).astype("int64")
    return (pd.to_numeric(df.get("amount"), errors="coerce").fillna(0) * 100).round().astype("int64")


def _side(df: pd.DataFrame, suffix: str) -> pd.DataFrame:
    d = df.drop_duplicates("deal_id", keep="first")
    out = pd.DataFrame({
        "deal_id": d["deal_id"].astype(str),
        "status": _status(d["status"] if "status" in d.columns else pd.Series("open", index=d.index)),
        "cents": _cents(d),
        "expected": pd.to_datetime(d["expected_close_date"], errors="coerce") if "expected_close_date" in d.columns else pd.NaT,
    })
    for c in ("rep", "account", "stage"):
        out[c] = d[c] if c in d.columns else None
    return out.set_index("deal_id").add_suffix(suffix)


def classify(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """One row per deal of A or B: its status, amount and expected close date at A and at B
    (``*_a`` / ``*_b``; absent = status None) and the flow it falls in (``kind``)."""
    m = _side(a, "_a").join(_side(b, "_b"), how="outer")
    sa, sb = m["status_a"], m["status_b"]
    in_a, in_b = sa.notna(), sb.notna()
    open_a, open_b = sa.eq("open"), sb.eq("open")
    closed_a = in_a & ~open_a
    ca = m["cents_a"].fillna(0).astype("int64")
    cb = m["cents_b"].fillna(0).astype("int64")
    m["cents_a"], m["cents_b"] = ca, cb
    m["in_a"], m["in_b"], m["open_a"], m["open_b"] = in_a, in_b, open_a, open_b
    m["created"] = ~in_a & in_b
    m["reopened"] = closed_a & open_b
    m["kept"] = open_a & in_b  # open at A and present at B: its amount change counts
    delta = (cb - ca).where(m["kept"], 0)
    m["increase"] = delta.clip(lower=0)
    m["decrease"] = (-delta).clip(lower=0)
    entering = open_a | ~in_a
    m["won"] = entering & sb.eq("won")
    m["lost"] = entering & sb.eq("lost")
    m["removed"] = open_a & ~in_b
    ea, eb = m["expected_a"], m["expected_b"]
    m["slipped"] = open_a & open_b & ea.notna() & eb.notna() & (eb > ea)
    m["pulled_in"] = open_a & open_b & ea.notna() & eb.notna() & (eb < ea)
    # The rep (and account) a deal is counted under: at B, else at A (removed deals), so that each
    # rep's own identity holds when a deal changes hands.
    m["rep"] = m["rep_b"].where(in_b, m["rep_a"])
    m["account"] = m["account_b"].where(in_b, m["account_a"])
    m.index.name = "deal_id"
    return m


def movement(a: pd.DataFrame, b: pd.DataFrame) -> Movement:
    """The flows, counts and slipped deals from snapshot ``a`` to snapshot ``b`` (see the module)."""
    return summarise(classify(a, b))


def summarise(m: pd.DataFrame) -> Movement:
    """:class:`Movement` of classified deals (all of them, or one rep's / team's subset)."""
    ca, cb = m["cents_a"], m["cents_b"]

    def total(mask: pd.Series, cents: pd.Series) -> int:
        return int(cents[mask].sum())

    flows = {
        "start": total(m["open_a"], ca),
        "created": total(m["created"], cb),
        "reopened": total(m["reopened"], cb),
        "increased": int(m["increase"].sum()),
        "decreased": int(m["decrease"].sum()),
        "won": total(m["won"], cb),
        "lost": total(m["lost"], cb),
        "removed": total(m["removed"], ca),
        "end": total(m["open_b"], cb),
    }
    counts = {
        "start": int(m["open_a"].sum()),
        "created": int(m["created"].sum()),
        "reopened": int(m["reopened"].sum()),
        "increased": int((m["increase"] > 0).sum()),
        "decreased": int((m["decrease"] > 0).sum()),
        "won": int(m["won"].sum()),
        "lost": int(m["lost"].sum()),
        "removed": int(m["removed"].sum()),
        "end": int(m["open_b"].sum()),
    }
    return Movement(flows, counts, int(m["slipped"].sum()), total(m["slipped"], cb), m)


def movement_by(m: pd.DataFrame, keys: pd.Series) -> dict[str, Movement]:
    """One :class:`Movement` per key (rep, team) of the classified deals ``m``; ``keys`` maps each
    deal (index of ``m``) to its key; deals without one go under ``""``."""
    k = keys.reindex(m.index).fillna("").astype(str)
    return {key: summarise(m[k == key]) for key in sorted(k.unique(), key=lambda s: (s == "", s.casefold()))}


def dated_rows(state: pd.DataFrame | None) -> pd.DataFrame | None:
    """One state's deals with an expected close date, as :func:`push_counts` compares them: ``deal``
    (the id as text, the first row of an id), ``open`` (not won or lost) and ``exp`` (the date, in
    microseconds: any date pandas reads, where a year past 2262 overflows nanoseconds); None for a
    state without expected dates."""
    if state is None or state.empty or "expected_close_date" not in state.columns:
        return None
    d = state.drop_duplicates("deal_id", keep="first")
    status = _status(d["status"]) if "status" in d.columns else pd.Series("open", index=d.index)
    exp = pd.to_datetime(d["expected_close_date"], errors="coerce")
    dated = exp.notna().to_numpy()
    return pd.DataFrame({"deal": d["deal_id"].astype(str).to_numpy()[dated],
                         "open": status.eq("open").to_numpy(dtype=bool)[dated],
                         "exp": exp.to_numpy(dtype="datetime64[us]")[dated]})


def push_counts(states: Iterable[pd.DataFrame]) -> pd.Series:
    """How many times each deal's expected close date moved later between consecutive states (dated
    snapshots in date order, the workbook's current state last) while the deal was open at both.
    A state where the deal is absent or has no expected date is skipped over (the next comparison is
    with the last state that had one). Index: deal_id; deals never pushed are absent.

    Column-wise: every state's dated rows one under the other, sorted by deal (stably, so each
    deal's rows stay in state order); a push is a row whose previous row is the same deal, open,
    with an earlier date, while this row is open too."""
    parts = [rows for rows in map(dated_rows, states) if rows is not None]
    empty = pd.Series(dtype="int64").rename_axis("deal_id")
    if not parts:
        return empty
    rows = pd.concat(parts, ignore_index=True)
    rows = rows.iloc[np.argsort(rows["deal"].to_numpy(), kind="stable")]
    deal, is_open, exp = rows["deal"].to_numpy(), rows["open"].to_numpy(), rows["exp"].to_numpy()
    pushed = np.zeros(len(rows), dtype=bool)
    pushed[1:] = (deal[1:] == deal[:-1]) & is_open[:-1] & is_open[1:] & (exp[1:] > exp[:-1])
    if not pushed.any():
        return empty
    # deals in the order their first push happened (states in order, rows in order), as a loop lists them
    at = pd.DataFrame({"deal": deal[pushed], "when": rows.index.to_numpy()[pushed]})
    got = at.groupby("deal", sort=False).agg(n=("when", "size"), first=("when", "min")).sort_values("first", kind="stable")
    return pd.Series(got["n"].to_numpy(dtype="int64"), index=pd.Index(got.index.to_numpy(dtype=object), name="deal_id"))
