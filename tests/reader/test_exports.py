"""Common CRM exports and order ledgers, French and English, read with NO configuration.

Each test writes the same five deals (:data:`TRUTH`) the way a tool exports them -- its headers,
stage words, number and date formats, delimiter, encoding, title rows -- and compares the canonical
table cell by cell with the truth. Formats follow the tools' export files (HubSpot deals, Salesforce
opportunity reports, Pipedrive deals, Odoo CRM, Zoho CRM deals, Sellsy opportunities, an ERP / e-shop
order ledger).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from kpis.config import Config
from kpis.reader import read_workbook
from kpis.reader.categories import stage_status

from .helpers import assert_table, frame, write_xlsx

# id, account, rep, status, amount, created, close, expected close, probability, source, lost reason
TRUTH: list[dict[str, Any]] = [
    dict(id="1001", account="Acme SA", rep="Alice Martin", status="won", amount=12500.0, created="2026-08-03",
         close="2026-10-15", expected="2026-10-10", prob=1.0, source="Web", reason=None),
    dict(id="1002", account="Café du Port", rep="Bruno Lefèvre", status="lost", amount=3400.5, created="2026-09-01",
         close="2026-10-20", expected="2026-10-31", prob=0.0, source="Salon", reason="Prix"),
    dict(id="1003", account="Globex", rep="Alice Martin", status="open", amount=8000.0, created="2026-09-15",
         close=None, expected="2026-11-30", prob=0.6, source="Partenaire", reason=None),
    dict(id="1004", account="Initech", rep="Chloé Dubois", status="open", amount=1500.0, created="2026-10-02",
         close=None, expected="2026-12-15", prob=0.2, source="Web", reason=None),
    dict(id="1005", account="Umbrella", rep="Bruno Lefèvre", status="won", amount=22000.0, created="2026-07-20",
         close="2026-10-28", expected="2026-10-25", prob=1.0, source="Salon", reason=None),
]


def _d(s: str | None) -> dt.date | None:
    return dt.date.fromisoformat(s) if s else None


def _stages(won: str, lost: str, open_: tuple[str, str]) -> list[str]:
    """The stage word of each truth deal: its status's word, the two open deals two open stages."""
    opens = iter(open_)
    return [won if t["status"] == "won" else lost if t["status"] == "lost" else next(opens) for t in TRUTH]


def expected(fields: dict[str, str], stages: list[str] | None = None, **extra: list) -> pd.DataFrame:
    """The canonical deals table holding ``fields`` (canonical field -> truth key) of the truth."""
    cols: dict[str, list] = {}
    for f, key in fields.items():
        vals = [t[key] for t in TRUTH]
        if key in ("created", "close", "expected"):
            vals = [pd.Timestamp(v) if v else None for v in vals]
        cols[f] = vals
    if stages is not None:
        cols["stage"] = stages
    cols.update(extra)
    cols["status"] = [t["status"] for t in TRUTH]
    return frame("deals", **cols)


def write_csv(path: Path, rows: list[list[Any]], sep: str = ",", encoding: str = "utf-8") -> Path:
    def cell(v: Any) -> str:
        s = "" if v is None else str(v)
        return f'"{s}"' if sep in s or '"' in s else s

    path.write_bytes(("\r\n".join(sep.join(cell(v) for v in r) for r in rows) + "\r\n").encode(encoding))
    return path


def read_deals(path: Path) -> tuple[pd.DataFrame, set[str]]:
    ds = read_workbook(path)
    return ds.tables["deals"], {i.code for i in ds.quality}


# -- HubSpot ---------------------------------------------------------------------------------------

def test_hubspot_deals_en(tmp_path):
    stages = _stages("Closed Won", "Closed Lost", ("Appointment Scheduled", "Contract Sent"))
    rows = [["Record ID", "Deal Name", "Deal Stage", "Close Date", "Deal owner", "Amount", "Create Date", "Pipeline",
             "Associated Company", "Original Source"]]
    for t, st in zip(TRUTH, stages):
        rows.append([t["id"], f"{t['account']} - renewal", st, f"{t['close'] or t['expected']} 14:32", t["rep"],
                     t["amount"], f"{t['created']} 09:05", "Sales Pipeline", t["account"], t["source"]])
    got, codes = read_deals(write_csv(tmp_path / "hubspot-crm-exports-all-deals-2026-10-31.csv", rows))
    exp = expected({"deal_id": "id", "account": "account", "rep": "rep", "amount": "amount", "created_date": "created",
                    "source": "source"}, stages,
                   close_date=[pd.Timestamp(t["close"] or t["expected"]) for t in TRUTH])
    assert_table(got, exp)
    assert "unknown_stage" not in codes


