"""The canonical tables and fields of ``kpis.md``: the contract between the reader and the engine.

The reader turns any tracking workbook into these tables; the engine only ever sees these names and
these dtypes. Every table is a pandas DataFrame whose columns are a subset of its fields (a missing
column means the workbook did not carry it), in the dtype given by the field's ``kind``:

========== ======================================================================================
kind       dtype and meaning
========== ======================================================================================
date       ``datetime64[ns]`` at midnight (a date-time counts by its date, so the time is dropped)
datetime   ``datetime64[ns]`` with the time kept (lead response times are measured in hours)
money      ``float64`` in the workbook's currency
number     ``float64``
rate       ``float64`` fraction (``"60 %"``, ``60`` and ``0.6`` all read as ``0.6``)
text       ``object`` holding ``str`` (stripped), or missing
name       like ``text``, but the same person/value typed with other case, accents or spaces is
           folded onto one spelling (its most frequent one) -- rep names, accounts, products
category   ``object`` holding one of the field's ``choices`` (canonical English words), or missing
id         ``object`` holding ``str`` (numbers typed as ids are read as ``"1042"``, not ``1042.0``)
month      ``datetime64[ns]`` at the first day of the month
========== ======================================================================================

Missing values are ``NaN`` (numbers and text alike, as pandas reads them) and ``NaT`` (dates). Derived columns the reader adds are listed in
``DERIVED``: ``deals.status`` (``won``/``lost``/``open`` from the stage map) is the one the engine
relies on most.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["date", "datetime", "money", "number", "rate", "text", "name", "category", "id", "month"]


@dataclass(frozen=True)
class Field:
    """One canonical column."""

    name: str
    kind: Kind
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """One canonical table: its fields and which of them identify a row as usable."""

    name: str
    fields: tuple[Field, ...]
    # A row lacking any of these is unusable for every KPI of the table: the reader skips it and says so.
    required: tuple[str, ...] = ()
    label_fr: str = ""
    label_en: str = ""

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.name}.{name}")

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


DEAL_STATUSES = ("won", "lost", "open")
DEAL_TYPES = ("new", "upsell", "cross_sell", "renewal")
ACTIVITY_TYPES = ("call", "email", "meeting", "visit", "demo")
ACTIVITY_OUTCOMES = ("done", "no_answer", "scheduled", "canceled", "postponed")
LEAD_STAGES = ("lead", "mql", "sql", "opportunity", "customer", "disqualified")
LEAD_RESPONSES = ("positive", "negative", "empty")
ROLES = ("AE", "BDR", "SDR", "manager")
SPEND_CATEGORIES = ("marketing", "sales")


def _f(name: str, kind: Kind, choices: tuple[str, ...] = ()) -> Field:
    return Field(name, kind, choices)


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "deals",
            (
                _f("deal_id", "id"),
                _f("account", "name"),
                _f("customer_id", "id"),
                _f("rep", "name"),
                _f("stage", "text"),
                _f("amount", "money"),
                _f("cost", "money"),
                _f("created_date", "date"),
                _f("close_date", "date"),
                _f("expected_close_date", "date"),
                _f("probability", "rate"),
                _f("source", "name"),
                _f("product", "name"),
                _f("location", "name"),
                _f("deal_type", "category", DEAL_TYPES),
                _f("lost_reason", "name"),
                _f("list_price", "money"),
                _f("competitor_price", "money"),
                _f("proposal_date", "date"),
                _f("demo_date", "date"),
                _f("forecast_category", "text"),  # CRM forecast category (Commit, Best Case…): kpis.forecast
            ),
            required=("stage",),
            label_fr="Affaires",
            label_en="Deals",
        ),
        Table(
            "activities",
            (
                _f("date", "date"),
                _f("rep", "name"),
                _f("type", "category", ACTIVITY_TYPES),
                _f("outcome", "category", ACTIVITY_OUTCOMES),
                _f("deal_id", "id"),
                _f("lead_id", "id"),
                _f("customer_id", "id"),
            ),
            required=("date",),
            label_fr="Activités",
            label_en="Activities",
        ),
        Table(
            "leads",
            (
                _f("lead_id", "id"),
                _f("created_at", "datetime"),
                _f("source", "name"),
                _f("campaign", "name"),
                _f("rep", "name"),
                _f("stage", "category", LEAD_STAGES),
                _f("mql_date", "date"),
                _f("sql_date", "date"),
                _f("opportunity_date", "date"),
                _f("customer_date", "date"),
                _f("first_contact_at", "datetime"),
                _f("response", "category", LEAD_RESPONSES),
                _f("meeting_date", "date"),
            ),
            required=("created_at",),
            label_fr="Prospects",
            label_en="Leads",
        ),
        Table(
            "customers",
            (
                _f("customer_id", "id"),
                _f("name", "name"),
                _f("start_date", "date"),
                _f("end_date", "date"),
                _f("mrr", "money"),
                _f("segment", "name"),
                _f("location", "name"),
                _f("source", "name"),
                _f("rep", "name"),
            ),
            required=("start_date",),
            label_fr="Clients",
            label_en="Customers",
        ),
        Table(
            "targets",
            (_f("rep", "name"), _f("period", "month"), _f("quota", "money")),
            required=("rep", "period", "quota"),
            label_fr="Objectifs",
            label_en="Targets",
        ),
        Table(
            "spend",
            (
                _f("period", "month"),
                _f("channel", "name"),
                _f("category", "category", SPEND_CATEGORIES),
                _f("amount", "money"),
            ),
            required=("period", "amount"),
            label_fr="Dépenses",
            label_en="Spend",
        ),
        Table(
            "surveys",
            (_f("date", "date"), _f("customer_id", "id"), _f("score", "number"), _f("csat", "number")),
            required=("date",),
            label_fr="Enquêtes clients",
            label_en="Customer surveys",
        ),
        Table(
            "team",
            (
                _f("rep", "name"),
                _f("role", "category", ROLES),
                _f("team", "name"),
                _f("location", "name"),
                _f("manager", "name"),
                _f("hire_date", "date"),
                _f("leave_date", "date"),
                _f("plan", "text"),
            ),
            required=("rep",),
            label_fr="Équipe",
            label_en="Team",
        ),
        Table(
            "employee_surveys",
            (_f("date", "date"), _f("rep", "name"), _f("score", "number")),
            required=("date", "score"),
            label_fr="Enquêtes collaborateurs",
            label_en="Employee surveys",
        ),
        # Deal splits: one row per (deal, rep) share. Filled from a splits sheet, or from rep cells such
        # as "Alice 60% / Bruno 40%"; shares of one deal sum to 1. Deals without a row are credited
        # 100 % to deals.rep.
        Table(
            "splits",
            (_f("deal_id", "id"), _f("rep", "name"), _f("share", "rate")),
            required=("deal_id", "rep", "share"),
            label_fr="Partages d'affaires",
            label_en="Deal splits",
        ),
    )
}

# Columns the reader adds to a canonical table (never read from the workbook under these names).
DERIVED: dict[str, tuple[Field, ...]] = {
    "deals": (_f("status", "category", DEAL_STATUSES),),
}

# A money value of this size or more is no amount in any currency (an id or a phone number pasted
# into the cell): the reader leaves it empty (``amount_too_big``), and its cents would not fit the
# 64-bit integers the pipeline history and the forecast count in.
MAX_AMOUNT = 9e16

# Breakdown dimensions of kpis.md and the canonical field carrying each on the tables that have it.
DIMENSIONS: tuple[str, ...] = ("rep", "team", "location", "product", "source", "segment", "deal_type")
DIMENSION_ALIASES: dict[str, str] = {"channel": "source", "commercial": "rep", "equipe": "team"}


def table(name: str) -> Table:
    return TABLES[name]
