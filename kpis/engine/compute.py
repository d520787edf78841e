"""The public entry points: ``compute``, ``compute_series``, ``compute_kpi``.

Each KPI of the registry is evaluated for the period, the previous period and the same period a
year earlier (``compare``), compared with its target, and broken down by the dimensions asked.
Missing tables or columns never stop a run: the KPIs that need them say so, the others are computed.
"""

from __future__ import annotations

import difflib
from datetime import date, timedelta
from typing import Any, Collection, Mapping, Sequence, cast

import pandas as pd

from ..config import Config
from ..dataset import Dataset
from ..i18n import message
from ..periods import Period, month
from ..schema import DIMENSION_ALIASES, DIMENSIONS
from .evaluate import NONE_KEY, Eval, Evaluator, finite
from .registry import REGISTRY
from .results import KpiResult, Results, ResultsSeries, change_between, clean, judge, meets

# Dated facts that say how far the data goes (planned things -- scheduled activities, open deals'
# dates, expected closes -- do not).
_FACT_DATES = (
    ("deals", "created_date"),
    ("activities", "date"),
    ("leads", "created_at"),
    ("leads", "first_contact_at"),
    ("customers", "start_date"),
    ("surveys", "date"),
)
# Tables whose dates set the data's date and the default period: read whatever KPIs are asked, so
# that `compute --kpi leads_created` reports the same month as `compute`.
FACT_TABLES = frozenset(t for t, _ in _FACT_DATES)


def reference_date(ds: Dataset) -> date | None:
    """The latest date of a recorded fact: deal created or closed (won/lost), activity done (not
    scheduled), lead created or contacted, customer started, survey answered. None if no dates."""
    latest: list[pd.Timestamp] = []
    for table, col in _FACT_DATES:
        df = ds.get(table)
        if df is None or col not in df.columns:
            continue
        s = pd.to_datetime(df[col], errors="coerce")
        if table == "activities" and "outcome" in df.columns:
            s = s[df["outcome"].ne("scheduled").fillna(True).astype(bool)]
        latest.append(s.max())
    deals = ds.get("deals")
    if deals is not None and {"close_date", "status"} <= set(deals.columns):
        closed = deals["status"].isin(("won", "lost")).fillna(False).astype(bool)
        latest.append(pd.to_datetime(deals.loc[closed, "close_date"], errors="coerce").max())
    latest = [t for t in latest if not pd.isna(t)]
    return max(latest).date() if latest else None


def data_start(ds: Dataset) -> date | None:
    """The earliest date of a recorded fact (same dates as :func:`reference_date`, closes included);
    a comparison period ending before it has no data: n/a, not 0."""
    earliest: list[pd.Timestamp] = []
    for table, col in _FACT_DATES + (("deals", "close_date"),):
        df = ds.get(table)
        if df is not None and col in df.columns:
            earliest.append(pd.to_datetime(df[col], errors="coerce").min())
    earliest = [t for t in earliest if not pd.isna(t)]
    return min(earliest).date() if earliest else None


def period_flags(ds: Dataset, p: Period, as_of: date | None = None) -> list[tuple[str, dict[str, str]]]:
    """What a reader of results for ``p`` must know: ``period_partial`` when the data stops inside
    it (its last fact ``as_of`` before the period's end), ``period_outside_data`` when it ends before
    the data starts or starts after its last fact. Codes with their parameters, in period order."""
    start, last = data_start(ds), as_of or reference_date(ds)
    if start is None or last is None:
        return []
    if p.end < start or p.start > last:
        return [("period_outside_data", {"period": p.label, "first": start.isoformat(), "last": last.isoformat()})]
    if p.start <= last < p.end:
        return [("period_partial", {"period": p.label, "last": last.isoformat()})]
    return []


def default_period(ds: Dataset) -> Period:
    """The last complete month of the data: the month before the month of :func:`reference_date`
    (that month is taken to be in progress); without dates, the month before today's."""
    ref = reference_date(ds) or date.today()
    first = date(ref.year, ref.month, 1) - timedelta(days=1)
    return month(first.year, first.month)


def normalise_dims(by: Sequence[str] | str | None, lang: str = "en") -> tuple[str, ...]:
    """Canonical dimension names (``channel`` → ``source``); ``ValueError`` (message in ``lang``)
    for an unknown one."""
    if not by:
        return ()
    if isinstance(by, str):
        by = [by]
    out: list[str] = []
    for d in by:
        for part in str(d).split(","):
            key = part.strip().lower()
            if not key:
                continue
            key = DIMENSION_ALIASES.get(key, key)
            if key not in DIMENSIONS:
                raise ValueError(message("kpi_unknown_dim", lang, dim=part.strip(), choices=", ".join(DIMENSIONS + ("channel",))))
            if key not in out:
                out.append(key)
    return tuple(out)