def test_hubspot_deals_fr(tmp_path):
    stages = _stages("Conclue gagnée", "Conclue perdue", ("Rendez-vous programmé", "Contrat envoyé"))
    rows = [["ID de fiche d'informations", "Nom de la transaction", "Phase de la transaction", "Date de fermeture",
             "Propriétaire de la transaction", "Montant", "Date de création", "Pipeline", "Entreprise associée"]]
    for t, st in zip(TRUTH, stages):
        rows.append([t["id"], f"Affaire {t['account']}", st, t["close"] or t["expected"], t["rep"],
                     str(t["amount"]).replace(".", ","), t["created"], "Pipeline des ventes", t["account"]])
    got, codes = read_deals(write_csv(tmp_path / "transactions.csv", rows, sep=";", encoding="utf-8-sig"))
    exp = expected({"deal_id": "id", "account": "account", "rep": "rep", "amount": "amount", "created_date": "created"},
                   stages, close_date=[pd.Timestamp(t["close"] or t["expected"]) for t in TRUTH])
    assert_table(got, exp)
    assert "unknown_stage" not in codes


# -- Salesforce (report exported to Excel: title rows, an "Amount Currency" column) ---------------------

@pytest.mark.parametrize("lang", ["en", "fr"])
def test_salesforce_opportunity_report(tmp_path, lang):
    if lang == "en":
        stages = _stages("Closed Won", "Closed Lost", ("Negotiation/Review", "Id. Decision Makers"))
        title = ["Opportunities by Stage", "As of 10/31/2026 5:12 PM · Generated by Alice Martin", "Filtered By: All Opportunities"]
        header = ["Opportunity Owner", "Account Name", "Opportunity Name", "Stage", "Fiscal Period", "Amount Currency",
                  "Amount", "Probability (%)", "Age", "Close Date", "Created Date", "Lead Source", "Type"]
        types = ["New Customer", "Existing Customer - Upgrade", "New Customer", "New Customer", "Existing Customer - Upgrade"]
    else:
        stages = _stages("Fermée/Gagnée", "Fermée/Perdue", ("Proposition/Devis", "Analyse des besoins"))
        title = ["Opportunités par étape", "Au 31/10/2026 17:12 · Généré par Alice Martin", "Filtré par : toutes les opportunités"]
        header = ["Propriétaire de l'opportunité", "Nom du compte", "Nom de l'opportunité", "Étape", "Période fiscale",
                  "Devise du montant", "Montant", "Probabilité (%)", "Âge", "Date de clôture", "Date de création",
                  "Origine de la piste", "Type"]
        types = ["Nouvelle affaire", "Vente additionnelle", "Nouvelle affaire", "Nouvelle affaire", "Vente additionnelle"]
    rows: list[list[Any]] = [[t] for t in title] + [[None], header]
    for t, st, ty in zip(TRUTH, stages, types):
        close = t["close"] or t["expected"]
        rows.append([t["rep"], t["account"], f"{t['account']} opportunity", st, "Q4-2026", "EUR", t["amount"],
                     round(t["prob"] * 100), 40, _d(close), _d(t["created"]), t["source"], ty])
    got, codes = read_deals(write_xlsx(tmp_path / "report1698765432.xlsx", {"report": rows}))
    exp = expected({"account": "account", "rep": "rep", "amount": "amount", "probability": "prob",
                    "created_date": "created", "source": "source"}, stages,
                   close_date=[pd.Timestamp(t["close"] or t["expected"]) for t in TRUTH],
                   deal_type=["new", "upsell", "new", "new", "upsell"])
    assert_table(got, exp)
    assert "unknown_stage" not in codes and "unknown_category" not in codes


# -- Pipedrive (a status column, won and lost times, "Deal - " prefixes) ----------------------------

@pytest.mark.parametrize("lang", ["en", "fr"])
def test_pipedrive_deals(tmp_path, lang):
    pipeline = ["Negotiations Started", "Proposal Made", "Demo Scheduled", "Qualified", "Negotiations Started"]
    if lang == "en":
        p = "Deal - "
        header = ["ID", "Title", "Value", "Currency", "Organization", "Owner", "Stage", "Status", "Deal created",
                  "Won time", "Lost time", "Expected close date", "Lost reason"]
        status_word = {"won": "Won", "lost": "Lost", "open": "Open"}
        sep, money = ",", lambda v: f"{v:.2f}"
    else:
        p = "Affaire - "
        header = ["ID", "Titre", "Valeur", "Devise", "Organisation", "Propriétaire", "Étape", "Statut", "Affaire créée",
                  "Date de gain", "Date de perte", "Date de clôture prévue", "Motif de la perte"]
        pipeline = ["Négociations commencées", "Proposition faite", "Démo programmée", "Qualifié", "Négociations commencées"]
        status_word = {"won": "Gagnée", "lost": "Perdue", "open": "Ouverte"}
        sep, money = ";", lambda v: f"{v:.2f}".replace(".", ",")
    rows = [[p + h for h in header]]
    for t, st in zip(TRUTH, pipeline):
        won = f"{t['close']} 16:20:05" if t["status"] == "won" else ""
        lost = f"{t['close']} 11:02:40" if t["status"] == "lost" else ""
        rows.append([t["id"], f"{t['account']} deal", money(t["amount"]), "EUR", t["account"], t["rep"], st,
                     status_word[t["status"]], f"{t['created']} 08:00:00", won, lost, t["expected"], t["reason"] or ""])
    got, codes = read_deals(write_csv(tmp_path / "deals-export.csv", rows, sep=sep))
    exp = expected({"deal_id": "id", "account": "account", "rep": "rep", "amount": "amount", "created_date": "created",
                    "close_date": "close", "expected_close_date": "expected", "lost_reason": "reason"}, pipeline)
    assert_table(got, exp)
    assert "unknown_stage" not in codes


