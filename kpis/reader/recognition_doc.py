"""``docs/recognition.md``, generated from :mod:`kpis.vocab`: the words the reader recognises.

    python -m kpis.reader.recognition_doc docs/recognition.md     # regenerate the committed document

A test checks the committed document is up to date, so the documentation never drifts from the
vocabulary (to teach the reader a word, add it to ``kpis/vocab.py`` and regenerate).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterable

from .. import vocab
from ..schema import TABLES

DOC_PATH = Path(__file__).resolve().parents[2] / "docs" / "recognition.md"


def _words(words: Iterable[str]) -> str:
    return ", ".join(f"`{w}`" for w in words) if words else "—"


def document() -> str:
    out = [
        "<!-- Generated from kpis/vocab.py by `python -m kpis.reader.recognition_doc docs/recognition.md`. Do not edit. -->",
        "",
        "# Mots reconnus / Recognised words",
        "",
        "Les en-têtes, noms de feuilles et valeurs sont comparés sans accents, casse ni ponctuation "
        "(« Montant HT (€) » = `montant ht`), en mots entiers ; un préfixe d'export (« Affaire - », « Deal - ») "
        "est ignoré. Chaque colonne proposée par son en-tête est aussi jugée sur ses valeurs : voir "
        "`kpis init` et le rapport de qualité. / Headers, sheet names and values are compared without accents, "
        "case or punctuation (\"Montant HT (€)\" = `montant ht`), as whole words; an export prefix "
        "(\"Deal - \", \"Affaire - \") is read through. Each column a header proposes is also judged by its "
        "values: see `kpis init` and the data-quality report.",
        "",
        "## Feuilles / Sheets",
        "",
        "| table | noms de feuille / sheet names |",
        "|---|---|",
    ]
    for t, words in vocab.SHEET_NAMES.items():
        out.append(f"| `{t}` | {_words(words)} |")
    out += ["", "## En-têtes par champ / Headers per field", ""]
    for tname, table in TABLES.items():
        headers = vocab.HEADERS.get(tname, {})
        if not headers:
            continue
        out += [f"### `{tname}` — {table.label_fr} / {table.label_en}", "", "| champ / field | en-têtes / headers |",
                "|---|---|"]
        for f in table.field_names:
            weak = vocab.WEAK_HEADERS.get((tname, f), ())
            kept = [w for w in headers.get(f, ()) if w not in weak]
            cell = _words(list(dict.fromkeys([f] + kept)))
            if weak:
                cell += " ; faibles / weak: " + _words(weak)
            req = " (requis / required)" if f in table.required else ""
            out.append(f"| `{f}`{req} | {cell} |")
        out.append("")
    out += ["## Comment une affaire s'est terminée / How a deal ended", "",
            "Colonnes lues en plus des champs (un journal de commandes : chaque commande est une vente gagnée). / "
            "Columns read besides the fields (an order ledger: every order is a won sale).", "",
            "| rôle / role | en-têtes / headers |", "|---|---|"]
    for role, words in vocab.DEAL_EXTRA_HEADERS.items():
        out.append(f"| `{role}` | {_words(words)} |")
    out += ["", "Préfixes d'export / export prefixes: " + _words(vocab.HEADER_PREFIXES), "",
            "En-têtes jamais pris sur une correspondance partielle / headers never taken on a partial match: "
            + _words(vocab.NOT_A_FIELD), "", "## Étapes → statut / Stages → status", ""]
    for status, words in vocab.STAGES.items():
        out.append(f"- **{status}**: {_words(words)}")
    out += ["", "Une étape inconnue compte en cours et est signalée ; `[stages]` dans kpis.toml en ajoute. / "
            "An unknown stage counts as open and is reported; `[stages]` in kpis.toml adds words.", "",
            "## Catégories / Categories", ""]
    for title, voc in (("deals.deal_type", vocab.DEAL_TYPES), ("activities.type", vocab.ACTIVITY_TYPES),
                       ("activities.outcome", vocab.ACTIVITY_OUTCOMES), ("leads.stage", vocab.LEAD_STAGES),
                       ("leads.response", vocab.LEAD_RESPONSES), ("spend.category", vocab.SPEND_CATEGORIES),
                       ("team.role", vocab.ROLES)):
        out += [f"### `{title}`", ""]
        for canon, words in voc.items():
            out.append(f"- **{canon}**: {_words(words)}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else DOC_PATH
    path.write_text(document(), encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
