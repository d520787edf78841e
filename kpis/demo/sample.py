"""Seeded example data: a French B2B sales team's canonical tables, and the workbook they keep.

Three steps, each deterministic:

* :func:`build_truth` — the canonical tables of :mod:`kpis.schema` (the "truth"), generated with
  vectorised numpy from a seed: 6 reps and a manager in two teams, ~1,000 deals, a few thousand
  activities, leads, customers with churn, targets, spend, surveys. ``scale`` multiplies the row counts
  (``scale = 1_048_575 / ACTIVITIES_PER_SCALE`` gives exactly an Excel-limit activity sheet).
* :func:`as_read` — the tables a *correct reader* returns for the workbook written in a language with a
  :class:`Mess`: the truth itself, except for the words that depend on the language (deal stages,
  sources, products… in English) and the stage synonyms switch.
* :func:`write_workbook` — the ``.xlsx`` a user keeps, in French or English, optionally messed up the
  way real workbooks are (title rows, totals row, blank rows, dates and amounts typed as text, names
  with stray spaces, Excel tables, targets one column per month…). Every switch is reversible: reading
  the file back must give :func:`as_read` exactly.

The words written in the workbook (sheet names, headers, category words, months) are the module-level
tables below (``SHEET_NAMES``, ``HEADERS``, ``CATEGORY_WORDS``, ``STAGE_WORDS``, ``VALUE_WORDS_EN``,
``MONTH_ABBR``) so the reader's vocabulary can be checked against them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..schema import DERIVED, LEAD_RESPONSES, LEAD_STAGES, TABLES

# --------------------------------------------------------------------------------------------------
# Sizes and limits
# --------------------------------------------------------------------------------------------------
#: Activity rows per unit of ``scale`` (exact: the activity table has ``round(6000 * scale)`` rows).
ACTIVITIES_PER_SCALE = 6000
#: Excel's last row; a sheet holds at most ``EXCEL_MAX_ROWS - 1`` data rows under a header in row 1.
EXCEL_MAX_ROWS = 1_048_576
#: Sheets with more data rows than this are streamed (xlsxwriter ``constant_memory`` + direct row XML).
#: Streamed sheets cannot be Excel tables (xlsxwriter limitation): ``excel_tables`` is ignored there.
FAST_PATH_ROWS = 20_000

# --------------------------------------------------------------------------------------------------
# The team and the market (truth values are French; English workbooks translate them, see as_read)
# --------------------------------------------------------------------------------------------------
REP_NAMES = ("Alice Martin", "Bruno Lefèvre", "Chloé Dubois", "David Moreau", "Émilie Laurent", "François Petit")
_EXTRA_FIRST = ("Gaëlle", "Hugo", "Inès", "Julien", "Karima", "Léo", "Manon", "Nicolas", "Océane", "Pierre",
                "Quentin", "Rose", "Sébastien", "Thérèse", "Ugo", "Valérie", "William", "Yasmine", "Zoé", "Antoine")
_EXTRA_LAST = ("Garnier", "Roux", "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau",
               "Vincent", "Muller", "Lefebvre", "Faure", "André", "Mercier", "Blanc", "Guérin", "Boyer", "Chevalier",
               "Perrin")
MANAGER_NAME = "Sophie Bernard"
TEAMS = ("Nord", "Sud")
AGENCIES = ("Paris", "Lyon", "Lille", "Bordeaux")
CITIES = AGENCIES + ("Nantes", "Marseille", "Toulouse", "Strasbourg")
PRODUCTS = ("Logiciel CRM", "Licence Analytics", "Formation", "Support Premium")
SOURCES = ("Salon", "Site web", "Recommandation", "LinkedIn", "Partenaire", "Emailing")
SEGMENTS = ("PME", "ETI", "Grand compte")
LOST_REASONS = ("Prix", "Concurrent", "Pas de budget", "Timing", "Sans suite", "Besoin non confirmé")
PLANS = ("Standard", "BDR", "Junior")

_COMPANY_PREFIX = ("Transports", "Boulangeries", "Menuiserie", "Imprimerie", "Cabinet", "Garage", "Laboratoires",
                   "Hôtels", "Pharmacie", "Atelier", "Groupe", "Éditions", "Clinique", "Brasserie", "Maison",
                   "Agence", "Bureau d'études", "Entreprise", "Société", "Distribution", "Logistique", "Conseil",
                   "Architectes", "Ambulances", "Vins", "Fromagerie", "Électricité", "Plomberie", "Informatique",
                   "Assurances")
_COMPANY_NAME = ("Durand", "Lemoine", "Caron", "Renaud", "Barbier", "Arnaud", "Marchand", "Colin", "Gauthier",
                 "Masson", "Picard", "Noël", "Dumas", "Leroy", "Roussel", "Bertin", "Jacob", "Meunier", "Brun",
                 "Hubert", "Robin", "Giraud", "Leclerc", "Lucas", "Brunet", "Schmitt", "Denis", "Henry", "Roy",
                 "Joly", "Aubert", "Rey", "Riviere", "Moulin", "Charpentier", "Bailly", "Hamon", "Collet", "Prévost",
                 "Carré", "Tessier", "Royer", "Klein", "Besson", "Lacroix", "Huet", "Millet", "Marty", "Benoit",
                 "Vidal", "Perret", "Gilbert", "Boucher", "Baron", "Lecomte", "Poirier", "Navarro", "Cordier",
                 "Pons", "Maillard")
_COMPANY_FORM = ("", " SA", " SAS", " SARL", " & Fils", " Frères", " et Associés", " Industrie")

# --------------------------------------------------------------------------------------------------
# Words written in the workbook
# --------------------------------------------------------------------------------------------------
SHEET_NAMES: dict[str, dict[str, str]] = {
    "fr": {"deals": "Affaires", "activities": "Activités", "leads": "Prospects", "customers": "Clients",
           "targets": "Objectifs", "spend": "Dépenses", "surveys": "Enquêtes NPS", "team": "Équipe",
           "employee_surveys": "Baromètre interne"},
    "en": {"deals": "Deals", "activities": "Activities", "leads": "Leads", "customers": "Customers",
           "targets": "Targets", "spend": "Spend", "surveys": "NPS survey", "team": "Team",
           "employee_surveys": "Employee NPS"},
}

#: Sheet order in the workbook (``splits`` has no sheet: split deals are written in the rep cell).
SHEET_ORDER = ("deals", "activities", "leads", "customers", "targets", "spend", "surveys", "team", "employee_surveys")

HEADERS: dict[str, dict[str, dict[str, str]]] = {
    "fr": {
        "deals": {"deal_id": "N° affaire", "account": "Client", "customer_id": "N° client", "rep": "Commercial",
                  "stage": "Étape", "amount": "Montant HT (€)", "cost": "Coût", "created_date": "Date de création",
                  "close_date": "Date de signature", "expected_close_date": "Date de clôture prévue",
                  "probability": "Probabilité", "source": "Origine", "product": "Produit", "location": "Agence",
                  "deal_type": "Type d'affaire", "lost_reason": "Motif de perte", "list_price": "Prix catalogue",
                  "competitor_price": "Prix concurrent", "proposal_date": "Date de proposition",
                  "demo_date": "Date de démo"},
        "activities": {"date": "Date", "rep": "Commercial", "type": "Type", "outcome": "Résultat",
                       "deal_id": "N° affaire", "lead_id": "N° prospect", "customer_id": "N° client"},
        "leads": {"lead_id": "N° prospect", "created_at": "Date de création", "source": "Origine",
                  "campaign": "Campagne", "rep": "Commercial", "stage": "Statut", "mql_date": "Date MQL",
                  "sql_date": "Date SQL", "opportunity_date": "Date opportunité", "customer_date": "Date client",
                  "first_contact_at": "Premier contact", "response": "Réponse", "meeting_date": "Date RDV"},
        "customers": {"customer_id": "N° client", "name": "Raison sociale", "start_date": "Date de début",
                      "end_date": "Date de résiliation", "mrr": "MRR (€)", "segment": "Segment", "location": "Ville",
                      "source": "Origine", "rep": "Commercial"},
        "targets": {"rep": "Commercial", "period": "Mois", "quota": "Objectif (€)"},
        "spend": {"period": "Mois", "channel": "Canal", "category": "Catégorie", "amount": "Montant (€)"},
        "surveys": {"date": "Date", "customer_id": "N° client", "score": "Note NPS", "csat": "Satisfaction"},
        "team": {"rep": "Commercial", "role": "Poste", "team": "Équipe", "location": "Agence", "manager": "Manager",
                 "hire_date": "Date d'embauche", "leave_date": "Date de départ", "plan": "Plan de commission"},
        "employee_surveys": {"date": "Date", "rep": "Collaborateur", "score": "Note"},
    },
    "en": {
        "deals": {"deal_id": "Deal ID", "account": "Account", "customer_id": "Customer ID", "rep": "Owner",
                  "stage": "Stage", "amount": "Amount", "cost": "Cost", "created_date": "Created date",
                  "close_date": "Close date", "expected_close_date": "Expected close date",
                  "probability": "Probability", "source": "Lead source", "product": "Product", "location": "Office",
                  "deal_type": "Deal type", "lost_reason": "Loss reason", "list_price": "List price",
                  "competitor_price": "Competitor price", "proposal_date": "Proposal date",
                  "demo_date": "Demo date"},
        "activities": {"date": "Date", "rep": "Sales rep", "type": "Activity type", "outcome": "Outcome",
                       "deal_id": "Deal ID", "lead_id": "Lead ID", "customer_id": "Customer ID"},
        "leads": {"lead_id": "Lead ID", "created_at": "Created", "source": "Source", "campaign": "Campaign",
                  "rep": "Owner", "stage": "Lifecycle stage", "mql_date": "MQL date", "sql_date": "SQL date",
                  "opportunity_date": "Opportunity date", "customer_date": "Customer date",
                  "first_contact_at": "First contacted", "response": "Response", "meeting_date": "Meeting date"},
        "customers": {"customer_id": "Customer ID", "name": "Company", "start_date": "Start date",
                      "end_date": "Churn date", "mrr": "MRR", "segment": "Segment", "location": "City",
                      "source": "Source", "rep": "Account manager"},
        "targets": {"rep": "Sales rep", "period": "Month", "quota": "Quota"},
        "spend": {"period": "Month", "channel": "Channel", "category": "Category", "amount": "Amount"},
        "surveys": {"date": "Date", "customer_id": "Customer ID", "score": "NPS score", "csat": "CSAT"},
        "team": {"rep": "Sales rep", "role": "Role", "team": "Team", "location": "Office", "manager": "Manager",
                 "hire_date": "Hire date", "leave_date": "Leave date", "plan": "Comp plan"},
        "employee_surveys": {"date": "Date", "rep": "Employee", "score": "Score"},
    },
}

#: Canonical category value -> word written, per ``table.field``.
CATEGORY_WORDS: dict[str, dict[str, dict[str, str]]] = {
    "fr": {
        "deals.deal_type": {"new": "Nouveau", "upsell": "Upsell", "cross_sell": "Vente croisée",
                            "renewal": "Renouvellement"},
        "activities.type": {"call": "Appel", "email": "E-mail", "meeting": "Rendez-vous", "visit": "Visite",
                            "demo": "Démo"},
        "activities.outcome": {"done": "Réalisé", "no_answer": "Pas de réponse", "scheduled": "Planifié",
                               "canceled": "Annulé", "postponed": "Reporté"},
        "leads.stage": {"lead": "Lead", "mql": "MQL", "sql": "SQL", "opportunity": "Opportunité",
                        "customer": "Client", "disqualified": "Disqualifié"},
        "leads.response": {"positive": "Positive", "negative": "Négative", "empty": "Sans réponse"},
        "team.role": {"AE": "Chargé d'affaires", "BDR": "BDR", "SDR": "SDR", "manager": "Manager"},
        "spend.category": {"marketing": "Marketing", "sales": "Commercial"},
    },
    "en": {
        "deals.deal_type": {"new": "New business", "upsell": "Upsell", "cross_sell": "Cross-sell",
                            "renewal": "Renewal"},
        "activities.type": {"call": "Call", "email": "Email", "meeting": "Meeting", "visit": "Visit", "demo": "Demo"},
        "activities.outcome": {"done": "Completed", "no_answer": "No answer", "scheduled": "Scheduled",
                               "canceled": "Canceled", "postponed": "Postponed"},
        "leads.stage": {"lead": "Lead", "mql": "MQL", "sql": "SQL", "opportunity": "Opportunity",
                        "customer": "Customer", "disqualified": "Disqualified"},
        "leads.response": {"positive": "Positive", "negative": "Negative", "empty": "No response"},
        "team.role": {"AE": "Account Executive", "BDR": "BDR", "SDR": "SDR", "manager": "Sales Manager"},
        "spend.category": {"marketing": "Marketing", "sales": "Sales"},
    },
}

#: Deal stage key -> words as written; index 0 is the main word, others are synonyms (same status).
#: The truth's ``deals.stage`` holds the French words (synonyms mixed in); English workbooks use the
#: word of the same index.
STAGE_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "fr": {"prospecting": ("Prospection",), "qualification": ("Qualification",), "proposal": ("Proposition",),
           "negotiation": ("Négociation",), "won": ("Gagné", "Signé"), "lost": ("Perdu", "Abandonné")},
    "en": {"prospecting": ("Prospecting",), "qualification": ("Qualification",), "proposal": ("Proposal",),
           "negotiation": ("Negotiation",), "won": ("Closed Won", "Won"), "lost": ("Closed Lost", "Lost")},
}
_STAGE_STATUS = {"prospecting": "open", "qualification": "open", "proposal": "open", "negotiation": "open",
                 "won": "won", "lost": "lost"}

#: French truth value -> English word, for the free-text columns an English workbook writes in English.
VALUE_WORDS_EN: dict[str, dict[str, str]] = {
    "source": {"Salon": "Trade show", "Site web": "Website", "Recommandation": "Referral", "LinkedIn": "LinkedIn",
               "Partenaire": "Partner", "Emailing": "Email campaign"},
    "product": {"Logiciel CRM": "CRM Software", "Licence Analytics": "Analytics License", "Formation": "Training",
                "Support Premium": "Premium Support"},
    "segment": {"PME": "SMB", "ETI": "Mid-market", "Grand compte": "Enterprise"},
    "lost_reason": {"Prix": "Price", "Concurrent": "Competitor", "Pas de budget": "No budget", "Timing": "Bad timing",
                    "Sans suite": "No decision", "Besoin non confirmé": "No need"},
    "team": {"Nord": "North", "Sud": "South"},
}
#: Which (table, field) carries which vocabulary of VALUE_WORDS_EN (campaigns are translated by rule).
_TRANSLATED: dict[tuple[str, str], str] = {
    ("deals", "source"): "source", ("deals", "product"): "product", ("deals", "lost_reason"): "lost_reason",
    ("leads", "source"): "source", ("customers", "segment"): "segment", ("customers", "source"): "source",
    ("spend", "channel"): "source", ("team", "team"): "team",
}

MONTH_ABBR: dict[str, tuple[str, ...]] = {
    "fr": ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}

TITLES: dict[str, dict[str, str]] = {
    "fr": {"deals": "Suivi des affaires", "activities": "Journal des activités", "leads": "Suivi des prospects",
           "customers": "Portefeuille clients", "targets": "Objectifs mensuels",
           "spend": "Budget marketing et commercial", "surveys": "Enquêtes de satisfaction",
           "team": "Équipe commerciale", "employee_surveys": "Baromètre interne"},
    "en": {"deals": "Deal tracker", "activities": "Activity log", "leads": "Lead tracker",
           "customers": "Customer portfolio", "targets": "Monthly targets", "spend": "Marketing and sales spend",
           "surveys": "Customer satisfaction surveys", "team": "Sales team", "employee_surveys": "Employee NPS"},
}
_UPDATED = {"fr": "Mis à jour le {d:%d/%m/%Y}", "en": "Updated {d:%d %b %Y}"}
_TOTAL_WORD = {"fr": "Total", "en": "Total"}
_TITLE_DOC = {"fr": "Suivi commercial", "en": "Sales tracking"}
_TABLE_NAME = {"fr": "Tableau{i}", "en": "Table{i}"}

_NUM_FORMATS: dict[str, dict[str, str]] = {
    "fr": {"date": "dd/mm/yyyy", "datetime": "dd/mm/yyyy hh:mm", "month": "mmm yyyy", "money": '#,##0.00 "€"',
           "rate": "0%"},
    "en": {"date": "d mmm yyyy", "datetime": "yyyy-mm-dd hh:mm", "month": "mmm yyyy", "money": '"€"#,##0.00',
           "rate": "0%"},
}

# --------------------------------------------------------------------------------------------------
# Small numpy helpers (days are int64/float64 day numbers since 1970-01-01; NaN = missing)
# --------------------------------------------------------------------------------------------------
_NS_PER_DAY = 86_400 * 10**9
_NS_PER_MIN = 60 * 10**9
_EXCEL_EPOCH_OFFSET = 25569  # Excel serial of 1970-01-01 (1900 date system)


def _rng(seed: int, stream: int) -> np.random.Generator:
    """An independent generator per table, so changing one table never reshuffles another."""
    return np.random.default_rng([seed, stream])


def _day(ts: pd.Timestamp | str) -> int:
    return int(pd.Timestamp(ts).normalize().value // _NS_PER_DAY)


def _ns(values: np.ndarray, unit_ns: int) -> np.ndarray:
    """Day or minute numbers (float, NaN = missing) -> datetime64[ns] (NaT for missing)."""
    values = np.asarray(values, dtype="float64")
    out = np.full(values.shape, np.iinfo(np.int64).min, dtype=np.int64)
    ok = ~np.isnan(values)
    out[ok] = values[ok].astype(np.int64) * unit_ns
    return out.view("datetime64[ns]")


def _choice(rng: np.random.Generator, values: tuple | np.ndarray, p: list[float] | None, size: int) -> np.ndarray:
    """Draw ``size`` values (object array) with probabilities ``p``."""
    idx = rng.choice(len(values), size=size, p=None if p is None else np.asarray(p) / np.sum(p))
    return np.asarray(values, dtype=object)[idx]


def _choice_by(rng: np.random.Generator, group: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Per-row category index drawn from row ``group`` of a probability ``table`` (rows sum to 1)."""
    cum = np.cumsum(table / table.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(len(group))
    return np.minimum((u[:, None] > cum[group]).sum(axis=1), table.shape[1] - 1)


def _weekday(days: np.ndarray, lo: np.ndarray | int, hi: np.ndarray | int) -> np.ndarray:
    """Move weekend days to the Friday before, or the Monday after, when that stays in ``[lo, hi]``."""
    days = np.asarray(days, dtype=np.int64)
    dow = (days + 3) % 7  # 0 = Monday (1970-01-01 was a Thursday)
    back = days - (dow - 4)
    fwd = days + (7 - dow)
    weekend = dow >= 5
    out = np.where(weekend & (back >= lo), back, days)
    out = np.where(weekend & (back < lo) & (fwd <= hi), fwd, out)
    return out


def _uniform_days(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """A uniform integer day in ``[lo, hi]`` per row."""
    lo = np.asarray(lo, dtype=np.int64)
    span = np.maximum(np.asarray(hi, dtype=np.int64) - lo + 1, 1)
    return lo + np.floor(rng.random(len(lo)) * span).astype(np.int64)


def _ids(prefix: str, n: int, width: int = 4) -> np.ndarray:
    """``prefix`` + zero-padded numbers 1..n (object array of str)."""
    width = max(width, len(str(n)))
    nums = np.char.zfill(np.arange(1, n + 1).astype(str), width)
    return np.char.add(prefix, nums).astype(object)


def _company_names(rng: np.random.Generator, n: int, unique: bool) -> np.ndarray:
    """French company names; ``unique`` draws without repetition (suffixing a city past the combinations)."""
    a, b, c = len(_COMPANY_PREFIX), len(_COMPANY_NAME), len(_COMPANY_FORM)
    combos = a * b * c
    k = rng.permutation(max(n, combos))[:n] if unique else rng.integers(0, combos, n)
    base = np.char.add(np.char.add(np.asarray(_COMPANY_PREFIX)[(k // (b * c)) % a], " "),
                       np.asarray(_COMPANY_NAME)[(k // c) % b])
    names = np.char.add(base, np.asarray(_COMPANY_FORM)[k % c]).astype(object)
    generation = k // combos
    extra = generation > 0
    if extra.any():
        cities = np.asarray(CITIES)[generation[extra] % len(CITIES)]
        rounds = np.where(generation[extra] >= len(CITIES), np.char.add(" ", (generation[extra] // len(CITIES) + 1)
                                                                          .astype(str)), "")
        names[extra] = np.char.add(np.char.add(np.char.add(names[extra].astype(str), " "), cities), rounds)
    return names


# --------------------------------------------------------------------------------------------------
# Calendar and team
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Calendar:
    """The months covered and the day the workbook was last updated (the 15th of the last month)."""

    month_starts: np.ndarray  # int64 days, one per month
    month_ends: np.ndarray
    as_of: int
    target_months: np.ndarray  # month starts of the targets sheet: the covered months to December

    @property
    def start(self) -> int:
        return int(self.month_starts[0])

    @property
    def months(self) -> int:
        return len(self.month_starts)


def _calendar(end_month: str, months: int) -> _Calendar:
    last = pd.Period(end_month, "M")
    periods = pd.period_range(last - (months - 1), last, freq="M")
    starts = np.array([_day(p.start_time) for p in periods], dtype=np.int64)
    ends = np.array([_day(p.end_time) for p in periods], dtype=np.int64)
    target_periods = pd.period_range(periods[0], pd.Period(f"{last.year}-12", "M"), freq="M")
    targets = np.array([_day(p.start_time) for p in target_periods], dtype=np.int64)
    return _Calendar(starts, ends, int(starts[-1] + 14), targets)


def _calendar_month(days: np.ndarray) -> np.ndarray:
    """1..12 for each day number."""
    return _ns(days, _NS_PER_DAY).astype("datetime64[M]").astype(np.int64) % 12 + 1


# Seasonality by calendar month (French summer break in August, year-end push).
_SEASON = np.array([0.9, 1.0, 1.1, 1.0, 0.95, 1.1, 0.85, 0.45, 1.0, 1.1, 1.1, 0.9])


@dataclass(frozen=True)
class _Team:
    """The sales reps (the manager is added to the team table only)."""

    names: np.ndarray
    team: np.ndarray
    location: np.ndarray
    role: np.ndarray
    plan: np.ndarray
    hire: np.ndarray  # int days
    leave: np.ndarray  # float days, NaN while employed
    factor: np.ndarray  # relative productivity
    manager_hire: int

    @property
    def size(self) -> int:
        return len(self.names)

    @property
    def last_day(self) -> np.ndarray:
        """Last working day (leave date, else far future)."""
        return np.where(np.isnan(self.leave), 10**7, np.nan_to_num(self.leave)).astype(np.int64)

    def active(self, rep: np.ndarray, day: np.ndarray) -> np.ndarray:
        return (self.hire[rep] <= day) & (day <= self.last_day[rep])


def _rep_names(reps: int) -> list[str]:
    names = list(REP_NAMES[:reps])
    i = 0
    while len(names) < reps:
        first = _EXTRA_FIRST[i % len(_EXTRA_FIRST)]
        last = _EXTRA_LAST[(i * 7 + i // len(_EXTRA_FIRST)) % len(_EXTRA_LAST)]
        if f"{first} {last}" not in names:
            names.append(f"{first} {last}")
        i += 1
    return names


def _make_team(reps: int, cal: _Calendar, rng: np.random.Generator) -> _Team:
    """Reps in two teams; the last rep was hired 3 months before the end, the one before left last month."""
    idx = np.arange(reps)
    hire = cal.start - rng.integers(200, 2200, reps)
    hire = _weekday(hire, hire - 3, hire + 3)
    leave = np.full(reps, np.nan)
    role = np.where(idx == 2, "BDR", "AE").astype(object)
    plan = np.where(role == "BDR", "BDR", "Standard").astype(object)
    if reps >= 2:  # newcomer: hired on the 17th, three months before the last month
        hire[-1] = cal.month_starts[-4] + 16
        plan[-1] = "Junior"
    if reps >= 3:  # leaver: left on the 16th of the month before the last
        leave[-2] = cal.month_starts[-2] + 15
    return _Team(
        names=np.asarray(_rep_names(reps), dtype=object),
        team=np.asarray(TEAMS, dtype=object)[idx % 2],
        location=np.asarray(AGENCIES, dtype=object)[idx % 4],
        role=role,
        plan=plan,
        hire=hire.astype(np.int64),
        leave=leave,
        factor=rng.uniform(0.8, 1.2, reps),
        manager_hire=cal.start - 2400,
    )


def _pick_active_reps(team: _Team, days: np.ndarray, rng: np.random.Generator,
                      preferred: np.ndarray | None = None) -> np.ndarray:
    """A rep employed on each day: ``preferred`` when employed, else a random employed rep."""
    days = np.asarray(days, dtype=np.int64)
    rep = rng.integers(0, team.size, len(days)) if preferred is None else np.asarray(preferred).copy()
    for _ in range(40):
        bad = ~team.active(rep, days)
        if not bad.any():
            return rep
        rep[bad] = rng.integers(0, team.size, int(bad.sum()))
    rep[~team.active(rep, days)] = 0  # rep 0 is employed over the whole range
    return rep


# --------------------------------------------------------------------------------------------------
# Deals
# --------------------------------------------------------------------------------------------------
_STAGE_KEYS = ("prospecting", "qualification", "proposal", "negotiation")
_PRODUCT_BASE = np.array([12000.0, 9000.0, 3500.0, 6000.0])  # by PRODUCTS
_PRODUCT_COST = np.array([[0.25, 0.45], [0.20, 0.40], [0.45, 0.70], [0.35, 0.55]])
_SEGMENT_MULT = np.array([0.7, 1.3, 2.5])
_DEAL_TYPES = ("new", "upsell", "cross_sell", "renewal")
_TYPE_BY_STATUS = np.array([[0.45, 0.17, 0.13, 0.25],   # won
                            [0.70, 0.12, 0.12, 0.06],   # lost
                            [0.60, 0.15, 0.12, 0.13]])  # open
_PRODUCT_BY_TYPE = np.array([[0.45, 0.20, 0.20, 0.15],  # new
                             [0.30, 0.35, 0.15, 0.20],  # upsell
                             [0.05, 0.35, 0.40, 0.20],  # cross_sell
                             [0.35, 0.25, 0.00, 0.40]])  # renewal
_STATUS_CODES = ("won", "lost", "open")
# Referrals win more often than they lose (by SOURCES: Salon, Site web, Recommandation, LinkedIn, ...).
_SOURCE_BY_STATUS = np.array([[0.13, 0.20, 0.25, 0.15, 0.12, 0.15],
                              [0.15, 0.28, 0.08, 0.20, 0.12, 0.17],
                              [0.15, 0.25, 0.15, 0.18, 0.12, 0.15]])


def _closed_deal_slots(team: _Team, cal: _Calendar, scale: float, rng: np.random.Generator,
                       rate: float) -> tuple[np.ndarray, np.ndarray]:
    """(rep, close day) of the deals closed per rep and month: Poisson counts, at least one per full month."""
    lo = np.maximum(cal.month_starts[None, :], team.hire[:, None] + 10)
    hi = np.minimum(np.minimum(cal.month_ends[None, :], team.last_day[:, None]), cal.as_of)
    valid = hi >= lo
    growth = 1.0 + 0.01 * np.arange(cal.months)
    season = _SEASON[_calendar_month(cal.month_starts) - 1]
    months_in = (cal.month_starts[None, :] - team.hire[:, None]) / 30.4
    ramp = np.clip(months_in / 3.0, 0.3, 1.0)
    lam = rate * scale * team.factor[:, None] * (season * growth)[None, :] * ramp
    n = np.where(valid, rng.poisson(lam), 0)
    floor = valid & (hi - lo >= 9) & (cal.month_starts[None, :] > team.hire[:, None])
    n = np.where(floor, np.maximum(n, 1), n).ravel()
    cell = np.repeat(np.arange(n.size), n)
    rep = cell // cal.months
    lo_c, hi_c = lo.ravel()[cell], hi.ravel()[cell]
    return rep, _weekday(_uniform_days(rng, lo_c, hi_c), lo_c, hi_c)


def _deal_dates(team: _Team, cal: _Calendar, scale: float, rng: np.random.Generator) -> pd.DataFrame:
    """rep, status, created, close for every deal (closed ones by close month, open ones at the as-of day)."""
    won_rep, won_close = _closed_deal_slots(team, cal, scale, rng, 3.6)
    lost_rep, lost_close = _closed_deal_slots(team, cal, scale, rng, 3.0)
    won_cycle = 5 + rng.gamma(2.2, 22.0, len(won_rep))
    lost_cycle = 3 + rng.gamma(2.0, 17.0, len(lost_rep))
    open_reps = np.flatnonzero(team.active(np.arange(team.size), np.full(team.size, cal.as_of)))
    n_open = rng.poisson(18 * scale * team.factor[open_reps])
    open_rep = np.repeat(open_reps, n_open)
    open_created = cal.as_of - np.floor(rng.random(len(open_rep)) ** 1.4 * 150).astype(np.int64)
    rep = np.concatenate([won_rep, lost_rep, open_rep])
    close = np.concatenate([won_close, lost_close, np.full(len(open_rep), -1)]).astype(np.int64)
    cycle = np.minimum(np.concatenate([won_cycle, lost_cycle]), 300).astype(np.int64)
    created = np.concatenate([close[: len(cycle)] - cycle, open_created])
    created = np.maximum(created, team.hire[rep])
    created = _weekday(created, team.hire[rep], np.where(close >= 0, close, cal.as_of))
    status = np.repeat(np.arange(3), [len(won_rep), len(lost_rep), len(open_rep)])
    return pd.DataFrame({"rep": rep, "status": status, "created": created,
                         "close": np.where(status == 2, np.nan, close.astype(float))})


def _make_deals(team: _Team, cal: _Calendar, scale: float, rng: np.random.Generator) -> pd.DataFrame:
    """Every deal with its attributes (internal form: day numbers, category codes)."""
    d = _deal_dates(team, cal, scale, rng)
    n = len(d)
    status = d["status"].to_numpy()
    created = d["created"].to_numpy()
    end = np.where(status == 2, cal.as_of, np.nan_to_num(d["close"].to_numpy())).astype(np.int64)
    d["deal_type"] = _choice_by(rng, status, _TYPE_BY_STATUS)
    d["product"] = _choice_by(rng, d["deal_type"].to_numpy(), _PRODUCT_BY_TYPE)
    d["segment"] = rng.choice(3, n, p=[0.6, 0.3, 0.1])
    base = _PRODUCT_BASE[d["product"]] * _SEGMENT_MULT[d["segment"]] * rng.lognormal(0.0, 0.35, n)
    amount = np.maximum(np.round(base / 10.0) * 10.0, 500.0)
    d["amount"] = amount
    cost_band = _PRODUCT_COST[d["product"]]
    cost = np.round(amount * rng.uniform(cost_band[:, 0], cost_band[:, 1]), 2)
    d["cost"] = np.where(rng.random(n) < 0.9, cost, np.nan)
    discount = np.where(rng.random(n) < 0.2, 0.0, rng.uniform(0.02, 0.25, n))
    list_price = np.ceil(amount / (1.0 - discount) / 10.0) * 10.0
    d["list_price"] = np.where(rng.random(n) < 0.4, list_price, np.nan)
    competitor = np.round(amount * np.clip(1.0 + rng.normal(0.04, 0.12, n), 0.6, 1.6) / 10.0) * 10.0
    d["competitor_price"] = np.where(rng.random(n) < 0.25, competitor, np.nan)
    d["source"] = _choice_by(rng, status, _SOURCE_BY_STATUS)
    own = rng.random(n) < 0.9
    d["location"] = np.where(own, team.location[d["rep"]], _choice(rng, AGENCIES, None, n))
    d["lost_reason"] = np.where((status == 1) & (rng.random(n) < 0.95),
                                rng.choice(len(LOST_REASONS), n, p=[0.3, 0.25, 0.18, 0.12, 0.08, 0.07]), -1)
    _stages(d, rng)
    _deal_milestones(d, created, end, status, cal, rng)
    return d.sort_values(["created", "rep", "close"], kind="stable").reset_index(drop=True)


def _stages(d: pd.DataFrame, rng: np.random.Generator) -> None:
    """stage key, synonym variant and (for some open deals) a probability consistent with the stage."""
    status = d["status"].to_numpy()
    n = len(d)
    open_key = rng.choice(4, n, p=[0.3, 0.25, 0.25, 0.2])
    key = np.where(status == 0, 4, np.where(status == 1, 5, open_key))
    d["stage_key"] = key
    d["stage_variant"] = np.where(status == 0, rng.random(n) < 0.2, np.where(status == 1, rng.random(n) < 0.15, 0))
    lo = np.array([5, 20, 40, 60, 0, 0])[key]
    steps = np.array([4, 5, 5, 7, 1, 1])[key]
    p = (lo + 5 * np.floor(rng.random(n) * steps)) / 100.0
    d["probability"] = np.where((status == 2) & (rng.random(n) < 0.55), p, np.nan)


def _deal_milestones(d: pd.DataFrame, created: np.ndarray, end: np.ndarray, status: np.ndarray, cal: _Calendar,
                     rng: np.random.Generator) -> None:
    """proposal, demo and expected close dates, consistent with created and close dates."""
    n = len(d)
    span = np.maximum(end - created, 0)
    key = d["stage_key"].to_numpy()
    p_prop = np.where(status == 0, 0.92, np.where(status == 1, 0.55, np.where(key >= 2, 0.95, 0.0)))
    has_prop = rng.random(n) < p_prop
    prop = created + np.floor((0.35 + 0.45 * rng.random(n)) * span).astype(np.int64)
    d["proposal"] = np.where(has_prop, prop, np.nan)
    has_demo = rng.random(n) < np.where(has_prop, 0.55, 0.15)
    demo_end = np.where(has_prop, prop, end)
    demo = created + np.floor((0.1 + 0.3 * rng.random(n)) * (demo_end - created)).astype(np.int64)
    d["demo"] = np.where(has_demo, demo, np.nan)
    planned = created + np.maximum(np.round(span * rng.uniform(0.7, 1.3, n)), 1)
    expected_open = np.maximum(cal.as_of + rng.integers(-20, 110, n), created + 7)
    expected = np.where(status == 2, expected_open, np.where(rng.random(n) < 0.8, planned, np.nan))
    d["expected"] = expected.astype(float)


# --------------------------------------------------------------------------------------------------
# Customers (base customers + one per won "new" deal) and the deals' accounts
# --------------------------------------------------------------------------------------------------
_CHURN_PER_MONTH = np.array([0.018, 0.011, 0.006])  # by segment


def _make_customers(deals: pd.DataFrame, team: _Team, cal: _Calendar, scale: float,
                    rng: np.random.Generator) -> pd.DataFrame:
    """Customers (internal form) sorted by start date; sets deals' ``customer`` index and ``account``."""
    n_base = max(20, int(round(140 * scale)))
    won_new = np.flatnonzero((deals["status"].to_numpy() == 0) & (deals["deal_type"].to_numpy() == 0))
    start = np.concatenate([cal.start - rng.integers(30, 5 * 365, n_base),
                            deals["close"].to_numpy()[won_new].astype(np.int64)])
    evergreen = np.zeros(len(start), dtype=bool)
    evergreen[: max(5, n_base // 7)] = True
    start[evergreen] = np.minimum(start[evergreen], cal.start - 400)
    segment = np.concatenate([rng.choice(3, n_base, p=[0.6, 0.3, 0.1]), deals["segment"].to_numpy()[won_new]])
    c = pd.DataFrame({
        "start": start,
        "segment": segment,
        "location": np.concatenate([_choice(rng, CITIES, None, n_base), deals["location"].to_numpy()[won_new]]),
        "source": np.concatenate([rng.choice(len(SOURCES), n_base), deals["source"].to_numpy()[won_new]]),
        "rep": np.concatenate([_pick_active_reps(team, np.full(n_base, cal.start), rng),
                               deals["rep"].to_numpy()[won_new]]),
        "deal": np.concatenate([np.full(n_base, -1), won_new]),
        "evergreen": evergreen,
    })
    mrr = np.array([350.0, 1200.0, 4000.0])[segment] * rng.lognormal(0.0, 0.4, len(c))
    c["mrr"] = np.round(mrr / 5.0) * 5.0
    c["end"] = _churn_days(c, cal, rng)
    c = c.sort_values(["start", "deal"], kind="stable").reset_index(drop=True)
    c["name"] = _company_names(rng, len(c), unique=True)
    _link_deals(deals, c, cal, rng)
    return c


def _churn_days(c: pd.DataFrame, cal: _Calendar, rng: np.random.Generator) -> np.ndarray:
    """End dates: exponential churn by segment, a few early churns after a new deal, >= 1 churn per month."""
    n = len(c)
    start = c["start"].to_numpy()
    t0 = np.maximum(start, cal.start - 365)
    end = t0 + 30 + np.floor(rng.exponential(30.4 / _CHURN_PER_MONTH[c["segment"].to_numpy()])).astype(np.int64)
    early = (c["deal"].to_numpy() >= 0) & (rng.random(n) < 0.04)
    end = np.where(early, start + rng.integers(30, 120, n), end).astype(float)
    end[c["evergreen"].to_numpy() | (end > cal.as_of)] = np.nan
    for m in range(cal.months):  # at least one churned customer every month (24 iterations, not rows)
        lo, hi = int(cal.month_starts[m]), int(min(cal.month_ends[m], cal.as_of))
        if ((end >= lo) & (end <= hi)).any():
            continue
        candidates = np.flatnonzero((start < lo) & np.isnan(end) & ~c["evergreen"].to_numpy())
        if len(candidates):
            end[rng.choice(candidates)] = rng.integers(lo, hi + 1)
    return end


def _random_active_customers(c: pd.DataFrame, first: np.ndarray, until: np.ndarray,
                             rng: np.random.Generator) -> np.ndarray:
    """A customer started before ``first`` and still active on ``until``, per row (evergreen fallback)."""
    start = c["start"].to_numpy()  # sorted
    end = np.nan_to_num(c["end"].to_numpy(), nan=10**7)
    k = np.searchsorted(start, first, side="left")
    out = np.full(len(first), -1)
    todo = np.flatnonzero(k > 0)
    for _ in range(30):
        if not len(todo):
            break
        pick = np.floor(rng.random(len(todo)) * k[todo]).astype(np.int64)
        ok = end[pick] >= until[todo]
        out[todo[ok]] = pick[ok]
        todo = todo[~ok]
    missing = out < 0
    if missing.any():
        evergreen = np.flatnonzero(c["evergreen"].to_numpy())
        out[missing] = evergreen[rng.integers(0, len(evergreen), int(missing.sum()))]
    return out


def _link_deals(deals: pd.DataFrame, c: pd.DataFrame, cal: _Calendar, rng: np.random.Generator) -> None:
    """Won new deals point to their customer, other non-new deals to an active customer, the rest to prospects."""
    n = len(deals)
    customer = np.full(n, -1)
    from_deal = c["deal"].to_numpy()
    has_deal = from_deal >= 0
    customer[from_deal[has_deal]] = np.flatnonzero(has_deal)
    existing = deals["deal_type"].to_numpy() != 0
    until = np.where(deals["status"].to_numpy() == 2, cal.as_of, np.nan_to_num(deals["close"].to_numpy()))
    idx = np.flatnonzero(existing)
    customer[idx] = _random_active_customers(c, deals["created"].to_numpy()[idx], until[idx], rng)
    deals["customer"] = customer
    account = _company_names(rng, n, unique=False)
    linked = customer >= 0
    account[linked] = c["name"].to_numpy()[customer[linked]]
    deals["account"] = account


# --------------------------------------------------------------------------------------------------
# Splits, leads, activities, surveys, targets, spend
# --------------------------------------------------------------------------------------------------
_SHARES = np.array([[0.6, 0.4], [0.7, 0.3], [0.5, 0.5], [0.8, 0.2]])


def _make_splits(deals: pd.DataFrame, team: _Team, cal: _Calendar, rng: np.random.Generator) -> pd.DataFrame:
    """About 7 % of deals shared by two reps employed over the whole deal; the primary rep is listed first."""
    n = len(deals)
    rep = deals["rep"].to_numpy()
    second = (rep + rng.integers(1, max(team.size, 2), n)) % team.size
    created = deals["created"].to_numpy()
    end = np.where(deals["status"].to_numpy() == 2, cal.as_of, np.nan_to_num(deals["close"].to_numpy()))
    ok = (rng.random(n) < 0.07) & (second != rep) & team.active(second, created) & team.active(second, end)
    idx = np.flatnonzero(ok)
    shares = _SHARES[rng.integers(0, len(_SHARES), len(idx))]
    return pd.DataFrame({
        "deal": np.repeat(idx, 2),
        "rep": np.column_stack([rep[idx], second[idx]]).ravel(),
        "share": shares.ravel(),
    })


def _monthly_counts(cal: _Calendar, rate: float, scale: float, rng: np.random.Generator, floor: int) -> np.ndarray:
    growth = 1.0 + 0.01 * np.arange(cal.months)
    lam = rate * scale * _SEASON[_calendar_month(cal.month_starts) - 1] * growth
    lam[-1] *= (cal.as_of - cal.month_starts[-1] + 1) / 30.4
    return np.maximum(rng.poisson(lam), floor)


def _days_in_months(cal: _Calendar, counts: np.ndarray, rng: np.random.Generator, weekdays: float) -> np.ndarray:
    """Uniform days inside each month (up to the as-of day), ``counts[m]`` of them; mostly weekdays."""
    m = np.repeat(np.arange(cal.months), counts)
    lo, hi = cal.month_starts[m], np.minimum(cal.month_ends[m], cal.as_of)
    days = _uniform_days(rng, lo, hi)
    move = rng.random(len(days)) < weekdays
    return np.where(move, _weekday(days, lo, hi), days)


def _make_leads(team: _Team, cal: _Calendar, scale: float, rng: np.random.Generator) -> pd.DataFrame:
    """Leads with a monotonic lifecycle (created -> MQL -> SQL -> opportunity -> customer), contacts, responses."""
    day = _days_in_months(cal, _monthly_counts(cal, 70.0, scale, rng, 5), rng, 0.85)
    n = len(day)
    created_min = day * 1440 + 8 * 60 + rng.integers(0, 11 * 60, n)
    lf = pd.DataFrame({"day": day, "created_min": created_min})
    lf["source"] = rng.choice(len(SOURCES), n, p=[0.14, 0.3, 0.1, 0.22, 0.08, 0.16])
    quarter = (_calendar_month(day) - 1) // 3 + 1
    year = _ns(day, _NS_PER_DAY).astype("datetime64[Y]").astype(np.int64) + 1970
    lf["campaign_q"] = np.where(rng.random(n) < 0.7, quarter, 0)
    lf["campaign_y"] = year
    lf["rep"] = _pick_active_reps(team, day, rng)
    steps = [(0.55, 0, 1.2, 2.0), (0.55, 1, 1.5, 3.0), (0.6, 1, 1.5, 4.0), (0.35, 3, 2.0, 7.0)]
    prev = day.astype(float)
    reached = np.ones(n, dtype=bool)
    for name, (p, shift, k, theta) in zip(("mql", "sql", "opportunity", "customer"), steps):
        nxt = prev + shift + np.floor(rng.gamma(k, theta, n))
        reached = reached & (rng.random(n) < p) & (nxt <= cal.as_of)
        lf[name] = np.where(reached, nxt, np.nan)
        prev = nxt
    level = sum((~np.isnan(lf[s].to_numpy())).astype(int) for s in ("mql", "sql", "opportunity", "customer"))
    disqualified = (level < 4) & (rng.random(n) < 0.35) & (day < cal.as_of - 20)
    lf["stage"] = np.where(disqualified, 5, level)  # index into schema.LEAD_STAGES
    contacted = (level >= 1) | (rng.random(n) < 0.8)
    delay = np.minimum(np.round(rng.lognormal(np.log(240.0), 1.1, n)), 20 * 1440)
    first = created_min + delay
    contacted &= first <= cal.as_of * 1440 + 17 * 60
    lf["first_min"] = np.where(contacted, first, np.nan)
    u = rng.random(n)
    response = np.where(level >= 2, 0, np.where(u < 0.12, 0, np.where(u < 0.47, 1, np.where(u < 0.75, 2, -1))))
    lf["response"] = np.where(contacted, response, -1)  # index into schema.LEAD_RESPONSES, -1 = blank
    first_day = np.floor(np.nan_to_num(first) / 1440)
    meeting = first_day + rng.integers(2, 16, n)
    has_meeting = (lf["response"].to_numpy() == 0) & (rng.random(n) < 0.75) & (meeting <= cal.as_of)
    lf["meeting"] = np.where(has_meeting, meeting, np.nan)
    return lf.sort_values("created_min", kind="stable").reset_index(drop=True)


_ACT_TYPES = ("call", "email", "meeting", "visit", "demo")
_ACT_OUTCOMES = ("done", "no_answer", "scheduled", "canceled", "postponed")
_OUTCOME_BY_TYPE = np.array([[0.55, 0.35, 0.00, 0.05, 0.05],   # call
                             [0.93, 0.07, 0.00, 0.00, 0.00],   # email
                             [0.72, 0.00, 0.04, 0.12, 0.12],   # meeting
                             [0.85, 0.00, 0.00, 0.07, 0.08],   # visit
                             [0.85, 0.00, 0.00, 0.07, 0.08]])  # demo


def _deal_activities(deals: pd.DataFrame, cal: _Calendar, rng: np.random.Generator) -> pd.DataFrame:
    """Touches on each deal during its life, plus a demo activity on each deal's demo date."""
    status = deals["status"].to_numpy()
    created = deals["created"].to_numpy()
    end = np.where(status == 2, cal.as_of, np.nan_to_num(deals["close"].to_numpy())).astype(np.int64)
    k = rng.poisson(np.array([2.4, 1.8, 1.4])[status])
    idx = np.repeat(np.arange(len(deals)), k)
    day = _weekday(_uniform_days(rng, created[idx], end[idx]), created[idx], end[idx])
    kind = rng.choice(4, len(idx), p=[0.35, 0.35, 0.2, 0.1])
    demo = np.flatnonzero(~np.isnan(deals["demo"].to_numpy()))
    existing = deals["deal_type"].to_numpy() != 0
    deal = np.concatenate([idx, demo])
    return pd.DataFrame({
        "day": np.concatenate([day, deals["demo"].to_numpy()[demo].astype(np.int64)]),
        "rep": deals["rep"].to_numpy()[deal],
        "type": np.concatenate([kind, np.full(len(demo), 4)]),
        "deal": deal,
        "lead": -1,
        "customer": np.where(existing[deal], deals["customer"].to_numpy()[deal], -1),
    })


def _lead_activities(leads: pd.DataFrame, team: _Team, rng: np.random.Generator) -> pd.DataFrame:
    """The first contact of each contacted lead and the meeting of leads that booked one."""
    first = leads["first_min"].to_numpy()
    contacted = np.flatnonzero(~np.isnan(first))
    met = np.flatnonzero(~np.isnan(leads["meeting"].to_numpy()))
    lead = np.concatenate([contacted, met])
    day = np.concatenate([np.floor(first[contacted] / 1440), leads["meeting"].to_numpy()[met]]).astype(np.int64)
    kind = np.concatenate([rng.choice(2, len(contacted), p=[0.6, 0.4]), np.full(len(met), 2)])
    rep = _pick_active_reps(team, day, rng, preferred=leads["rep"].to_numpy()[lead])
    return pd.DataFrame({"day": day, "rep": rep, "type": kind, "deal": -1, "lead": lead, "customer": -1})


def _customer_activities(customers: pd.DataFrame, team: _Team, cal: _Calendar, n: int,
                         rng: np.random.Generator) -> pd.DataFrame:
    """Account-management calls, meetings and visits with customers active that day."""
    day = _weekday(rng.integers(cal.start, cal.as_of + 1, n), cal.start, cal.as_of)
    customer = _random_active_customers(customers, day + 1, day, rng)
    rep = _pick_active_reps(team, day, rng, preferred=customers["rep"].to_numpy()[customer])
    kind = rng.choice(4, n, p=[0.4, 0.1, 0.3, 0.2])
    return pd.DataFrame({"day": day, "rep": rep, "type": kind, "deal": -1, "lead": -1, "customer": customer})


def _free_activities(team: _Team, lo: int, hi: int, n: int, rng: np.random.Generator,
                     p: list[float]) -> pd.DataFrame:
    """Unlinked activities (prospecting calls and e-mails, or planned ones after the as-of day)."""
    day = _weekday(rng.integers(lo, hi + 1, n), lo, hi)
    rep = _pick_active_reps(team, np.minimum(day, hi), rng)
    return pd.DataFrame({"day": day, "rep": rep, "type": rng.choice(5, n, p=p), "deal": -1, "lead": -1,
                         "customer": -1})


def _make_activities(deals: pd.DataFrame, leads: pd.DataFrame, customers: pd.DataFrame, team: _Team,
                     cal: _Calendar, scale: float, rng: np.random.Generator) -> pd.DataFrame:
    """Exactly ``round(ACTIVITIES_PER_SCALE * scale)`` activities: linked ones first, prospecting to fill."""
    total = max(int(round(ACTIVITIES_PER_SCALE * scale)), 10)
    planned = _free_activities(team, cal.as_of + 1, cal.as_of + 21, max(total // 100, 1), rng,
                               [0.3, 0.0, 0.5, 0.1, 0.1])
    planned["rep"] = _pick_active_reps(team, np.full(len(planned), cal.as_of), rng, planned["rep"].to_numpy())
    linked = pd.concat([_deal_activities(deals, cal, rng), _lead_activities(leads, team, rng),
                        _customer_activities(customers, team, cal, int(round(total * 0.15)), rng)],
                       ignore_index=True)
    room = total - len(planned)
    if len(linked) > room:
        linked = linked.iloc[np.sort(rng.choice(len(linked), room, replace=False))]
    fill = _free_activities(team, cal.start, cal.as_of, room - len(linked), rng, [0.65, 0.35, 0.0, 0.0, 0.0])
    a = pd.concat([linked, fill, planned], ignore_index=True)
    outcome = _choice_by(rng, a["type"].to_numpy(), _OUTCOME_BY_TYPE)
    a["outcome"] = np.where(a["day"].to_numpy() > cal.as_of, 2, outcome)
    a["order"] = rng.random(len(a))
    return a.sort_values(["day", "rep", "order"], kind="stable").reset_index(drop=True)


_NPS_P = np.array([0.02, 0.01, 0.02, 0.03, 0.04, 0.06, 0.07, 0.12, 0.18, 0.22, 0.23])
_ENPS_P = np.array([0.01, 0.01, 0.02, 0.03, 0.05, 0.08, 0.10, 0.18, 0.22, 0.18, 0.12])


def _make_surveys(customers: pd.DataFrame, cal: _Calendar, scale: float, rng: np.random.Generator) -> pd.DataFrame:
    """NPS (0-10) and CSAT (1-5, sometimes blank) answers from customers active that day."""
    day = _days_in_months(cal, _monthly_counts(cal, 18.0, scale, rng, 3), rng, 0.9)
    n = len(day)
    score = rng.choice(11, n, p=_NPS_P)
    csat = np.clip(np.round(score / 2.5 + rng.normal(0.6, 0.6, n)), 1, 5)
    surveys = pd.DataFrame({
        "day": day,
        "customer": _random_active_customers(customers, day + 1, day, rng),
        "score": score.astype(float),
        "csat": np.where(rng.random(n) < 0.9, csat, np.nan),
    })
    return surveys.sort_values("day", kind="stable").reset_index(drop=True)


def _make_employee_surveys(team: _Team, cal: _Calendar, rng: np.random.Generator) -> pd.DataFrame:
    """A monthly pulse: each employed rep (and the manager) answers most months around the 20th."""
    people = team.size + 1
    hire = np.append(team.hire, team.manager_hire)
    last = np.append(team.last_day, 10**7)
    day = cal.month_starts[None, :] + rng.integers(14, 25, (people, cal.months))
    answered = (rng.random((people, cal.months)) < 0.85) | (np.arange(people)[:, None] == 0)
    keep = answered & (hire[:, None] <= day) & (day <= last[:, None]) & (day <= cal.as_of)
    who, month = np.nonzero(keep)
    days = day[who, month]
    order = np.lexsort((who, days))
    return pd.DataFrame({"day": days[order], "person": who[order],
                         "score": rng.choice(11, len(order), p=_ENPS_P).astype(float)})


def _make_targets(team: _Team, cal: _Calendar, scale: float) -> pd.DataFrame:
    """Monthly quota per rep for every month employed, to December of the last year (raised each January)."""
    months = cal.target_months
    ends = np.append(months[1:] - 1, months[-1] + 30)
    year = _ns(months, _NS_PER_DAY).astype("datetime64[Y]").astype(np.int64)
    raise_ = 1.0 + 0.08 * (year - year[0])
    quota = np.round(32000.0 * team.factor[:, None] * raise_[None, :] * scale / 500.0) * 500.0
    employed = (team.hire[:, None] <= ends[None, :]) & (months[None, :] <= team.last_day[:, None])
    rep, m = np.nonzero(employed)
    return pd.DataFrame({"rep": rep, "month": months[m], "quota": quota[rep, m]})


# Spend lines: (channel index in SOURCES, category, monthly base, bump in trade-show months)
_SPEND_LINES = ((0, "marketing", 500.0, 6000.0), (1, "marketing", 2500.0, 0.0), (3, "marketing", 1800.0, 0.0),
                (5, "marketing", 600.0, 0.0), (4, "marketing", 900.0, 0.0), (0, "sales", 0.0, 2000.0),
                (4, "sales", 1500.0, 0.0), (2, "sales", 700.0, 0.0))
_SHOW_MONTHS = (3, 6, 10)


def _make_spend(cal: _Calendar, scale: float, rng: np.random.Generator) -> pd.DataFrame:
    """Spend per month, channel and category (marketing / sales); zero lines are left out."""
    cm = _calendar_month(cal.month_starts)
    show = np.isin(cm, _SHOW_MONTHS)
    rows = []
    for channel, category, base, bump in _SPEND_LINES:  # 8 lines, vectorised over months
        amount = (base + bump * show) * scale * rng.uniform(0.85, 1.15, cal.months)
        rows.append(pd.DataFrame({"month": cal.month_starts, "channel": channel, "category": category,
                                  "amount": np.round(amount, 2)}))
    s = pd.concat(rows, ignore_index=True)
    s = s[s["amount"] > 0]
    return s.sort_values(["month"], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------------------------------
# Truth: internal frames -> canonical tables in schema dtypes
# --------------------------------------------------------------------------------------------------
def _obj(values: Any) -> np.ndarray:
    """An object array of str with NaN for missing (the schema's text/name/category/id dtype)."""
    arr = np.asarray(values, dtype=object)
    out = arr.copy()
    missing = pd.isna(arr)
    out[missing] = np.nan
    return out


def _pick(words: tuple[str, ...] | np.ndarray, codes: Any) -> np.ndarray:
    """Words for integer codes, NaN for -1."""
    codes = np.asarray(codes)
    out = np.asarray(words, dtype=object)[np.clip(codes, 0, None)]
    out[codes < 0] = np.nan
    return out


def conform(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """``frame`` with the columns of ``table`` in schema order and dtypes (derived columns kept last)."""
    spec = TABLES[table]
    derived = [f for f in DERIVED.get(table, ()) if f.name in frame.columns]
    out = {}
    for f in (*spec.fields, *derived):
        if f.name not in frame.columns:
            continue
        col = frame[f.name]
        if f.kind in ("date", "month"):
            out[f.name] = pd.Series(col.to_numpy(), index=frame.index).astype("datetime64[ns]").dt.normalize()
        elif f.kind == "datetime":
            out[f.name] = col.astype("datetime64[ns]")
        elif f.kind in ("money", "number", "rate"):
            out[f.name] = col.astype("float64")
        else:
            out[f.name] = pd.Series(_obj(col.to_numpy()), index=frame.index, dtype=object)
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)))


def _deals_table(d: pd.DataFrame, team: _Team, customer_ids: np.ndarray) -> pd.DataFrame:
    ids = (np.arange(len(d)) + 1001).astype(str).astype(object)
    keys = ("prospecting", "qualification", "proposal", "negotiation", "won", "lost")
    words = np.array([[STAGE_WORDS["fr"][k][min(v, len(STAGE_WORDS["fr"][k]) - 1)] for v in range(2)] for k in keys],
                     dtype=object)
    stage_words = words[d["stage_key"].to_numpy(), d["stage_variant"].to_numpy().astype(int)]
    customer = d["customer"].to_numpy()
    return conform(pd.DataFrame({
        "deal_id": ids,
        "account": d["account"].to_numpy(),
        "customer_id": np.where(customer >= 0, customer_ids[np.clip(customer, 0, None)], np.nan),
        "rep": team.names[d["rep"].to_numpy()],
        "stage": stage_words,
        "amount": d["amount"],
        "cost": d["cost"],
        "created_date": _ns(d["created"], _NS_PER_DAY),
        "close_date": _ns(d["close"], _NS_PER_DAY),
        "expected_close_date": _ns(d["expected"], _NS_PER_DAY),
        "probability": d["probability"],
        "source": _pick(SOURCES, d["source"]),
        "product": _pick(PRODUCTS, d["product"]),
        "location": d["location"].to_numpy(),
        "deal_type": _pick(_DEAL_TYPES, d["deal_type"]),
        "lost_reason": _pick(LOST_REASONS, d["lost_reason"]),
        "list_price": d["list_price"],
        "competitor_price": d["competitor_price"],
        "proposal_date": _ns(d["proposal"], _NS_PER_DAY),
        "demo_date": _ns(d["demo"], _NS_PER_DAY),
        "status": _pick(_STATUS_CODES, d["status"]),
    }), "deals")


def _campaigns(source: np.ndarray, quarter: np.ndarray, year: np.ndarray) -> np.ndarray:
    """French campaign names "Emailing T4 2026" (NaN where the lead came without a campaign)."""
    names = np.char.add(np.char.add(np.char.add(np.asarray(SOURCES)[source], " T"), quarter.astype(str)),
                        np.char.add(" ", year.astype(str))).astype(object)
    names[quarter == 0] = np.nan
    return names


def _leads_table(lf: pd.DataFrame, team: _Team) -> pd.DataFrame:
    return conform(pd.DataFrame({
        "lead_id": _ids("L-", len(lf), 5),
        "created_at": _ns(lf["created_min"], _NS_PER_MIN),
        "source": _pick(SOURCES, lf["source"]),
        "campaign": _campaigns(lf["source"].to_numpy(), lf["campaign_q"].to_numpy(), lf["campaign_y"].to_numpy()),
        "rep": team.names[lf["rep"].to_numpy()],
        "stage": _pick(LEAD_STAGES, lf["stage"]),
        "mql_date": _ns(lf["mql"], _NS_PER_DAY),
        "sql_date": _ns(lf["sql"], _NS_PER_DAY),
        "opportunity_date": _ns(lf["opportunity"], _NS_PER_DAY),
        "customer_date": _ns(lf["customer"], _NS_PER_DAY),
        "first_contact_at": _ns(lf["first_min"], _NS_PER_MIN),
        "response": _pick(LEAD_RESPONSES, lf["response"]),
        "meeting_date": _ns(lf["meeting"], _NS_PER_DAY),
    }), "leads")


def _customers_table(c: pd.DataFrame, team: _Team, ids: np.ndarray) -> pd.DataFrame:
    return conform(pd.DataFrame({
        "customer_id": ids,
        "name": c["name"].to_numpy(),
        "start_date": _ns(c["start"], _NS_PER_DAY),
        "end_date": _ns(c["end"], _NS_PER_DAY),
        "mrr": c["mrr"],
        "segment": _pick(SEGMENTS, c["segment"]),
        "location": c["location"].to_numpy(),
        "source": _pick(SOURCES, c["source"]),
        "rep": team.names[c["rep"].to_numpy()],
    }), "customers")


def _activities_table(a: pd.DataFrame, team: _Team, deal_ids: np.ndarray, lead_ids: np.ndarray,
                      customer_ids: np.ndarray) -> pd.DataFrame:
    return conform(pd.DataFrame({
        "date": _ns(a["day"], _NS_PER_DAY),
        "rep": team.names[a["rep"].to_numpy()],
        "type": _pick(_ACT_TYPES, a["type"]),
        "outcome": _pick(_ACT_OUTCOMES, a["outcome"]),
        "deal_id": _pick(deal_ids, a["deal"]),
        "lead_id": _pick(lead_ids, a["lead"]),
        "customer_id": _pick(customer_ids, a["customer"]),
    }), "activities")


def _team_table(team: _Team) -> pd.DataFrame:
    return conform(pd.DataFrame({
        "rep": np.append(team.names, MANAGER_NAME),
        "role": np.append(team.role, "manager"),
        "team": np.append(team.team, np.nan),
        "location": np.append(team.location, "Paris"),
        "manager": np.append(np.full(team.size, MANAGER_NAME, dtype=object), np.nan),
        "hire_date": _ns(np.append(team.hire, team.manager_hire).astype(float), _NS_PER_DAY),
        "leave_date": _ns(np.append(team.leave, np.nan), _NS_PER_DAY),
        "plan": np.append(team.plan, np.nan),
    }), "team")


def build_truth(seed: int = 7, reps: int = 6, end_month: str = "2026-11", months: int = 24,
                scale: float = 1.0) -> dict[str, pd.DataFrame]:
    """The canonical tables of a French B2B sales team over ``months`` months ending with ``end_month``.

    The workbook is "as of" the 15th of ``end_month``: nothing happens later, except a few planned
    activities. With ``reps >= 3`` the last rep was hired three months before the end (the 17th) and the
    one before left on the 16th of the month before the last; every other month each employed rep wins
    and loses at least one deal, and at least one customer churns. ``scale`` multiplies the row counts
    (not the team, the targets grid or the spend grid); activities are exactly
    ``round(ACTIVITIES_PER_SCALE * scale)`` rows. Deterministic for given arguments.
    """
    if reps < 1 or months < 6 or scale <= 0:
        raise ValueError("need reps >= 1, months >= 6 and scale > 0")
    cal = _calendar(end_month, months)
    team = _make_team(reps, cal, _rng(seed, 1))
    deals = _make_deals(team, cal, scale, _rng(seed, 2))
    customers = _make_customers(deals, team, cal, scale, _rng(seed, 3))
    splits = _make_splits(deals, team, cal, _rng(seed, 4))
    leads = _make_leads(team, cal, scale, _rng(seed, 5))
    activities = _make_activities(deals, leads, customers, team, cal, scale, _rng(seed, 6))
    surveys = _make_surveys(customers, cal, scale, _rng(seed, 7))
    employee = _make_employee_surveys(team, cal, _rng(seed, 8))
    targets = _make_targets(team, cal, scale)
    spend = _make_spend(cal, scale, _rng(seed, 9))

    customer_ids = _ids("C-", len(customers), 4)
    deals_t = _deals_table(deals, team, customer_ids)
    leads_t = _leads_table(leads, team)
    people = np.append(team.names, MANAGER_NAME)
    return {
        "deals": deals_t,
        "activities": _activities_table(activities, team, deals_t["deal_id"].to_numpy(dtype=object),
                                        leads_t["lead_id"].to_numpy(dtype=object), customer_ids),
        "leads": leads_t,
        "customers": _customers_table(customers, team, customer_ids),
        "targets": conform(pd.DataFrame({"rep": team.names[targets["rep"].to_numpy()],
                                         "period": _ns(targets["month"], _NS_PER_DAY),
                                         "quota": targets["quota"]}), "targets"),
        "spend": conform(pd.DataFrame({"period": _ns(spend["month"], _NS_PER_DAY),
                                       "channel": _pick(SOURCES, spend["channel"]),
                                       "category": spend["category"].to_numpy(dtype=object),
                                       "amount": spend["amount"]}), "spend"),
        "surveys": conform(pd.DataFrame({"date": _ns(surveys["day"], _NS_PER_DAY),
                                         "customer_id": customer_ids[surveys["customer"].to_numpy()],
                                         "score": surveys["score"], "csat": surveys["csat"]}), "surveys"),
        "team": _team_table(team),
        "employee_surveys": conform(pd.DataFrame({"date": _ns(employee["day"], _NS_PER_DAY),
                                                  "rep": people[employee["person"].to_numpy()],
                                                  "score": employee["score"]}), "employee_surveys"),
        "splits": conform(pd.DataFrame({"deal_id": deals_t["deal_id"].to_numpy()[splits["deal"].to_numpy()],
                                        "rep": team.names[splits["rep"].to_numpy()],
                                        "share": splits["share"]}), "splits"),
    }


# --------------------------------------------------------------------------------------------------
# Mess: reversible ways real workbooks differ from clean tables
# --------------------------------------------------------------------------------------------------
Switch = bool | frozenset[str]


@dataclass(frozen=True)
class Mess:
    """Switches for :func:`write_workbook`. A switch is ``True`` (every sheet it applies to), ``False``,
    or a frozenset of table names. Each one is reversible: a correct reader recovers :func:`as_read`.

    * ``title_rows`` — a merged title cell in row 1 and a blank row 2 (header in row 3), plus an
      "updated on" line in row 2 when the header is lower.
    * ``totals_row`` — a "Total" row under the deals (SUM of the amount with its cached value; the
      table's total row when deals is an Excel table).
    * ``blank_rows`` — about one empty row per 150 rows inside the tables.
    * ``text_dates`` — ~``rate`` of date cells typed as text (fr ``15/10/2026``, ``2026-10-15``,
      ``15 oct. 2026``; en ``2026-10-15``, ``Oct 15, 2026``) or as bare serial numbers (General
      format); date-times as ``15/10/2026 09:30`` (fr) / ``2026-10-15 09:30`` (en).
    * ``text_amounts`` — ~``rate`` of money cells as text (fr ``12 500,00 €`` with a space or a
      no-break space, sometimes without ``€``; en ``12,500.00`` or ``€12,500.00``).
    * ``name_noise`` — ~``rate`` of rep names lower/upper case, without accents or with stray spaces
      (deals, activities, leads, customers only, so the canonical spelling stays the most frequent),
      and ~``rate``/2 of stage words with a trailing space.
    * ``stage_synonyms`` — stages written with their synonyms (Signé, Abandonné / Won, Lost) as in the
      truth; off, every stage is its main word (Gagné, Perdu / Closed Won, Closed Lost).
    * ``excel_tables`` — sheets written as Excel tables (ListObjects); not on streamed sheets.
    * ``wide_targets`` — targets as one row per rep and one column per month ("janv. 2026" / "Jan 2026");
      an empty cell means no target that month.
    * ``header_row`` — the Excel row (1-based) of the header: one int for every sheet, or a mapping.
    * ``sheet_names`` — table -> sheet name overrides.
    * ``percent_as_text`` — about half the probabilities typed as text ("60 %" fr, "60%" en).
    * ``rate`` — share of cells the cell-level switches touch; ``seed`` — which cells (deterministic).
    """

    title_rows: Switch = False
    totals_row: bool = False
    blank_rows: Switch = False
    text_dates: Switch = False
    text_amounts: Switch = False
    name_noise: Switch = False
    stage_synonyms: bool = False
    excel_tables: Switch = False
    wide_targets: bool = False
    header_row: int | Mapping[str, int] | None = None
    sheet_names: Mapping[str, str] | None = None
    percent_as_text: bool = False
    rate: float = 0.03
    seed: int = 0

    def on(self, switch: str, table: str) -> bool:
        """Whether ``switch`` applies to ``table``."""
        value = getattr(self, switch)
        return value if isinstance(value, bool) else table in value

    def header_row_of(self, table: str) -> int:
        """The 1-based Excel row of ``table``'s header."""
        row = self.header_row.get(table) if isinstance(self.header_row, Mapping) else self.header_row
        lowest = 3 if self.on("title_rows", table) else 1
        return max(int(row), lowest) if row is not None else lowest

    def sheet_name(self, table: str, lang: str) -> str:
        if self.sheet_names and table in self.sheet_names:
            return self.sheet_names[table]
        return SHEET_NAMES[lang][table]

    @classmethod
    def realistic(cls, lang: str = "fr") -> Mess:
        """The mixture of the example workbooks (slightly different per language, for coverage)."""
        if lang == "fr":
            return cls(title_rows=frozenset({"deals", "customers", "targets", "spend"}), totals_row=True,
                       blank_rows=frozenset({"deals", "leads", "customers"}), text_dates=True, text_amounts=True,
                       name_noise=True, stage_synonyms=True,
                       excel_tables=frozenset({"activities", "team", "surveys"}), wide_targets=True,
                       header_row={"customers": 5}, percent_as_text=True, seed=1)
        return cls(title_rows=frozenset({"deals", "leads", "targets"}), totals_row=True,
                   blank_rows=frozenset({"deals", "activities", "customers"}), text_dates=True, text_amounts=True,
                   name_noise=True, stage_synonyms=True,
                   excel_tables=frozenset({"deals", "customers", "employee_surveys"}), wide_targets=False,
                   header_row={"spend": 4}, percent_as_text=True, seed=2)


# --------------------------------------------------------------------------------------------------
# as_read: what a correct reader returns for a workbook
# --------------------------------------------------------------------------------------------------
def _stage_key_variant() -> dict[str, tuple[str, int]]:
    return {w: (key, i) for key, words in STAGE_WORDS["fr"].items() for i, w in enumerate(words)}


def _translate_stages(stage: pd.Series, lang: str, synonyms: bool) -> pd.Series:
    """French stage words of the truth -> the words written in ``lang`` (main word only without synonyms)."""
    table = {}
    known = _stage_key_variant()
    for word in stage.dropna().unique():
        key, i = known.get(word, (None, 0))
        if key is None:
            table[word] = word
            continue
        words = STAGE_WORDS[lang][key]
        table[word] = words[min(i, len(words) - 1)] if synonyms else words[0]
    return pd.Series(stage.map(table).to_numpy(dtype=object), index=stage.index, dtype=object)


def _campaign_en(value: object) -> object:
    """"Emailing T4 2026" -> "Email campaign Q4 2026"."""
    if not isinstance(value, str):
        return value
    head, _, year = value.rpartition(" ")
    source, _, quarter = head.rpartition(" ")
    en = VALUE_WORDS_EN["source"].get(source)
    if en is None or not quarter.startswith("T"):
        return value
    return f"{en} Q{quarter[1:]} {year}"


def as_read(truth: Mapping[str, pd.DataFrame], lang: str = "fr", mess: Mess | None = None) -> dict[str, pd.DataFrame]:
    """The canonical tables a correct reader returns for ``write_workbook(truth, path, lang, mess=mess)``.

    Identical to ``truth`` except: ``deals.stage`` holds the words written (English words in ``en``,
    main words only when ``mess.stage_synonyms`` is off) and, in ``en``, the free-text columns of
    ``VALUE_WORDS_EN`` (sources, products, segments, lost reasons, teams, campaigns) are in English.
    """
    if lang not in SHEET_NAMES:
        raise ValueError(f"lang must be one of {sorted(SHEET_NAMES)}")
    mess = mess or Mess()
    out = {name: df.copy() for name, df in truth.items()}
    if "deals" in out and "stage" in out["deals"]:
        out["deals"]["stage"] = _translate_stages(out["deals"]["stage"], lang, mess.stage_synonyms)
    if lang == "en":
        for (table, column), vocab in _TRANSLATED.items():
            if table in out and column in out[table]:
                col = out[table][column]
                words = {v: VALUE_WORDS_EN[vocab].get(v, v) for v in col.dropna().unique()}
                out[table][column] = pd.Series(col.map(words).to_numpy(dtype=object), index=col.index, dtype=object)
        if "leads" in out and "campaign" in out["leads"]:
            col = out["leads"]["campaign"]
            out["leads"]["campaign"] = pd.Series(col.map(_campaign_en).to_numpy(dtype=object), index=col.index,
                                                 dtype=object)
    return out


# --------------------------------------------------------------------------------------------------
# Workbook cells: each column is a list of None | str | float (number in the column's format) |
# int (number in General format: ids, serial dates typed without a date format)
# --------------------------------------------------------------------------------------------------
@dataclass
class _Column:
    header: str
    values: list
    fmt: str | None = None  # key of _NUM_FORMATS, applied to float cells
    width: float = 12.0


@dataclass
class _Sheet:
    table: str
    name: str
    columns: list[_Column]
    title: str | None = None
    total_col: int | None = None  # column summed by the totals row


def _serial(values: pd.Series) -> np.ndarray:
    """datetime64 -> Excel serial numbers (float, NaN for NaT)."""
    v = values.to_numpy(dtype="datetime64[ns]").view(np.int64).astype("float64")
    out = v / _NS_PER_DAY + _EXCEL_EPOCH_OFFSET
    out[values.isna().to_numpy()] = np.nan
    return out


def _floats(values: np.ndarray) -> list:
    """Floats with None for NaN."""
    return [None if v != v else v for v in np.asarray(values, dtype="float64").tolist()]


def _texts(values: Any) -> list:
    return [v if isinstance(v, str) else None for v in np.asarray(values, dtype=object).tolist()]


def _mess_rows(rng: np.random.Generator, values: list, rate: float) -> np.ndarray:
    """Indices of non-empty cells picked with probability ``rate``."""
    present = np.flatnonzero(np.fromiter((v is not None for v in values), dtype=bool, count=len(values)))
    return present[rng.random(len(present)) < rate]


def _text_date(ts: pd.Timestamp, lang: str, style: int, with_time: bool) -> str:
    if with_time:
        return f"{ts:%d/%m/%Y %H:%M}" if lang == "fr" else f"{ts:%Y-%m-%d %H:%M}"
    if lang == "fr":
        return (f"{ts:%d/%m/%Y}", f"{ts:%Y-%m-%d}", f"{ts.day} {MONTH_ABBR['fr'][ts.month - 1]} {ts.year}")[style % 3]
    return (f"{ts:%Y-%m-%d}", f"{MONTH_ABBR['en'][ts.month - 1]} {ts.day}, {ts.year}")[style % 2]


def _text_amount(value: float, lang: str, style: int) -> str:
    s = f"{value:,.2f}"
    if lang == "en":
        return s if style % 2 == 0 else f"€{s}"
    fr = s.replace(",", " ").replace(".", ",")
    return (f"{fr} €", f"{fr} €".replace(" ", "\u00a0"), fr)[style % 3]


def _strip_accents(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def _noisy_name(name: str, style: int) -> str:
    variants = (name.lower(), name.upper(), _strip_accents(name), name.replace(" ", "  ", 1), name + " ",
                " " + name + " ")
    return variants[style % len(variants)]


def _date_column(col: pd.Series, kind: str, table: str, lang: str, mess: Mess, rng: np.random.Generator) -> list:
    values = _floats(_serial(col))
    if not mess.on("text_dates", table):
        return values
    rows = _mess_rows(rng, values, mess.rate)
    styles = rng.integers(0, 4, len(rows))
    for i, style, ts in zip(rows.tolist(), styles.tolist(), col.iloc[rows].tolist()):
        if kind == "date" and style == 3:
            values[i] = int(values[i])  # the serial number, in General format
        else:
            values[i] = _text_date(ts, lang, style, kind == "datetime")
    return values


def _money_column(col: pd.Series, table: str, lang: str, mess: Mess, rng: np.random.Generator) -> list:
    values = _floats(col.to_numpy())
    if mess.on("text_amounts", table):
        rows = _mess_rows(rng, values, mess.rate)
        for i, style in zip(rows.tolist(), rng.integers(0, 6, len(rows)).tolist()):
            values[i] = _text_amount(values[i], lang, style)
    return values


def _rate_column(col: pd.Series, lang: str, mess: Mess, rng: np.random.Generator) -> list:
    values = _floats(col.to_numpy())
    if mess.percent_as_text:
        for i in _mess_rows(rng, values, 0.5).tolist():
            pct = round(values[i] * 100)
            values[i] = f"{pct} %" if lang == "fr" else f"{pct}%"
    return values


def _id_column(col: pd.Series) -> list:
    """Ids made of digits are written as numbers (as users type them); others as text."""
    values = _texts(col.to_numpy())
    return [int(v) if v is not None and v.isdigit() else v for v in values]


def _name_column(col: pd.Series, table: str, field: str, mess: Mess, rng: np.random.Generator) -> list:
    values = _texts(col.to_numpy())
    if field == "rep" and table in ("deals", "activities", "leads", "customers") and mess.on("name_noise", table):
        rows = _mess_rows(rng, values, mess.rate)
        for i, style in zip(rows.tolist(), rng.integers(0, 6, len(rows)).tolist()):
            values[i] = _noisy_name(values[i], style)
    return values


def _split_cells(deals: pd.DataFrame, splits: pd.DataFrame | None, values: list) -> list:
    """Rep cells of split deals: "Alice Martin 60% / Bruno Lefèvre 40%" (primary rep first)."""
    if splits is None or splits.empty:
        return values
    parts = splits["rep"].astype(object) + " " + (splits["share"] * 100).round().astype(int).astype(str) + "%"
    cells = parts.groupby(splits["deal_id"].to_numpy(), sort=False).agg(" / ".join)
    position = pd.Series(np.arange(len(deals)), index=deals["deal_id"].to_numpy())
    found = cells.index.isin(position.index)
    for row, text in zip(position[cells.index[found]].tolist(), cells[found].tolist()):
        values[row] = text
    return values


def _category_column(col: pd.Series, table: str, field: str, lang: str) -> list:
    words = CATEGORY_WORDS[lang].get(f"{table}.{field}", {})
    return [words.get(v, v) if isinstance(v, str) else None for v in col.to_numpy(dtype=object).tolist()]


_WIDTHS = {"date": 12.0, "datetime": 16.0, "month": 11.0, "money": 14.0, "rate": 11.0, "number": 10.0, "id": 11.0,
           "category": 15.0, "text": 16.0, "name": 20.0}


def _column_values(df: pd.DataFrame, table: str, field: str, lang: str, mess: Mess,
                   rng: np.random.Generator) -> _Column:
    kind = TABLES[table].field(field).kind
    col = df[field]
    if kind in ("date", "datetime"):
        values, fmt = _date_column(col, kind, table, lang, mess, rng), kind
    elif kind == "month":
        values, fmt = _floats(_serial(col)), "month"
    elif kind == "money":
        values, fmt = _money_column(col, table, lang, mess, rng), "money"
    elif kind == "rate":
        values, fmt = _rate_column(col, lang, mess, rng), "rate"
    elif kind == "number":
        values, fmt = [None if v is None else int(v) if float(v).is_integer() else v
                       for v in _floats(col.to_numpy())], None
    elif kind == "id":
        values, fmt = _id_column(col), None
    elif kind == "category":
        values, fmt = _category_column(col, table, field, lang), None
    else:
        values, fmt = _name_column(col, table, field, mess, rng), None
    width = max(_WIDTHS[kind], len(HEADERS[lang][table][field]) + 2)
    return _Column(HEADERS[lang][table][field], values, fmt, width)


def _stage_noise(values: list, mess: Mess, rng: np.random.Generator) -> list:
    if mess.on("name_noise", "deals"):
        for i in _mess_rows(rng, values, mess.rate / 2).tolist():
            values[i] = values[i] + " "
    return values


def _table_sheet(tables: Mapping[str, pd.DataFrame], table: str, lang: str, mess: Mess) -> _Sheet:
    """The columns of one table as written (every present schema field, in schema order)."""
    df = tables[table]
    rng = np.random.default_rng([mess.seed, SHEET_ORDER.index(table)])
    columns = []
    for field in TABLES[table].field_names:
        if field not in df.columns:
            continue
        column = _column_values(df, table, field, lang, mess, rng)
        if table == "deals" and field == "rep":
            column.values = _split_cells(df, tables.get("splits"), column.values)
        if table == "deals" and field == "stage":
            column.values = _stage_noise(column.values, mess, rng)
        columns.append(column)
    total_col = None
    if table == "deals" and mess.totals_row and "amount" in df.columns:
        total_col = [c.header for c in columns].index(HEADERS[lang]["deals"]["amount"])
    return _Sheet(table, mess.sheet_name(table, lang), columns, TITLES[lang][table], total_col)


def _month_label(ts: pd.Timestamp, lang: str) -> str:
    return f"{MONTH_ABBR[lang][ts.month - 1]} {ts.year}"


def _wide_targets_sheet(targets: pd.DataFrame, lang: str, mess: Mess) -> _Sheet:
    """Targets as one row per rep (first-seen order) and one column per month; empty = no target."""
    rng = np.random.default_rng([mess.seed, SHEET_ORDER.index("targets")])
    reps = list(dict.fromkeys(targets["rep"].tolist()))
    months = sorted(targets["period"].unique())
    grid = targets.pivot(index="rep", columns="period", values="quota").reindex(index=reps, columns=months)
    columns = [_Column(HEADERS[lang]["targets"]["rep"], reps, None, 20.0)]
    for month in months:
        col = grid[month].reset_index(drop=True)
        columns.append(_Column(_month_label(pd.Timestamp(month), lang), _money_column(col, "targets", lang, mess, rng),
                               "money", 13.0))
    return _Sheet("targets", mess.sheet_name("targets", lang), columns, TITLES[lang]["targets"])


# --------------------------------------------------------------------------------------------------
# Layout: where each data row goes
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Layout:
    header: int  # 0-based row of the header
    rows: np.ndarray  # 0-based sheet row of each data row
    title: bool
    subtitle: bool

    @property
    def last(self) -> int:
        return int(self.rows[-1]) if len(self.rows) else self.header


def _layout(sheet: _Sheet, n: int, mess: Mess) -> _Layout:
    """Header row, data rows (with blank rows inserted), dropping the offsets a full sheet cannot afford."""
    header = mess.header_row_of(sheet.table) - 1
    title = mess.on("title_rows", sheet.table)
    blanks = np.zeros(n, dtype=np.int64)
    if mess.on("blank_rows", sheet.table) and n > 2:
        rng = np.random.default_rng([mess.seed, 100 + SHEET_ORDER.index(sheet.table)])
        at = rng.choice(np.arange(1, n), size=max(1, n // 150), replace=False)
        blanks[at] = 1
    rows = header + 1 + np.arange(n) + np.cumsum(blanks)
    extra = 1 if sheet.total_col is not None else 0
    if n and rows[-1] + extra >= EXCEL_MAX_ROWS:  # no room for the mess: plain table from row 1
        header, title = 0, False
        rows = 1 + np.arange(n)
        if rows[-1] + extra >= EXCEL_MAX_ROWS:
            raise ValueError(f"{sheet.table}: {n} rows do not fit in one sheet ({EXCEL_MAX_ROWS - 1} max)")
    return _Layout(header, rows, title, title and header >= 3)


# --------------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------------
def _column_xml(values: list, letter: str, rnums: list[str], style: int | None, sst) -> list[str]:
    """The ``<c>`` elements of one column for a chunk of rows ("" where the cell is empty).

    Strings go to the workbook's shared-string table (as Excel writes them); floats are numbers in the
    column's ``style``, ints numbers in General format.
    """
    s = f' s="{style}"' if style else ""
    strings = [v for v in values if v.__class__ is str]
    index = {v: sst._get_shared_string_index(v) for v in set(strings)}
    sst.count += len(strings) - len(index)  # one count per reference, as xlsxwriter keeps it
    return ["" if v is None
            else f'<c r="{letter}{r}" t="s"><v>{index[v]}</v></c>' if v.__class__ is str
            else f'<c r="{letter}{r}"{s}><v>{v!r}</v></c>' if v.__class__ is float
            else f'<c r="{letter}{r}"><v>{v}</v></c>'
            for v, r in zip(values, rnums)]


def _stream_rows(ws, sheet: _Sheet, rows: np.ndarray, formats: list, chunk: int = 50_000) -> None:
    """Write the data rows straight into a constant_memory worksheet's row XML (~10x xlsxwriter's API).

    Relies on xlsxwriter internals (``_write_single_row``, ``fh``, ``str_table``, ``_check_dimensions``,
    ``previous_row``): the rows written before (title, header) are flushed first, and the sheet's
    dimensions and row cursor are updated after, so API writes below (the totals row) still work.
    """
    from xlsxwriter.utility import xl_col_to_name

    if not len(rows):
        return
    first, last = int(rows[0]), int(rows[-1])
    ws._write_single_row(first)  # flush the rows written through the API (title, header)
    letters = [xl_col_to_name(c) for c in range(len(sheet.columns))]
    styles = [f._get_xf_index() if f is not None else None for f in formats]
    for lo in range(0, len(rows), chunk):
        hi = min(len(rows), lo + chunk)
        rnums = [str(r + 1) for r in rows[lo:hi].tolist()]
        cells = [_column_xml(c.values[lo:hi], letters[j], rnums, styles[j], ws.str_table)
                 for j, c in enumerate(sheet.columns)]
        ws.fh.write("".join(f'<row r="{r}">{"".join(parts)}</row>' for r, parts in zip(rnums, zip(*cells))))
    ws._check_dimensions(first, 0)
    ws._check_dimensions(last, len(sheet.columns) - 1)
    ws.previous_row = last


def _write_rows(ws, sheet: _Sheet, rows: np.ndarray, formats: list) -> None:
    """Write the data rows through xlsxwriter's API (small sheets)."""
    for r, values in zip(rows.tolist(), zip(*(c.values for c in sheet.columns))):
        for j, v in enumerate(values):
            if v is None:
                continue
            if v.__class__ is str:
                ws.write_string(r, j, v)
            elif v.__class__ is float:
                ws.write_number(r, j, v, formats[j])
            else:
                ws.write_number(r, j, v)


def _total_value(sheet: _Sheet) -> float:
    """What Excel's SUM shows: numbers only (amounts typed as text are ignored)."""
    return float(sum(v for v in sheet.columns[sheet.total_col].values if v.__class__ in (float, int)))


def _write_sheet(wb, sheet: _Sheet, lang: str, mess: Mess, table_index: int, fmts: dict) -> None:
    n = len(sheet.columns[0].values) if sheet.columns else 0
    streamed = n > FAST_PATH_ROWS
    wb.constant_memory = streamed  # per sheet: xlsxwriter reads it when the sheet is added
    ws = wb.add_worksheet(sheet.name)
    lay = _layout(sheet, n, mess)
    ncols = len(sheet.columns)
    for j, c in enumerate(sheet.columns):
        ws.set_column(j, j, c.width)
    if lay.title:
        ws.merge_range(0, 0, 0, max(min(ncols, 6) - 1, 1), sheet.title, fmts["title"])
        if lay.subtitle:
            ws.write_string(1, 0, _UPDATED[lang].format(d=fmts["as_of"]), fmts["italic"])
    for j, c in enumerate(sheet.columns):
        ws.write_string(lay.header, j, c.header, fmts["header"])
    ws.freeze_panes(lay.header + 1, 0)
    formats = [fmts[c.fmt] if c.fmt else None for c in sheet.columns]
    (_stream_rows if streamed else _write_rows)(ws, sheet, lay.rows, formats)
    as_table = mess.on("excel_tables", sheet.table) and not streamed and n > 0
    _finish_sheet(ws, sheet, lay, lang, as_table, table_index, fmts)


def _finish_sheet(ws, sheet: _Sheet, lay: _Layout, lang: str, as_table: bool, table_index: int,
                  fmts: dict) -> None:
    """The totals row (a SUM, or the Excel table's total row), then the table or an autofilter."""
    from xlsxwriter.utility import xl_col_to_name

    total = _total_value(sheet) if sheet.total_col is not None else None
    if as_table:
        _add_table(ws, sheet, lay, lang, table_index, total)
        return
    if total is not None:
        letter = xl_col_to_name(sheet.total_col)
        ws.write_string(lay.last + 1, 0, _TOTAL_WORD[lang], fmts["header"])
        ws.write_formula(lay.last + 1, sheet.total_col, f"=SUM({letter}{lay.header + 2}:{letter}{lay.last + 1})",
                         fmts["money_bold"], total)
    if len(lay.rows):
        ws.autofilter(lay.header, 0, lay.last, len(sheet.columns) - 1)


def _add_table(ws, sheet: _Sheet, lay: _Layout, lang: str, index: int, total: float | None) -> None:
    columns: list[dict[str, Any]] = [{"header": c.header} for c in sheet.columns]
    if total is not None:
        columns[0]["total_string"] = _TOTAL_WORD[lang]
        columns[sheet.total_col].update({"total_function": "sum", "total_value": total})
    last = lay.last + (1 if total is not None else 0)
    ws.add_table(lay.header, 0, last, len(sheet.columns) - 1, {
        "name": _TABLE_NAME[lang].format(i=index), "columns": columns, "total_row": total is not None,
        "style": "Table Style Medium 2"})


def _formats(wb, lang: str, as_of: pd.Timestamp) -> dict:
    nf = _NUM_FORMATS[lang]
    return {
        "date": wb.add_format({"num_format": nf["date"]}),
        "datetime": wb.add_format({"num_format": nf["datetime"]}),
        "month": wb.add_format({"num_format": nf["month"]}),
        "money": wb.add_format({"num_format": nf["money"]}),
        "money_bold": wb.add_format({"num_format": nf["money"], "bold": True}),
        "rate": wb.add_format({"num_format": nf["rate"]}),
        "header": wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1}),
        "title": wb.add_format({"bold": True, "font_size": 14}),
        "italic": wb.add_format({"italic": True, "font_color": "#595959"}),
        "as_of": as_of,
    }


def _as_of(truth: Mapping[str, pd.DataFrame]) -> pd.Timestamp:
    """The latest event date of the truth (planned activities excluded): the "updated on" date."""
    latest = [truth[t][f].max() for t, f in (("deals", "created_date"), ("deals", "close_date"),
                                               ("leads", "created_at"), ("customers", "start_date"))
              if t in truth and f in truth[t]]
    latest = [pd.Timestamp(v).normalize() for v in latest if pd.notna(v)]
    return max(latest) if latest else pd.Timestamp.today().normalize()


def write_workbook(truth: Mapping[str, pd.DataFrame], path: str | Path, lang: str = "fr", *,
                   mess: Mess | None = None) -> None:
    """Write ``truth`` as a tracking workbook in ``lang`` ("fr" or "en"), messed up by ``mess``.

    One sheet per table present (``SHEET_ORDER``; split deals go in the deals' rep cells). Reading the
    file back must give ``as_read(truth, lang, mess)``. Sheets of more than ``FAST_PATH_ROWS`` rows are
    streamed, and lose the title/blank-row offsets when they would not fit Excel's 1,048,576 rows.
    """
    import xlsxwriter

    mess = mess or Mess()
    tables = as_read(truth, lang, mess)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_urls": False, "strings_to_formulas": False,
                                         "strings_to_numbers": False})
    as_of = _as_of(truth)
    # A fixed creation date keeps the file byte-for-byte reproducible (xlsxwriter would use now()).
    wb.set_properties({"title": _TITLE_DOC[lang], "author": "kpis", "created": as_of.to_pydatetime()})
    fmts = _formats(wb, lang, as_of)
    streamed = []
    try:
        for i, table in enumerate((t for t in SHEET_ORDER if t in tables), start=1):
            if table == "targets" and mess.wide_targets:
                sheet = _wide_targets_sheet(tables[table], lang, mess)
            else:
                sheet = _table_sheet(tables, table, lang, mess)
            _write_sheet(wb, sheet, lang, mess, i, fmts)
            if wb.constant_memory:
                streamed.append(wb.worksheets()[-1])
    except BaseException:
        try:
            _close(wb, streamed)
        finally:
            Path(path).unlink(missing_ok=True)  # no half-written workbook
        raise
    _close(wb, streamed)


def _close(wb, streamed: list) -> None:
    """Close the workbook; streamed sheets' temp files are consumed by close(), closed again for safety."""
    wb.constant_memory = False  # close() would otherwise expect every sheet to be streamed
    try:
        wb.close()
    finally:
        for ws in streamed:
            ws._opt_close()