# -- Odoo CRM (lost opportunities are archived: Active = False) -------------------------------------

@pytest.mark.parametrize("lang", ["en", "fr"])
def test_odoo_crm(tmp_path, lang):
    if lang == "en":
        header = ["Opportunity", "Customer", "Salesperson", "Stage", "Expected Revenue", "Probability",
                  "Expected Closing", "Created on", "Closed Date", "Active", "Sales Team"]
        words = {"won": "Won", "lost": "Proposition", "open": ("Qualified", "New")}
    else:
        header = ["Opportunité", "Client", "Vendeur", "Étape", "Revenu espéré", "Probabilité", "Clôture prévue",
                  "Date de création", "Date de fermeture", "Actif", "Équipe commerciale"]
        words = {"won": "Gagné", "lost": "Proposition", "open": ("Qualifié", "Nouveau")}
    stages = _stages(words["won"], words["lost"], words["open"])
    rows: list[list[Any]] = [header]
    for t, st in zip(TRUTH, stages):
        created = dt.datetime.fromisoformat(t["created"] + " 10:15:00")
        closed = dt.datetime.fromisoformat(t["close"] + " 18:00:00") if t["close"] else None
        rows.append([f"{t['account']} - projet", t["account"], t["rep"], st, t["amount"], t["prob"] * 100,
                     _d(t["expected"]), created, closed, t["status"] != "lost", "Europe"])
    got, codes = read_deals(write_xlsx(tmp_path / "crm.lead.xlsx", {"Sheet1": rows}))
    exp = expected({"account": "account", "rep": "rep", "amount": "amount", "probability": "prob",
                    "expected_close_date": "expected", "created_date": "created", "close_date": "close"}, stages)
    assert_table(got, exp)


# -- Zoho CRM deals ------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "fr"])
def test_zoho_deals(tmp_path, lang):
    if lang == "en":
        header = ["Record Id", "Deal Owner", "Deal Name", "Amount", "Closing Date", "Account Name", "Stage",
                  "Probability (%)", "Lead Source", "Created Time", "Expected Revenue"]
        stages = _stages("Closed Won", "Closed-Lost to Competition", ("Needs Analysis", "Value Proposition"))
    else:
        header = ["Record Id", "Propriétaire de l'affaire", "Nom de l'affaire", "Montant", "Date de clôture",
                  "Nom du compte", "Étape", "Probabilité (%)", "Source de prospect", "Heure de création", "Revenu attendu"]
        stages = _stages("Fermée gagnée", "Fermée perdue", ("Analyse des besoins", "Proposition de valeur"))
    rows = [header]
    for t, st in zip(TRUTH, stages):
        rows.append([f"zcrm_{t['id']}", t["rep"], f"{t['account']} deal", f"{t['amount']:.2f}", t["close"] or t["expected"],
                     t["account"], st, round(t["prob"] * 100), t["source"], f"{t['created']} 09:30:00",
                     f"{t['amount'] * t['prob']:.2f}"])
    got, codes = read_deals(write_csv(tmp_path / "Deals_2026_10_31.csv", rows))
    exp = expected({"rep": "rep", "amount": "amount", "account": "account", "probability": "prob", "source": "source",
                    "created_date": "created"}, stages,
                   deal_id=[f"zcrm_{t['id']}" for t in TRUTH],
                   close_date=[pd.Timestamp(t["close"] or t["expected"]) for t in TRUTH])
    assert_table(got, exp)
    assert "unknown_stage" not in codes


# -- Sellsy opportunities (French CSV: semicolons, Windows-1252, "12 500,00 €", dd/mm/yyyy) ------------

