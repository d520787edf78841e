"""Rep cells that share a deal ("Alice Martin 60% / Bruno Lefèvre 40%") -> rows of ``splits``.

Shares are read as ``NAME SHARE%`` (or ``SHARE% NAME``) separated by ``/``, ``;``, ``+``, ``&``,
``,`` or "et"/"and". A deal whose shares add up to 100 % (± 0.5) gets one ``splits`` row per rep and
``deals.rep`` = the rep with the largest share (the first one on a tie). Otherwise the split is
ignored and reported, and the deal is credited in full to the largest share's rep. A rep cell
without ``%`` is a single rep.
"""

from __future__ import annotations

import re
from typing import Any, Callable

import numpy as np
import pandas as pd

_NAME_SHARE = r"(?P<name>[^/;+&%\d]+?)\s*[:(\-]?\s*(?P<share>\d+(?:[.,]\d+)?)\s*%\s*\)?"
_SHARE_NAME = r"(?P<share>\d+(?:[.,]\d+)?)\s*%\s*(?P<name>[^/;+&%\d]+)"
_SEPARATORS = " ,;/+&():-\u00a0"
TOLERANCE = 0.005


def _clean_names(names: pd.Series) -> pd.Series:
    s = names.str.strip(_SEPARATORS)
    s = s.str.replace(r"^(?:et|and)\s+", "", regex=True, case=False).str.replace(r"\s+(?:et|and)$", "", regex=True, case=False)
    return s.str.replace(r"\s+", " ", regex=True).str.strip(_SEPARATORS)


def parse_split_cells(cells: pd.Series) -> pd.DataFrame:
    """Cells with ``%`` -> long frame (index = cell position, columns name, share as a fraction)."""
    cells = cells.astype("str")
    parts = cells.str.extractall(_NAME_SHARE)
    done = parts.index.get_level_values(0).unique() if len(parts) else pd.Index([])
    rest = cells[~cells.index.isin(done)]
    if len(rest):
        more = rest.str.extractall(_SHARE_NAME)
        parts = pd.concat([parts, more]) if len(parts) else more
    if not len(parts):
        return pd.DataFrame({"name": pd.Series([], dtype=object), "share": pd.Series([], dtype="float64")})
    parts = parts.reset_index(level=1, drop=True)
    parts["name"] = _clean_names(parts["name"].astype("str")).astype(object)
    parts["share"] = pd.to_numeric(parts["share"].str.replace(",", ".", regex=False), errors="coerce") / 100
    parts = parts[parts["name"].str.len() > 0]
    return parts[["name", "share"]]


# A word a name is made of: a capital then small letters ("Chloé", "O'Neil"); "Q1", "validé" are not.
_NAME_WORD = r"(?<![\w'’-])[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ'’-]+(?![\w'’-])"
_NAME_SHARE_FOUND = re.sub(r"\(\?P<\w+>", "(?:", _NAME_SHARE)  # the same pattern, groups not captured


def unread_text(cells: pd.Series) -> pd.Series:
    """What is left of each cell once its ``NAME SHARE%`` parts are taken out (the form
    :func:`parse_split_cells` read it by), for the cells where a name is left: "Alice 60% / Bruno 40% /
    Chloé" leaves "Chloé", a rep the split would otherwise drop without a word. A remark in brackets
    ("(validé)") or a word that is no name ("- Q1", "ok") is not a rep."""
    cells = cells.astype("str")
    by_name_share = cells.str.contains(_NAME_SHARE_FOUND, regex=True)
    left = cells.str.replace(_NAME_SHARE, " ", regex=True).where(by_name_share,
                                                                 cells.str.replace(_SHARE_NAME, " ", regex=True))
    left = left.str.replace(r"\([^)]*\)|\[[^\]]*\]", " ", regex=True)  # "(validé)": a remark, no rep
    left = left.str.replace(r"(?i)(?<!\w)(?:et|and)(?!\w)", " ", regex=True)
    left = left.str.replace(r"\s+", " ", regex=True).str.strip(_SEPARATORS + " ")
    return left[left.str.contains(_NAME_WORD, regex=True)]


def split_deals(
    deals: pd.DataFrame,
    rows: np.ndarray,
    issue: Callable[..., None],
    rep_header: str | None,
) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Split shared rep cells of ``deals`` (canonical frame, ``rows`` its Excel rows).

    Returns the deals with ``rep`` = largest share, the ``splits`` rows found, and their Excel rows.
    ``issue(row, column, value, action, code, field, **params)`` records what happened.
    """
    empty = pd.DataFrame({"deal_id": pd.Series([], dtype=object), "rep": pd.Series([], dtype=object),
                          "share": pd.Series([], dtype="float64")})
    if "rep" not in deals.columns:
        return deals, empty, np.array([], dtype=np.int64)
    rep = deals["rep"]
    codes, uniques = pd.factorize(rep)  # few distinct reps: look for "%" once per spelling
    pct_u = np.array([isinstance(u, str) and "%" in u for u in uniques], dtype=bool)
    has_pct = pd.Series(np.append(pct_u, False)[np.where(codes < 0, len(uniques), codes)], index=rep.index)
    if not has_pct.any():
        return deals, empty, np.array([], dtype=np.int64)
    cells = rep[has_pct]
    parts = parse_split_cells(cells)
    if parts.empty:
        return deals, empty, np.array([], dtype=np.int64)
    parts = parts.reset_index().rename(columns={"index": "pos"})
    total = parts.groupby("pos")["share"].sum()
    top = parts.loc[parts.groupby("pos")["share"].idxmax(), ["pos", "name"]].set_index("pos")["name"]
    deals = deals.copy()
    deals.loc[top.index, "rep"] = top.to_numpy()
    ids = deals["deal_id"] if "deal_id" in deals.columns else pd.Series(None, index=deals.index, dtype=object)
    good_total = (total - 1).abs() <= TOLERANCE
    has_id = ids.loc[total.index].notna()
    left = unread_text(cells.loc[total.index])
    read_whole = pd.Series(~total.index.isin(left.index), index=total.index)
    ok = good_total & has_id & read_whole
    for pos in total.index[~good_total]:
        issue(int(rows[pos]), rep_header, cells.loc[pos], "ignored", "split_bad_total", "rep",
              total=f"{total.loc[pos] * 100:g} %", rep=top.loc[pos])
    for pos in total.index[good_total & ~read_whole]:  # a name without a share: the split is not what it says
        issue(int(rows[pos]), rep_header, cells.loc[pos], "ignored", "split_unread", "rep", left=left.loc[pos],
              rep=top.loc[pos])
    for pos in total.index[good_total & read_whole & ~has_id]:
        issue(int(rows[pos]), rep_header, cells.loc[pos], "ignored", "split_without_id", "rep", rep=top.loc[pos])
    keep = parts[parts["pos"].isin(total.index[ok])]
    splits = pd.DataFrame({
        "deal_id": ids.loc[keep["pos"]].to_numpy(dtype=object),
        "rep": keep["name"].to_numpy(dtype=object),
        "share": keep["share"].to_numpy(dtype="float64"),
    })
    split_rows = rows[keep["pos"].to_numpy()]
    if ok.any():
        first = int(ok[ok].index[0])
        issue(int(rows[first]), rep_header, cells.loc[first], "converted", "splits_read", "rep", count=int(ok.sum()))
    return deals, splits, split_rows


__all__: list[Any] = ["parse_split_cells", "split_deals"]
