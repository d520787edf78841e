"""Deals and revenue: deals closed in P (kpis.md, first table)."""

from __future__ import annotations

from typing import Any, Mapping

from ...periods import Period
from ..blocks import days_between, during, expr, isin, nonneg, notna, positive
from ..model import Derived, Distribution, Measure, Ratio, Simple
from .common import DEALS_WON, LOST, REVENUE, WON, count, kpi, total

S = "deals"

CLOSED_IN_P = count("deals", during("close_date"), isin("status", ("won", "lost")))
WITH_COST = WON & notna("amount", "cost")
REVENUE_WITH_COST = total("deals", "amount", during("close_date"), WITH_COST)
CYCLE = days_between("created_date", "close_date")
DISCOUNT = expr("discount", ("amount", "list_price"), lambda df, ev: (df["list_price"] - df["amount"]) / df["list_price"])
PRICE_GAP = expr("price_gap", ("amount", "competitor_price"), lambda df, ev: df["amount"] / df["competitor_price"] - 1.0)
MARGIN = expr("margin", ("amount", "cost"), lambda df, ev: df["amount"] - df["cost"])


def _velocity(v: Mapping[str, Any], p: Period) -> Any:
    if any(v[k] is None for k in ("open", "size", "win", "cycle")) or v["cycle"] <= 0:
        return None
    return v["open"] * v["size"] * v["win"] / v["cycle"]


KPIS = [
    kpi("revenue", S, ("Chiffre d'affaires", "Revenue"), "money", "higher", Simple(REVENUE),
        ("Σ montant des affaires gagnées dont la date de clôture est dans P",
         "Σ amount of won deals with close_date in P"),
        ("Par produit : CA par produit ; par lieu : volume des ventes par lieu. Objectif : Σ des objectifs de P, "
         "au prorata des jours de présence (comme pour l'atteinte de l'objectif).",
         "By product: revenue per product; by location: sales volume by location. Target: Σ quotas of P, "
         "prorated for days employed (as for quota_attainment)."),
        target=Simple(Measure("quotas", "sum", "quota"))),
    kpi("deals_won", S, ("Ventes conclues", "Deals won"), "count", "higher", Simple(DEALS_WON),
        ("nombre d'affaires gagnées clôturées dans P", "count of won deals closed in P")),
    kpi("deals_lost", S, ("Affaires perdues", "Deals lost"), "count", "lower", count("deals", during("close_date"), LOST),
        ("nombre d'affaires perdues clôturées dans P", "count of lost deals closed in P")),
    kpi("win_rate", S, ("Taux de réussite", "Win rate"), "ratio", "higher", Ratio("deals_won", CLOSED_IN_P),
        ("ventes conclues / (ventes conclues + affaires perdues)", "deals_won / (deals_won + deals_lost)")),
    kpi("win_loss_ratio", S, ("Rapport gagnant-perdant", "Win-loss ratio"), "number", "higher", Ratio("deals_won", "deals_lost"),
        ("ventes conclues / affaires perdues", "deals_won / deals_lost")),
    kpi("average_deal_size", S, ("Panier moyen", "Average deal size"), "money", "higher", Ratio("revenue", "deals_won"),
        ("chiffre d'affaires / ventes conclues", "revenue / deals_won")),
    kpi("gross_margin", S, ("Marge", "Gross margin"), "money", "higher", total("deals", MARGIN, during("close_date"), WITH_COST),
        ("Σ (montant − coût) des affaires gagnées clôturées dans P (celles qui ont un coût)",
         "Σ (amount − cost) of won deals closed in P (those with a cost)")),
    kpi("margin_rate", S, ("Taux de marge", "Margin rate"), "ratio", "higher", Ratio("gross_margin", REVENUE_WITH_COST),
        ("marge / chiffre d'affaires, sur les seules affaires gagnées ayant un coût (des deux côtés)",
         "gross_margin / revenue, over won deals with a cost only (both sides)")),
    kpi("sales_cycle_days", S, ("Durée du cycle de vente", "Sales cycle length"), "days", "lower",
        Ratio(total("deals", CYCLE, during("close_date"), WON & nonneg(CYCLE)), count("deals", during("close_date"), WON & nonneg(CYCLE))),
        ("moyenne de (date de clôture − date de création) en jours, affaires gagnées clôturées dans P",
         "mean of (close_date − created_date) in days over won deals closed in P")),
    kpi("upsell_cross_sell_rate", S, ("Taux de vente additionnelle", "Upsell & cross-sell rate"), "ratio", "higher",
        Ratio(count("deals", during("close_date"), WON & isin("deal_type", ("upsell", "cross_sell"))), "deals_won"),
        ("affaires gagnées dans P de type vente additionnelle ou croisée / ventes conclues",
         "won deals closed in P with deal_type upsell or cross_sell / deals_won")),
    kpi("average_discount", S, ("Remise moyenne", "Average discount"), "ratio", "lower",
        Ratio(total("deals", DISCOUNT, during("close_date"), WON & positive("list_price") & notna("amount")),
              count("deals", during("close_date"), WON & positive("list_price") & notna("amount"))),
        ("moyenne de (prix catalogue − montant) / prix catalogue, affaires gagnées dans P ayant un prix catalogue",
         "mean of (list_price − amount) / list_price over won deals in P having a list_price")),
    kpi("price_vs_competitor", S, ("Écart de prix concurrents", "Price vs competitors"), "ratio", "none",
        Ratio(total("deals", PRICE_GAP, during("close_date"), WON & positive("competitor_price") & notna("amount")),
              count("deals", during("close_date"), WON & positive("competitor_price") & notna("amount"))),
        ("moyenne de (montant / prix concurrent − 1), affaires gagnées dans P ayant un prix concurrent",
         "mean of (amount / competitor_price − 1) over won deals in P having a competitor_price")),
    kpi("lost_reasons", S, ("Causes de perte", "Lost reasons"), "distribution", "none",
        Distribution(Measure("deals", "count", None, LOST, during("close_date")), "lost_reason"),
        ("part des affaires perdues clôturées dans P par cause de perte",
         "share of lost deals closed in P per lost_reason")),
    kpi("sales_velocity", S, ("Vélocité commerciale", "Sales velocity"), "money_per_day", "higher",
        Derived({"open": "open_deals", "size": "average_deal_size", "win": "win_rate", "cycle": "sales_cycle_days"}, _velocity),
        ("affaires en cours × panier moyen × taux de réussite / durée du cycle de vente (par jour)",
         "open_deals × average_deal_size × win_rate / sales_cycle_days (money per day)")),
]
