"""Commission plans: read ``[plans.NAME]`` sections of the configuration, validate them, assign them.

Every key is documented in ``docs/calculators.md``. A mistake raises :class:`kpis.config.ConfigError`
naming the plan, the key and its line (``kpis.toml:14: plans.standard.rates: ...``): a typo in a file
that decides people's pay is never ignored.

Which plan a rep is paid on: the ``plan`` column of the team table (matched without regard to case),
else ``default_plan``, else the only plan when there is exactly one; otherwise none (the rep is
reported, not paid on a guess). A rep whose team role is ``manager`` gets a plan only from the team
table's plan column, never by default.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Literal, Mapping, TypeGuard

import numpy as np
import pandas as pd

from ..config import Config, ConfigError, closest
from ..schema import DEAL_TYPES
from .tiers import MODES, Mode, bands

PlanPeriod = Literal["month", "quarter"]
Err = Callable[..., ConfigError]  # makes the error naming the key (and its line or cell)
AttainmentBasis = Literal["period", "quarter_to_date"]

# Deal fields a SPIFF may match on (text compared without case or surrounding spaces).
SPIFF_FIELDS = ("account", "rep", "product", "deal_type", "source", "location", "customer_id", "deal_id")
_SPIFF_NUMERIC = ("min_amount", "max_amount")

PLAN_KEYS: dict[str, str] = {
    "tiers": '"marginal" (default) or "retroactive"',
    "rates": "[[attainment from, rate], ...] bands, e.g. [[0, 0.02], [1.0, 0.08]]",
    "gate": "minimum attainment (fraction) below which no commission is paid",
    "cap": "maximum commission per period (money)",
    "deal_type_weights": "{ renewal = 0.5 }: credit per deal type (others at 1)",
    "clawback_days": "days after close within which a churned customer's deal is clawed back",
    "draw": "{ amount = 1000, recoverable = true }: guaranteed minimum per period",
    "spiffs": "[[plans.NAME.spiffs]] name, match, amount",
    "period": '"month" (default) or "quarter"',
    "attainment": '"period" (default) or "quarter_to_date" (monthly plans)',
    "ramp": "false (default: targets as written), true (the ramp key of the file) or a list of fractions",
    "quota": "quota per month for reps without a row in the targets table",
    "start": 'first period paid on this plan, e.g. "2026-01" (default: the first period with data)',
    "title": "name shown on statements",
}


@dataclass(frozen=True)
class Spiff:
    """A fixed amount per won deal matching ``match`` (split deals share it by their split shares)."""

    name: str
    amount: float
    match: tuple[tuple[str, tuple[str, ...]], ...] = ()  # field -> accepted values (casefolded)
    min_amount: float | None = None
    max_amount: float | None = None

    def mask(self, lines: pd.DataFrame) -> pd.Series:
        """Which credit lines (deals) match, vectorised."""
        m = pd.Series(True, index=lines.index)
        for fname, values in self.match:
            if fname not in lines.columns:
                return pd.Series(False, index=lines.index)
            col = lines[fname].astype("string").str.strip().str.casefold()
            m &= col.isin(values).fillna(False).astype(bool)
        if self.min_amount is not None:
            m &= lines["amount"].ge(self.min_amount).fillna(False)
        if self.max_amount is not None:
            m &= lines["amount"].le(self.max_amount).fillna(False)
        return m.astype(bool)


@dataclass(frozen=True)
class Draw:
    amount: float
    recoverable: bool = True


@dataclass(frozen=True)
class Plan:
    name: str
    rates: tuple[tuple[float, float], ...]
    tiers: Mode = "marginal"
    gate: float | None = None
    cap: float | None = None
    deal_type_weights: Mapping[str, float] = field(default_factory=dict)
    clawback_days: int | None = None
    draw: Draw | None = None
    spiffs: tuple[Spiff, ...] = ()
    period: PlanPeriod = "month"
    attainment: AttainmentBasis = "period"
    ramp: tuple[float, ...] | None = None
    quota: float | None = None
    start: date | None = None
    title: str | None = None

    @property
    def froms(self) -> np.ndarray:
        return bands(self.rates)[0]

    @property
    def rate_values(self) -> np.ndarray:
        return bands(self.rates)[1]


def load_plans(config: Config) -> dict[str, Plan]:
    """All ``[plans.NAME]`` sections, validated (``ConfigError`` naming key and line on a mistake)."""
    return {name: parse_plan(name, raw, config) for name, raw in (config.plans or {}).items()}


def parse_plan(name: str, raw: Any, config: Config) -> Plan:
    def err(msg: str, *keys: str) -> ConfigError:
        return config.error(msg, "plans", name, *keys)

    if not isinstance(raw, dict):
        raise err("expected a [plans.NAME] table")
    for key in raw:
        if key not in PLAN_KEYS:
            close = closest(key, set(PLAN_KEYS))
            raise err(f"unknown key{f' (did you mean {close!r}?)' if close else ''} / clé inconnue", key)
    if "rates" not in raw:
        raise err("missing key: rates = [[attainment from, rate], ...] / clé manquante", "rates")

    tiers = raw.get("tiers", "marginal")
    if tiers not in MODES:
        raise err(f"expected \"marginal\" or \"retroactive\", got {tiers!r}", "tiers")
    rates = _rates(raw["rates"], lambda m: err(m, "rates"))
    gate = _fraction_or_none(raw, "gate", err)
    cap = _number_or_none(raw, "cap", err, positive=True)
    weights = _weights(raw.get("deal_type_weights", {}), err)
    clawback = raw.get("clawback_days")
    if clawback is not None and (not isinstance(clawback, int) or isinstance(clawback, bool) or clawback < 0):
        raise err(f"expected a whole number of days ≥ 0, got {clawback!r}", "clawback_days")
    draw = _draw(raw.get("draw"), err)
    spiffs = _spiffs(raw.get("spiffs", []), err)
    period = raw.get("period", "month")
    if period not in ("month", "quarter"):
        raise err(f"expected \"month\" or \"quarter\", got {period!r}", "period")
    attainment = raw.get("attainment", "period")
    if attainment not in ("period", "quarter_to_date"):
        raise err(f"expected \"period\" or \"quarter_to_date\", got {attainment!r}", "attainment")
    if attainment == "quarter_to_date" and period != "month":
        raise err("quarter_to_date attainment is for monthly plans (period = \"month\")", "attainment")
    ramp = _ramp(raw.get("ramp", False), config, err)
    quota = _number_or_none(raw, "quota", err, positive=False)
    start = _start(raw.get("start"), err)
    title = raw.get("title")
    if title is not None and not isinstance(title, str):
        raise err("expected a text", "title")
    return Plan(
        name=name, rates=rates, tiers=tiers, gate=gate, cap=cap, deal_type_weights=weights, clawback_days=clawback,
        draw=draw, spiffs=spiffs, period=period, attainment=attainment, ramp=ramp, quota=quota, start=start, title=title,
    )


def _is_num(v: Any) -> TypeGuard[float]:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and np.isfinite(v)


def _rates(value: Any, err: Err) -> tuple[tuple[float, float], ...]:
    if not isinstance(value, list) or not value:
        raise err("expected a non-empty list of [attainment from, rate] pairs, e.g. [[0, 0.02], [1.0, 0.08]]")
    out: list[tuple[float, float]] = []
    for i, band in enumerate(value):
        if isinstance(band, dict):  # also accept { from = 0.5, rate = 0.05 }
            band = [band.get("from"), band.get("rate")]
        if not isinstance(band, list) or len(band) != 2 or not all(_is_num(x) for x in band):
            raise err(f"band {i + 1}: expected [attainment from, rate] (two numbers), got {band!r}")
        a, r = float(band[0]), float(band[1])
        if a < 0:
            raise err(f"band {i + 1}: attainment must be ≥ 0, got {a}")
        if not 0 <= r <= 1:
            raise err(f"band {i + 1}: a rate is a fraction between 0 and 1 (write 0.05 for 5 %), got {r}")
        out.append((a, r))
    try:
        bands(out)
    except ValueError:
        raise err("band starts must increase strictly (e.g. 0, 0.5, 1.0, 1.5)") from None
    return tuple(out)


def _fraction_or_none(raw: dict[str, Any], key: str, err: Err) -> float | None:
    v = raw.get(key)
    if v is None:
        return None
    # An attainment above 500 % is a percentage typed as a number (30 for 30 %): refuse, don't guess.
    if not _is_num(v) or v < 0 or v > 5:
        raise err(f"expected an attainment as a fraction (0.3 for 30 %), got {v!r}", key)
    return float(v)


def _number_or_none(raw: dict[str, Any], key: str, err: Err, positive: bool) -> float | None:
    v = raw.get(key)
    if v is None:
        return None
    if not _is_num(v) or v < 0 or (positive and v == 0):
        raise err(f"expected a {'positive ' if positive else ''}amount, got {v!r}", key)
    return float(v)


def _weights(value: Any, err: Err) -> dict[str, float]:
    if not isinstance(value, dict):
        raise err("expected { deal_type = weight }, e.g. { renewal = 0.5 }", "deal_type_weights")
    out: dict[str, float] = {}
    for k, w in value.items():
        if k not in DEAL_TYPES:
            raise err(f"unknown deal type {k!r}; expected one of {', '.join(DEAL_TYPES)}", "deal_type_weights")
        if not _is_num(w) or w < 0:
            raise err(f"{k}: expected a weight ≥ 0 (0.5 for 50 %), got {w!r}", "deal_type_weights")
        out[k] = float(w)
    return out


def _draw(value: Any, err: Err) -> Draw | None:
    if value is None:
        return None
    if _is_num(value):
        value = {"amount": value}
    if not isinstance(value, dict):
        raise err("expected { amount = 1000, recoverable = true }", "draw")
    unknown = set(value) - {"amount", "recoverable"}
    if unknown:
        raise err(f"unknown key {sorted(unknown)[0]!r}; expected amount, recoverable", "draw")
    amount = value.get("amount")
    if not _is_num(amount) or amount < 0:
        raise err(f"amount: expected an amount ≥ 0, got {amount!r}", "draw")
    rec = value.get("recoverable", True)
    if not isinstance(rec, bool):
        raise err(f"recoverable: expected true or false, got {rec!r}", "draw")
    return Draw(float(amount), rec)


def _spiffs(value: Any, err: Err) -> tuple[Spiff, ...]:
    if not isinstance(value, list):
        raise err("expected [[plans.NAME.spiffs]] tables", "spiffs")
    out = []
    for i, sp in enumerate(value):
        where = f"spiff {i + 1}"
        if not isinstance(sp, dict):
            raise err(f"{where}: expected a table with name, match, amount", "spiffs")
        unknown = set(sp) - {"name", "match", "amount"}
        if unknown:
            raise err(f"{where}: unknown key {sorted(unknown)[0]!r}; expected name, match, amount", "spiffs")
        name = sp.get("name", f"SPIFF {i + 1}")
        if not isinstance(name, str):
            raise err(f"{where}: name must be a text", "spiffs")
        amount = sp.get("amount")
        if not _is_num(amount) or amount < 0:
            raise err(f"{where} ({name}): amount: expected an amount ≥ 0, got {amount!r}", "spiffs")
        match = sp.get("match", {})
        if not isinstance(match, dict):
            raise err(f"{where} ({name}): match: expected {{ field = \"value\" }}", "spiffs")
        fields: list[tuple[str, tuple[str, ...]]] = []
        nums: dict[str, float] = {}
        for k, v in match.items():
            if k in _SPIFF_NUMERIC:
                if not _is_num(v):
                    raise err(f"{where} ({name}): match.{k}: expected an amount, got {v!r}", "spiffs")
                nums[k] = float(v)
                continue
            if k not in SPIFF_FIELDS:
                close = closest(k, set(SPIFF_FIELDS) | set(_SPIFF_NUMERIC))
                raise err(
                    f"{where} ({name}): match: unknown field {k!r}{f' (did you mean {close!r}?)' if close else ''}; "
                    f"expected {', '.join(SPIFF_FIELDS + _SPIFF_NUMERIC)}",
                    "spiffs",
                )
            vals = v if isinstance(v, list) else [v]
            if not vals or not all(isinstance(x, (str, int)) and not isinstance(x, bool) for x in vals):
                raise err(f"{where} ({name}): match.{k}: expected a text or a list of texts, got {v!r}", "spiffs")
            fields.append((k, tuple(str(x).strip().casefold() for x in vals)))
        out.append(Spiff(name, float(amount), tuple(fields), nums.get("min_amount"), nums.get("max_amount")))
    return tuple(out)


def _ramp(value: Any, config: Config, err: Err) -> tuple[float, ...] | None:
    if value is False or value is None:
        return None
    if value is True:
        return tuple(float(x) for x in config.ramp)
    if isinstance(value, list) and all(_is_num(x) and 0 <= x <= 1 for x in value):
        return tuple(float(x) for x in value)
    raise err(f"expected false, true or a list of fractions like [0.25, 0.5, 0.75], got {value!r}", "ramp")


def _start(value: Any, err: Err) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):
        return date(value.year, value.month, 1)
    if isinstance(value, str):
        try:
            ts = pd.Timestamp(value.strip())
            return date(ts.year, ts.month, 1)
        except (ValueError, TypeError):
            pass
    raise err(f"expected a month like \"2026-01\", got {value!r}", "start")


# -- assignment --------------------------------------------------------------------------------
def default_plan_name(plans: Mapping[str, Plan], config: Config) -> str | None:
    """``default_plan``, else the only plan, else none."""
    if config.default_plan:
        if config.default_plan not in plans:
            raise config.error(f"no [plans.{config.default_plan}] section", "default_plan")
        return config.default_plan
    return next(iter(plans)) if len(plans) == 1 else None


def plan_of(
    reps: pd.Index | list[str],
    team: pd.DataFrame | None,
    plans: Mapping[str, Plan],
    config: Config,
    *,
    unknown: Literal["raise", "none"] = "raise",
) -> pd.Series:
    """Plan name per rep (index rep): team.plan when filled, else the default plan; missing = none.

    Plan names in the team table match the configuration's without regard to case or surrounding
    spaces ("Standard" is ``[plans.standard]``). A team.plan naming no configured plan raises a
    :class:`ConfigError` (``unknown="raise"``) or leaves the rep without a plan (``unknown="none"``;
    see :func:`unknown_plans`) -- never pays the rep on another plan.
    """
    reps = pd.Index(pd.unique(pd.Series(list(reps), dtype=object).dropna()), name="rep")
    default = default_plan_name(plans, config)
    out = pd.Series([default] * len(reps), index=reps, dtype=object)
    if team is not None and {"rep", "role"} <= set(team.columns):
        # Managers are paid on a plan only when the team table names one (not by default).
        managers = set(team.loc[team["role"].eq("manager").fillna(False).astype(bool), "rep"].dropna())
        out.loc[out.index.isin(managers)] = None
    named = _team_plans(team)
    if len(named):
        by_fold = {k.strip().casefold(): k for k in plans}
        resolved = named.str.casefold().map(by_fold)
        bad = named[resolved.isna()]
        if len(bad) and unknown == "raise":
            rep, name = bad.index[0], bad.iloc[0]
            raise ConfigError(
                f"team table: rep {rep!r} is on plan {name!r}, which has no [plans.{name}] section "
                f"(known: {', '.join(sorted(plans)) or 'none'}) / plan inconnu",
                key="plans", path=config.path,
            )
        common = out.index.intersection(named.index)
        out.loc[common] = resolved.loc[common].astype(object)
    return out.astype(object).where(out.notna(), None)


def unknown_plans(team: pd.DataFrame | None, plans: Mapping[str, Plan]) -> dict[str, str]:
    """rep -> plan name written in the team table that no ``[plans.NAME]`` section defines."""
    named = _team_plans(team)
    known = {k.strip().casefold() for k in plans}
    return {rep: name for rep, name in named.items() if name.casefold() not in known}


def _team_plans(team: pd.DataFrame | None) -> pd.Series:
    """rep -> plan name as written (stripped), for team rows with a plan (the last row wins)."""
    if team is None or not {"rep", "plan"} <= set(team.columns):
        return pd.Series(dtype=object)
    t = team.loc[team["rep"].notna() & team["plan"].notna(), ["rep", "plan"]]
    t = t.assign(plan=t["plan"].astype(str).str.strip()).loc[lambda d: d["plan"] != ""]
    return t.drop_duplicates("rep", keep="last").set_index("rep")["plan"].astype(object)
