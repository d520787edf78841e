"""The commentary: its numbers are the engine's, written as the report shows them; attention count,
landing period and drivers on a hand-made set."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from kpis.commentary import build_commentary, deals_needing_attention, landing_period
from kpis.config import Config
from kpis.dataset import Dataset
from kpis.engine import compute
from kpis.periods import month

NNBSP, NBSP = "\u202f", "\u00a0"


def _plain(s: str) -> str:
    return s.replace(NNBSP, " ").replace(NBSP, " ")


def test_landing_period():
    oct_ = month(2026, 10)
    assert landing_period(oct_, date(2026, 10, 20)) == oct_
    assert landing_period(oct_, date(2026, 11, 13)) == month(2026, 11)
    assert landing_period(oct_, date(2031, 1, 5)) == month(2031, 1)


def _deals() -> pd.DataFrame:
    rows = [
        # rep, product, source, status, amount, created, closed, expected
        ("Alice", "CRM", "Salon", "won", 10_000.0, "2026-08-01", "2026-09-10", None),
        ("Alice", "CRM", "Salon", "won", 30_000.0, "2026-09-01", "2026-10-10", None),
        ("Bruno", "Formation", "Web", "won", 8_000.0, "2026-08-01", "2026-09-12", None),
        ("Bruno", "Formation", "Web", "won", 6_000.0, "2026-09-01", "2026-10-12", None),
        ("Bruno", "CRM", "Web", "lost", 5_000.0, "2026-09-01", "2026-10-14", None),
        ("Alice", "CRM", "Salon", "open", 20_000.0, "2026-10-01", None, "2026-10-20"),  # overdue at 11-05
        ("Bruno", "CRM", "Web", "open", None, "2026-10-02", None, "2026-11-20"),  # no amount
        ("Bruno", "CRM", "Web", "open", 9_000.0, "2026-10-03", None, "2026-11-25"),  # fine
    ]
    df = pd.DataFrame(rows, columns=["rep", "product", "source", "status", "amount", "created_date", "close_date",
                                     "expected_close_date"])
    for c in ("created_date", "close_date", "expected_close_date"):
        df[c] = pd.to_datetime(df[c])
    df["stage"] = df["status"].map({"won": "Gagné", "lost": "Perdu", "open": "Proposition"})
    df["deal_id"] = [f"D{i}" for i in range(len(df))]
    return df


def _targets() -> pd.DataFrame:
    return pd.DataFrame({"rep": ["Alice", "Bruno"] * 2, "period": pd.to_datetime(["2026-10-01"] * 2 + ["2026-11-01"] * 2),
                         "quota": [25_000.0, 10_000.0, 25_000.0, 10_000.0]})


def test_attention_counts_overdue_and_amountless_open_deals():
    assert deals_needing_attention(_deals(), date(2026, 11, 5)) == 2
    assert deals_needing_attention(_deals(), date(2026, 10, 15)) == 1  # only the one without an amount
    assert deals_needing_attention(None, date(2026, 11, 5)) == 0


def test_hand_made_sentences_fr():
    # October: Alice 30 000 (September 10 000: +20 000), Bruno 6 000 (September 8 000: -2 000);
    # team 36 000 vs 18 000 = +100,0 %; target 35 000 → attainment 102,9 %; win rate 2/3 = 66,7 %.
    ds = Dataset.from_frames(deals=_deals(), targets=_targets())
    c = build_commentary(ds, month(2026, 10), Config(), lang="fr", as_of=date(2026, 11, 5))
    text = _plain(c.text())
    assert text.startswith("Octobre 2026 : chiffre d'affaires de 36 000 €, +100,0 % par rapport à septembre 2026 (18 000 €), "
                           "soit 102,9 % de l'objectif (35 000 €).")
    assert "Taux de réussite 66,7 %" in text and "2 ventes" in text
    assert "Principaux contributeurs à la hausse : Alice (+20 000 €) ; par produit : CRM (+20 000 €) ; par source : Salon (+20 000 €)." in text
    assert "Meilleure performance : Alice, à 120,0 % de son objectif (30 000 €)." in text
    assert "Les plus loin de leur objectif : Bruno (60,0 %)." in text
    # November, as of the 5th: nothing won yet, Bruno's 9 000 at 50 % (Proposition) → 4 500 weighted
    assert "Novembre 2026 (données au 5 novembre 2026) : prévision de 4 500 €" in text
    assert "probabilité de l'atteindre 0,0 %" in text  # 9 000 at most against 35 000
    assert text.endswith("2 affaires ouvertes demandent de l'attention (date de clôture prévue dépassée ou montant manquant).")
    bruno = _plain(c.text("Bruno"))
    assert bruno.startswith("Bruno : chiffre d'affaires de 6 000 € en octobre 2026, -25,0 % par rapport à septembre 2026 (8 000 €)")
    assert "Principaux contributeurs à la baisse, par produit : Formation (-2 000 €)." in bruno
    assert "2e sur 2 commerciaux" in bruno and "1 affaire ouverte demande" in bruno


def test_hand_made_sentences_en():
    ds = Dataset.from_frames(deals=_deals(), targets=_targets())
    c = build_commentary(ds, month(2026, 10), Config(), lang="en", as_of=date(2026, 11, 5))
    text = c.text()
    assert text.startswith("October 2026: revenue of €36,000, +100.0% on September 2026 (€18,000), 102.9% of target (€35,000).")
    assert "Best performer: Alice, at 120.0% of quota (€30,000)." in text
    assert "Ranked 1st of 2 reps" in c.text("Alice")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_numbers_are_the_engines_in_the_report_format(example_fr, lang):
    if not example_fr.exists():
        pytest.skip("examples/suivi_commercial.xlsx is not generated")
    from kpis.cli.common import load_cfg
    from kpis.reader import read_workbook

    cfg = load_cfg(None, example_fr, lang)
    ds = read_workbook(example_fr, cfg)
    p = month(2026, 10)
    res = compute(ds, p, config=cfg, kpis=["revenue", "win_rate", "sales_cycle_days"])
    text = _plain(build_commentary(ds, p, cfg).text())
    rev, wr, cyc = res["revenue"].value, res["win_rate"].value, res["sales_cycle_days"].value
    if lang == "fr":
        want = [f"{rev:,.0f} €".replace(",", " "), f"{wr * 100:.1f} %".replace(".", ","), f"{cyc:.1f} j".replace(".", ",")]
    else:
        want = [f"€{rev:,.0f}", f"{wr * 100:.1f}%", f"{cyc:.1f} d"]
    for w in want:
        assert w in text, (w, text)


def test_cli_prints_both_languages(example_fr, capsys):
    if not example_fr.exists():
        pytest.skip("examples/suivi_commercial.xlsx is not generated")
    from kpis.cli import main

    assert main(["commentary", str(example_fr), "--period", "2026-10"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Équipe — octobre 2026") and "Alice Martin :" in out
    assert main(["commentary", str(example_fr), "--period", "2026-10", "--lang", "en", "--rep", "Alice Martin"]) == 0
    out = capsys.readouterr().out
    assert out.strip().startswith("Alice Martin") and "revenue of" in out and "Team" not in out
    assert main(["commentary", str(example_fr), "--rep", "Nobody"]) == 2


def test_a_rep_with_nothing_to_forecast_gets_one_plain_sentence():
    deals = _deals()
    deals = deals.loc[~((deals["rep"] == "Bruno") & (deals["status"] == "open"))]
    ds = Dataset.from_frames(deals=deals, targets=_targets())
    c = build_commentary(ds, month(2026, 10), Config(), lang="fr", as_of=date(2026, 11, 5))
    assert "Novembre 2026 (données au 5 novembre 2026) : rien de gagné ni d'affaire ouverte prévue dans la période." in c.text("Bruno")
    assert "Aucune affaire ouverte en retard ni sans montant." in c.text("Bruno")


def test_attention_is_the_deals_to_watch_list():
    # Bug found in review: the commentary counted only overdue/amountless deals while the report's
    # "Deals to watch" page also lists stale ones (43 on the page, 10 in the sentence for the example).
    # Here the 9 000 deal (D7) has no activity since its creation on 10-03: stale at 11-05 (14 days).
    from kpis.report.history_context import watch_part

    acts = pd.DataFrame({"deal_id": ["D5", "D6"], "date": pd.to_datetime(["2026-11-01", "2026-11-02"]),
                         "rep": ["Alice", "Bruno"], "type": ["call", "call"]})
    ds = Dataset.from_frames(deals=_deals(), targets=_targets(), activities=acts)
    day = date(2026, 11, 5)
    page = watch_part(ds, Config(), None, day, "fr")
    c = build_commentary(ds, month(2026, 10), Config(), lang="fr", as_of=day)
    assert page["count"] == c.attention == 3  # D5 overdue, D6 no amount, D7 stale
    assert _plain(c.text()).endswith("3 affaires ouvertes demandent de l'attention "
                                     "(date de clôture prévue dépassée, sans activité récente ou montant manquant).")
    assert "2 affaires ouvertes demandent de l'attention (sans activité récente ou montant manquant)." in c.text("Bruno")


def test_report_commentary_and_watch_page_agree(example_fr):
    if not example_fr.exists():
        pytest.skip("examples/suivi_commercial.xlsx is not generated")
    from kpis.cli.common import load_cfg
    from kpis.reader import read_workbook
    from kpis.report import build_context

    cfg = load_cfg(None, example_fr, "en")
    ds = read_workbook(example_fr, cfg)
    ctx = build_context(ds, month(2026, 10), cfg, lang="en", source=example_fr.name)
    n = ctx["watch"]["count"]
    assert n > 0 and ctx["commentary"]["sentences"][-1].startswith(f"{n} open deals need attention (")


def test_the_reports_evaluator_gives_the_same_sentences():
    """The report hands its evaluator (prepared for the period, the previous one and the trend) to
    the commentary, which then computes nothing again: the sentences are the same; an evaluator of
    another date is not used."""
    from kpis.engine import Evaluator
    from kpis.periods import last_n

    ds = Dataset.from_frames(deals=_deals(), targets=_targets())
    p, day, cfg = month(2026, 10), date(2026, 11, 5), Config(lang="fr")
    alone = build_commentary(ds, p, cfg, lang="fr", as_of=day)
    ev = Evaluator(ds, cfg, day).prepare([p, p.previous(), p.year_ago(), *last_n(p, 13)])
    shared = build_commentary(ds, p, cfg, lang="fr", as_of=day, evaluator=ev)
    assert shared.text() == alone.text() and shared.text("Bruno") == alone.text("Bruno")
    assert any(k[1] == p for k in ev._evals)  # the commentary's KPIs were computed in the report's evaluator
    other = Evaluator(ds, cfg, date(2026, 11, 20))
    assert build_commentary(ds, p, cfg, lang="fr", as_of=day, evaluator=other).text() == alone.text()
    assert not other._evals  # a different date: not used


# -- what a second read of the sentences found (each was false or misleading before) ----------------
def _deals_frame(rows):
    import pandas as pd

    df = pd.DataFrame(rows, columns=["rep", "product", "source", "status", "amount", "created_date", "close_date",
                                     "expected_close_date", "stage"])
    for c in ("created_date", "close_date", "expected_close_date"):
        df[c] = pd.to_datetime(df[c])
    df["deal_id"] = [f"D{i}" for i in range(len(df))]
    return df


def _targets_frame(quotas):
    import pandas as pd

    return pd.DataFrame([(r, pd.Timestamp(p), q) for (r, p), q in quotas.items()], columns=["rep", "period", "quota"])


def _text(c, rep=None):
    return c.text(rep).replace("\u202f", " ").replace("\u00a0", " ")


def test_a_reps_credited_revenue_is_said_beside_its_attainment_and_ties_are_said():
    """Alice owns a 10,000 deal shared 60/40 with Bruno, Bruno wins 3,000 himself; quotas 10,000.
    Her attainment is 60 % of 6,000 credited, not of her 10,000: both are said. Bruno, best at
    70 %, is shown with his 7,000 credited (it read "70.0% of quota (€3,000)")."""
    import pandas as pd

    from kpis.dataset import Dataset
    from kpis.periods import month

    deals = _deals_frame([("Alice", "CRM", "Web", "won", 10000, "2026-08-01", "2026-10-05", None, "Won"),
                          ("Bruno", "Training", "Web", "won", 3000, "2026-08-01", "2026-10-06", None, "Won")])
    splits = pd.DataFrame({"deal_id": ["D0", "D0"], "rep": ["Alice", "Bruno"], "share": [0.6, 0.4]})
    targets = _targets_frame({("Alice", "2026-10-01"): 10000, ("Bruno", "2026-10-01"): 10000})
    c = build_commentary(Dataset.from_frames(deals=deals, splits=splits, targets=targets), month(2026, 10), Config(),
                         lang="en", as_of=date(2026, 11, 5))
    assert "Best performer: Bruno, at 70.0% of quota (€7,000)." in _text(c)
    assert "Alice: revenue of €10,000 in October 2026; €6,000 credited (shared deals), 60.0% of target (€10,000)." \
        in _text(c, "Alice")

    tied = _deals_frame([("Alice", "CRM", "Web", "won", 10000, "2026-08-01", "2026-10-05", None, "Won"),
                         ("Bruno", "CRM", "Web", "won", 10000, "2026-08-01", "2026-10-06", None, "Won")])
    c = build_commentary(Dataset.from_frames(deals=tied, targets=targets), month(2026, 10), Config(), lang="en",
                         as_of=date(2026, 11, 5))
    assert "Best performers, tied: Alice and Bruno, at 100.0% of quota." in _text(c)
    assert "Joint 1st of 2 reps on quota attainment." in _text(c, "Bruno")
    c = build_commentary(Dataset.from_frames(deals=tied), month(2026, 10), Config(), lang="fr", as_of=date(2026, 11, 5))
    assert "Meilleurs chiffres d'affaires, à égalité : Alice et Bruno (10 000 € chacun)." in _text(c)


def test_no_best_performer_at_zero_no_rank_among_one_and_no_rounding_onto_a_bound():
    """All lost: nobody is 'best performer at 0 %' (and also furthest below). One rep: no '1st of 1
    reps'. 19,992 of 20,000 is not '100.0 %'; a deal at p = 0.9996 is not a '100.0 % probability'.
    A deal without a probability or known stage counted at 0 % in the forecast is said."""
    from kpis.dataset import Dataset
    from kpis.periods import month

    lost = _deals_frame([("Alice", "CRM", "Web", "lost", 10000, "2026-08-01", "2026-10-05", None, "Lost")])
    q = _targets_frame({("Alice", "2026-10-01"): 10000})
    c = build_commentary(Dataset.from_frames(deals=lost, targets=q), month(2026, 10), Config(), lang="en",
                         as_of=date(2026, 11, 5))
    assert "No rep has credited revenue against quota." in _text(c) and "Best performer" not in _text(c)
    assert "of 1 reps" not in _text(c, "Alice")

    near = _deals_frame([("Alice", "CRM", "Web", "won", 20000, "2026-08-01", "2026-10-05", None, "Won"),
                         ("Bruno", "CRM", "Web", "won", 19992, "2026-08-01", "2026-10-06", None, "Won")])
    q2 = _targets_frame({("Alice", "2026-10-01"): 20000, ("Bruno", "2026-10-01"): 20000})
    c = build_commentary(Dataset.from_frames(deals=near, targets=q2), month(2026, 10), Config(), lang="en",
                         as_of=date(2026, 11, 5))
    assert "Furthest below quota: Bruno (> 99.9%)." in _text(c)

    unknown = _deals_frame([("Alice", "CRM", "Web", "won", 20000, "2026-08-01", "2026-11-02", None, "Won"),
                            ("Alice", "CRM", "Web", "open", 50000, "2026-08-01", None, "2026-11-20", "Bof")])
    c = build_commentary(Dataset.from_frames(deals=unknown, targets=_targets_frame({("Alice", "2026-11-01"): 30000})),
                         month(2026, 11), Config(), lang="en", as_of=date(2026, 11, 5))
    assert "1 open deal without a probability or a known stage counts at 0% in it." in _text(c)