def test_sellsy_opportunities(tmp_path):
    etapes = ["Négociation", "Proposition envoyée", "Qualifiée", "Découverte", "Négociation"]
    statut = {"won": "Gagnée", "lost": "Perdue", "open": "En cours"}
    rows = [["Référence", "Nom", "Tiers", "Montant", "Probabilité", "Étape", "Statut", "Date de création",
             "Échéance", "Date de clôture", "Propriétaire", "Source"]]
    fr_date = lambda s: dt.date.fromisoformat(s).strftime("%d/%m/%Y") if s else ""  # noqa: E731
    for t, et in zip(TRUTH, etapes):
        amount = f"{t['amount']:,.2f} €".replace(",", " ").replace(".", ",")
        rows.append([f"OPP-{t['id']}", f"Projet {t['account']}", t["account"], amount, f"{round(t['prob'] * 100)} %", et,
                     statut[t["status"]], fr_date(t["created"]), fr_date(t["expected"]), fr_date(t["close"]), t["rep"],
                     t["source"]])
    got, codes = read_deals(write_csv(tmp_path / "opportunites.csv", rows, sep=";", encoding="cp1252"))
    exp = expected({"account": "account", "amount": "amount", "probability": "prob", "created_date": "created",
                    "expected_close_date": "expected", "close_date": "close", "rep": "rep", "source": "source"}, etapes,
                   deal_id=[f"OPP-{t['id']}" for t in TRUTH])
    assert_table(got, exp)


# -- Order ledgers: ERP / e-shop exports ----------------------------------------------------------------

def _lines() -> list[tuple[str, str, str, str, float, float]]:
    """(order id, date, customer, item, quantity, line total): won sales of the truth split in lines."""
    out = []
    for t in TRUTH:
        if t["status"] == "won":
            out += [(t["id"], t["close"], t["account"], "Licence", 1, t["amount"] - 500.0),
                    (t["id"], t["close"], t["account"], "Formation", 2, 500.0)]
    return out


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_order_ledger(tmp_path, lang):
    if lang == "en":
        header = ["Invoice No", "Invoice Date", "Customer", "Item", "Qty", "Unit Price", "Line Total", "Postal Code"]
        rows = [header] + [[f"INV-{o}", d, c, i, q, round(v / q, 2), v, "10001"] for o, d, c, i, q, v in _lines()]
        path = write_csv(tmp_path / "sales_invoices.csv", rows)
    else:
        header = ["N° de commande", "Date de commande", "Client", "Article", "Quantité", "Prix unitaire HT", "Total HT",
                  "Code postal"]
        rows = [["Export des ventes — boutique en ligne"], [None], header]
        rows += [[f"CMD-{o}", _d(d), c, i, q, round(v / q, 2), v, 75011] for o, d, c, i, q, v in _lines()]
        path = write_xlsx(tmp_path / "ventes.xlsx", {"Commandes": rows})
    got, codes = read_deals(path)
    won = [t for t in TRUTH if t["status"] == "won"]
    prefix = "INV-" if lang == "en" else "CMD-"
    exp = frame("deals", deal_id=[prefix + t["id"] for t in won], account=[t["account"] for t in won],
                stage=["won"] * len(won), amount=[t["amount"] for t in won],
                close_date=[pd.Timestamp(t["close"]) for t in won], product=["Licence"] * len(won),
                status=["won"] * len(won))
    assert_table(got, exp)
    assert "order_lines_grouped" in codes and "stage_from_ledger" in codes


# -- The tools' stage words ------------------------------------------------------------------------------

TOOL_STAGES = {
    "won": ["Closed Won", "Conclue gagnée", "Fermée/Gagnée", "Fermée gagnée", "Won", "Gagné", "Gagnée"],
    "lost": ["Closed Lost", "Conclue perdue", "Fermée/Perdue", "Closed-Lost to Competition", "Lost", "Perdu", "Perdue"],
    "open": ["Appointment Scheduled", "Qualified To Buy", "Presentation Scheduled", "Decision Maker Bought-In",
             "Contract Sent", "Prospecting", "Qualification", "Needs Analysis", "Value Proposition",
             "Id. Decision Makers", "Perception Analysis", "Proposal/Price Quote", "Negotiation/Review",
             "Qualified", "Contact Made", "Demo Scheduled", "Proposal Made", "Negotiations Started", "Engaging",
             "Rendez-vous programmé", "Qualifié pour acheter", "Présentation programmée", "Décideur convaincu",
             "Contrat envoyé", "Analyse des besoins", "Proposition de valeur", "Identification des décideurs",
             "Proposition/Devis", "Négociation/Révision", "Qualifié", "Contact établi", "Démo programmée",
             "Proposition faite", "Négociations commencées", "Nouveau", "Proposition", "New", "Ouverte", "En cours"],
}


@pytest.mark.parametrize("status", ["won", "lost", "open"])
def test_tool_stage_words_are_known(status):
    words = pd.Series(TOOL_STAGES[status], dtype=object)
    got, unknown = stage_status(words, Config())
    assert not unknown.any(), list(words[unknown])
    assert set(got) == {status}