def select_ids(kpis: Sequence[str] | str | None, lang: str = "en") -> list[str]:
    """Registry ids asked for (all when None), in the catalogue's order; ``KeyError`` (message in
    ``lang``, naming the closest ids) for an unknown one."""
    if kpis is None:
        return list(REGISTRY)
    if isinstance(kpis, str):
        kpis = [kpis]
    asked = {part.strip() for k in kpis for part in str(k).split(",") if part.strip()}
    for a in sorted(asked - set(REGISTRY)):
        close = difflib.get_close_matches(a, list(REGISTRY), n=3)
        raise KeyError(message("kpi_unknown", lang, id=a, hint=f" ({', '.join(close)} ?)" if close else ""))
    return [k for k in REGISTRY if k in asked]


def compute(
    ds: Dataset,
    period: Period,
    *,
    config: Config | None = None,
    kpis: Sequence[str] | None = None,
    by: Sequence[str] = (),
    compare: bool = True,
    as_of: date | None = None,
    evaluator: Evaluator | None = None,
    only: Mapping[str, Collection[str]] | None = None,
) -> Results:
    """KPIs for ``period``: values, statuses, comparisons (previous period, same period last year,
    target), breakdowns by ``by``. ``as_of`` is the data's date for the forecast (default: the
    latest recorded fact, :func:`reference_date`). ``only``: for each dimension of ``by``, the KPIs
    whose breakdown is wanted (a view shows a few KPIs by product, not all 73); the others have no
    entry for that dimension in ``by`` (None when they have none at all)."""
    cfg = config or Config()
    dims = normalise_dims(by)
    ids = select_ids(kpis)
    prev, year_ago = (period.previous(), period.year_ago()) if compare else (None, None)
    if evaluator is None:
        ev = Evaluator(ds, cfg, as_of or reference_date(ds)).prepare([p for p in (period, prev, year_ago) if p])
    else:
        ev = evaluator
    start = _data_start(ev)
    out = {k: _result(ev, k, period, prev, year_ago, dims if only is None else tuple(d for d in dims if k in only.get(d, ())),
                      start) for k in ids}
    return Results(period, out, prev, year_ago, ev.as_of, cfg.lang, cfg.currency, dims)


def compute_series(
    ds: Dataset,
    periods: Sequence[Period],
    *,
    config: Config | None = None,
    kpis: Sequence[str] | None = None,
    by: Sequence[str] = (),
    as_of: date | None = None,
) -> ResultsSeries:
    """The same KPIs for each period (e.g. ``last_n(p, 13)``), sharing one evaluator: masks and
    tables are prepared once, and calendar months are computed in one pass (the whole catalogue
    for 13 months, by rep, aggregates each measure once). No previous/year-ago comparison per point
    (the series is the trend)."""
    cfg = config or Config()
    ev = Evaluator(ds, cfg, as_of or reference_date(ds)).prepare(periods)
    return ResultsSeries([compute(ds, p, config=cfg, kpis=kpis, by=by, compare=False, evaluator=ev) for p in periods])


def _data_start(ev: Evaluator) -> date | None:
    """:func:`data_start` of the evaluator's dataset, computed once per evaluator."""
    if ("data_start",) not in ev._maps:
        ev._maps[("data_start",)] = data_start(ev.ds)
    return cast("date | None", ev._maps[("data_start",)])


def compute_kpi(
    ds: Dataset,
    kpi_id: str,
    period: Period,
    *,
    config: Config | None = None,
    by: str | Sequence[str] | None = None,
    compare: bool = False,
    as_of: date | None = None,
) -> KpiResult:
    """One KPI (the UDFs' door): same definitions, same statuses as :func:`compute`."""
    return compute(ds, period, config=config, kpis=[kpi_id], by=by or (), compare=compare, as_of=as_of)[kpi_id]


# -- one result ------------------------------------------------------------------------------------
def _result(ev: Evaluator, kpi_id: str, p: Period, prev: Period | None, year_ago: Period | None, dims: tuple[str, ...],
            start: date | None = None) -> KpiResult:
    k = REGISTRY[kpi_id]
    lang = ev.config.lang
    e = ev.evaluate(kpi_id, p)
    r = KpiResult(
        id=kpi_id,
        value=_value(e),
        unit=k.unit,
        status=e.status,
        reason=e.reason.message(lang) if e.reason else None,
        name=k.name(lang),
        direction=k.direction,
        notes=[n.message(lang) for n in e.notes],
        missing=list(e.missing),
        detail=clean(e.detail) if e.detail is not None else None,
    )
    if prev is not None:
        assert year_ago is not None  # set together with prev (compare=True)
        # A comparison period that ends before the data starts has no data: n/a, not 0.
        r.previous = None if start and prev.end < start else _value(ev.evaluate(kpi_id, prev))
        r.year_ago = None if start and year_ago.end < start else _value(ev.evaluate(kpi_id, year_ago))
        r.change, r.change_kind = change_between(r.value, r.previous, k.unit)
        r.good = judge(r.change, k.direction)
    elif k.unit != "distribution":
        r.change_kind = "points" if k.unit in ("ratio", "score") else "relative"
    r.target = _target(ev, kpi_id, p)
    r.target_met = meets(r.value, r.target, k.direction)
    if dims:
        r.by = {d: _by(ev.breakdown_items(kpi_id, p, d)) if e.status != "missing_input" else None for d in dims}
        by_rep = r.by.get("rep")
        if by_rep is not None:
            r.by["rep"] = _with_members(by_rep, _members(ev, p), _zero_when_absent(ev, kpi_id))
        if k.target is not None and kpi_id not in ev.config.targets:
            r.target_by = {d: _by(ev.breakdown_items(k.target, p, d)) for d in dims if not ev.missing(k.target)}
    return r


def _members(ev: Evaluator, p: Period) -> list[str]:
    """Reps the team expects in every by-rep breakdown: on the team sheet (not gone before P, not
    hired after it) or with a quota in P. Computed once per period and evaluator."""
    k = ("members", p)
    if k not in ev._maps:
        ev._maps[k] = _find_members(ev, p)
    return cast("list[str]", ev._maps[k])


def _find_members(ev: Evaluator, p: Period) -> list[str]:
    out: list[str] = []
    team = ev.table("team")
    if team is not None and "rep" in team.columns:
        keep = team["rep"].notna()
        if "leave_date" in team.columns:
            keep &= ~(team["leave_date"] < pd.Timestamp(p.start))
        if "hire_date" in team.columns:
            keep &= ~(team["hire_date"] > pd.Timestamp(p.end))
        out += [str(x) for x in team.loc[keep, "rep"]]
    targets = ev.table("targets")
    if targets is not None and {"rep", "period"} <= set(targets.columns):
        inside = (targets["period"] >= pd.Timestamp(p.start)) & (targets["period"] <= pd.Timestamp(p.end))
        out += [str(x) for x in targets.loc[inside & targets["rep"].notna(), "rep"]]
    return list(dict.fromkeys(out))


def _zero_when_absent(ev: Evaluator, kpi_id: str) -> bool:
    """A rep without rows has 0 for sums and counts; ratios and averages have no denominator: n/a."""
    from .model import Simple

    metric = ev.resolve(kpi_id)
    return isinstance(metric, Simple) and getattr(metric.measure, "agg", None) in ("sum", "count", "nunique")


def _with_members(by: dict[str, Any], members: list[str], zero: bool) -> dict[str, Any]:
    """The breakdown with every member listed (0 or None when absent), keys sorted as :func:`_by`."""
    missing = [m for m in members if m not in by]
    if not missing:
        return by
    d = dict(by)
    for m in missing:
        d[m] = 0.0 if zero else None
    return {key: d[key] for key in sorted(d, key=lambda s: (s == NONE_KEY, s.casefold()))}


def _value(e: Eval) -> Any:
    if not e.ok:
        return None
    return clean(e.value) if isinstance(e.value, dict) else finite(e.value)


def _target(ev: Evaluator, kpi_id: str, p: Period) -> float | None:
    """``[targets]`` of the configuration, else the KPI's own target from the data (revenue: Σ quotas
    of P) when there is one and it is not zero."""
    if kpi_id in ev.config.targets:
        return float(ev.config.targets[kpi_id])
    k = REGISTRY[kpi_id]
    if k.target is None or ev.missing(k.target):
        return None
    t = ev.evaluate(k.target, p)
    return finite(t.value) if t.ok and t.value else None


def _by(b: list[tuple[str, Any]] | None) -> dict[str, Any] | None:
    """A breakdown's ``(key, value)`` pairs as ``{key: value}``, keys sorted with ``(none)`` last;
    None when not available."""
    if b is None:
        return None
    d = {str(k): v for k, v in b}
    return {key: clean(d[key]) for key in sorted(d, key=lambda s: (s == NONE_KEY, s.casefold()))}
