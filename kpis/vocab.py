"""The words the reader recognises, as plain data: sheet names, headers, categories, months.

Everything here is matched after folding (:func:`kpis.text.fold`): accents, case, punctuation
and repeated spaces do not matter, so ``"Montant HT (€)"``, ``"montant ht"`` and ``"MONTANT HT"``
are the same header, and ``"Étape"`` matches ``"etape"``. Lists are French first, then English.

The configuration extends the category vocabularies (``[stages] won = ["Bon de commande reçu"]``,
``[activity_types] call = ["Phoning"]``…); ``[mapping.TABLE]`` overrides header detection.
To teach the reader a new word for everyone, add it here (and a test).
"""

from __future__ import annotations

import re

# --- Sheet names --------------------------------------------------------------------------------
# A sheet whose name is one of these gets a bonus towards that table (it must still have matching
# headers). Partial matches count too: "Suivi des affaires 2026" contains "affaires".
SHEET_NAMES: dict[str, tuple[str, ...]] = {
    "deals": (
        "affaires", "opportunites", "opportunite", "ventes", "pipeline", "pipe", "suivi commercial",
        "suivi des affaires", "devis", "commandes", "deals", "opportunities", "sales", "pipeline deals",
        "commande", "lignes de commande", "factures", "ventes en ligne", "orders", "order lines", "sales orders",
        "invoices", "opportunity", "deal", "sales pipeline", "crm",
    ),
    "activities": (
        "activites", "activite", "actions", "actions commerciales", "journal", "appels", "rendez vous",
        "activities", "activity", "activity log", "calls",
    ),
    "leads": ("prospects", "leads", "prospection", "pistes", "contacts entrants", "lead log"),
    "customers": ("clients", "portefeuille clients", "abonnements", "comptes", "customers", "accounts", "subscriptions"),
    "targets": ("objectifs", "quotas", "quota", "objectifs commerciaux", "cibles", "targets", "sales targets", "goals"),
    "spend": ("depenses", "budget", "budget marketing", "couts", "investissements", "spend", "marketing spend", "costs", "budget spend"),
    "surveys": ("enquetes", "enquetes clients", "satisfaction", "nps", "avis clients", "surveys", "customer surveys", "csat"),
    "team": ("equipe", "equipe commerciale", "commerciaux", "vendeurs", "effectifs", "equipes", "team", "sales team", "reps",
             "staff", "sales teams", "teams", "people", "sales agents", "agents"),
    "employee_surveys": (
        "enps", "enquetes collaborateurs", "enquete interne", "barometre", "barometre interne", "barometre social",
        "climat social",
        "employee surveys", "employee nps", "staff survey",
    ),
    "splits": ("partages", "partage des affaires", "repartition", "co ventes", "splits", "deal splits", "credit splits"),
}

# Sheets the reader never treats as data (the configuration sheet, its own output sheets).
# Its format: kpis/config_sheet.py. "kpi settings" is also the English name of the add-in's settings
# sheet, which its marker identifies first (kpis/xl/settings.py).
CONFIG_SHEET_NAMES: tuple[str, ...] = ("Paramètres KPI", "KPI settings", "Configuration KPI", "KPI configuration", "kpis",
                                       "kpis.toml", "kpis_config", "kpis config")

# --- Headers: table -> field -> synonyms --------------------------------------------------------
# Words used by several fields of one table are resolved by the best match: an exact header beats a
# header that merely starts with or contains a synonym ("Date de création" is created_date, not
# close_date, even though "date" alone would be close_date).
_REP = ("commercial", "commerciale", "vendeur", "vendeuse", "responsable", "charge d affaires", "chargee d affaires",
        "ingenieur commercial", "representant", "conseiller", "conseillere", "proprietaire", "attribue a",
        "rep", "sales rep", "owner", "account executive", "ae", "salesperson", "assigned to", "seller", "account owner",
        "deal owner", "lead owner", "agent", "agent commercial", "sales agent", "sales representative",
        "opportunity owner", "proprietaire de l affaire", "proprietaire de l opportunite", "sr", "sr id",
        "proprietaire de la transaction", "transaction owner", "proprietaire de la fiche", "record owner",
        "sales rep id", "rep id", "utilisateur", "user", "sales person", "vendeur responsable")
_CUSTOMER_ID = ("id client", "n client", "no client", "numero client", "code client", "ref client", "reference client",
                "customer id", "customer no", "customer number", "account id", "client id")
_DEAL_ID = ("id affaire", "n affaire", "no affaire", "numero affaire", "numero d affaire", "ref affaire",
            "reference affaire", "id opportunite", "n opportunite", "deal id", "deal no", "deal number",
            "opportunity id", "opportunity no", "record id", "id de l opportunite", "id de l affaire",
            "id de fiche d informations", "id de la fiche", "id de l enregistrement", "id de la transaction")
# Order ledgers (ERP, e-shop exports): an order is a won sale on its order date.
_ORDER_ID = ("n commande", "no commande", "numero de commande", "numero commande", "id commande", "ref commande",
             "reference commande", "reference de commande", "n de commande", "commande", "n facture", "numero de facture",
             "facture", "order id", "order number", "order no", "order ref", "order reference", "order",
             "invoice number", "invoice no", "invoice id", "invoice", "sales order", "transaction id")
_ORDER_DATE = ("date de commande", "commande le", "date commande", "date de facture", "date de facturation", "facture le",
               "order date", "ordered on", "date ordered", "invoice date", "order placed", "purchase date",
               "transaction date")
_LEAD_ID = ("id prospect", "n prospect", "no prospect", "numero prospect", "ref prospect", "lead id", "lead no",
            "lead number")
_LOCATION = ("region", "zone", "secteur", "territoire", "ville", "pays", "agence", "site", "localisation",
             "location", "territory", "area", "city", "country", "branch", "office", "regional office", "bureau",
             "bureau regional", "state", "departement", "sales region", "sales territory")
_SOURCE = ("source", "origine", "canal", "provenance", "canal d acquisition", "apporteur", "channel",
           "lead source", "origin", "acquisition channel", "original source", "source de l affaire", "source du lead",
           "source du prospect", "canal d origine", "origine de la piste", "source de prospect",
           "origine du prospect", "source de la piste")

HEADERS: dict[str, dict[str, tuple[str, ...]]] = {
    "deals": {
        "deal_id": ("id", "n", "no", "numero", "ref", "reference", "code") + _DEAL_ID + ("affaire n",) + _ORDER_ID,
        "account": ("client", "compte", "societe", "entreprise", "raison sociale", "nom du client", "prospect",
                    "account", "customer", "company", "account name", "customer name", "organisation", "organization",
                    "nom de l organisation", "organisation nom", "organization name", "company name", "nom de la societe",
                    "nom de l entreprise", "associated company", "tiers", "partenaire", "partner", "nom du compte",
                    "entreprise associee", "client final"),
        "customer_id": _CUSTOMER_ID,
        "rep": _REP,
        "stage": ("etape", "statut", "etat", "phase", "stade", "avancement", "etape de vente", "statut de l affaire",
                  "stage", "status", "deal stage", "sales stage", "pipeline stage", "etape de l affaire",
                  "etape de l opportunite", "etape du pipeline", "phase de vente", "opportunity stage",
                  "phase de la transaction", "etape de la transaction", "deal phase", "phase de l affaire"),
        "amount": ("montant", "montant ht", "montant total", "valeur", "ca", "chiffre d affaires", "prix de vente",
                   "montant signe", "montant du devis", "total ht", "amount", "value", "deal value", "deal amount",
                   "revenue", "deal size", "price", "total", "revenu espere", "revenu prevu", "montant estime",
                   "montant de l opportunite", "montant de l affaire", "valeur de l affaire", "montant commande",
                   "total commande", "ventes", "close value", "expected revenue", "opportunity amount", "sales",
                   "sales amount", "net sales", "order total", "order amount", "line total", "total price",
                   "revenu attendu", "montant de la transaction", "transaction amount",
                   "montant total ht", "total ttc"),
        "cost": ("cout", "cout de revient", "cout total", "achat", "prix d achat", "cost", "cogs", "cost of goods", "cout d achat", "purchase cost",
                 "cost price"),
        "created_date": ("date de creation", "cree le", "creation", "date d ouverture", "ouvert le", "date d entree",
                         "date de detection", "created", "created date", "created on", "creation date", "open date",
                         "date created", "engage date", "engaged on", "date d engagement", "create date", "created time",
                         "deal created", "date de creation de l affaire", "creee le", "date d ajout", "added on",
                         "affaire creee", "creee", "heure de creation", "date et heure de creation"),
        "close_date": ("date de signature", "signe le", "date de cloture", "cloture le", "date de cloture reelle",
                       "date de fermeture", "date de gain", "date de decision", "date", "close date", "closed date",
                       "closed on", "date closed", "signature date", "won date", "closing date", "won time",
                       "date de fermeture reelle", "closed won date", "date de conclusion") + _ORDER_DATE,
        "expected_close_date": ("date de signature prevue", "date de cloture prevue", "cloture prevue", "signature prevue",
                                "date prevue", "echeance", "date previsionnelle", "expected close date",
                                "expected close", "forecast close date", "target close date", "estimated close date",
                                "date de cloture attendue", "expected closing date", "date de fermeture prevue",
                                "expected close date of the deal", "date de cloture estimee", "expected closing"),
        "probability": ("probabilite", "proba", "probabilite de gain", "chance de succes", "probability",
                        "win probability", "likelihood", "probability %"),
        "source": _SOURCE,
        "product": ("produit", "offre", "gamme", "article", "service", "solution", "product", "offer", "product line",
                    "sku", "product name", "nom du produit", "designation", "libelle article", "ligne de produit",
                    "produits", "item", "item name", "line item", "lineitem name", "item description"),
        "location": _LOCATION,
        "deal_type": ("type d affaire", "type de vente", "type", "nature", "categorie", "type d opportunite",
                      "deal type", "opportunity type", "business type", "sale type"),
        "lost_reason": ("motif de perte", "raison de perte", "cause de perte", "motif", "raison", "cause",
                        "pourquoi perdu", "lost reason", "loss reason", "reason lost", "reason", "motif de la perte",
                        "raison de la perte", "closed lost reason", "motif de perte de l affaire"),
        "list_price": ("prix catalogue", "prix public", "tarif", "prix de liste", "prix tarif", "list price",
                       "catalog price", "catalogue price", "rrp"),
        "competitor_price": ("prix concurrent", "prix concurrence", "prix du concurrent", "offre concurrente",
                             "competitor price", "competitor s price", "competing price"),
        "proposal_date": ("date de proposition", "date du devis", "devis envoye le", "proposition envoyee le",
                          "date d envoi du devis", "date de l offre", "proposal date", "quote date", "proposal sent",
                          "quote sent"),
        "demo_date": ("date de demo", "date de demonstration", "demo le", "demo date", "demonstration date", "demo"),
        "forecast_category": ("categorie de prevision", "categorie previsionnelle", "categorie de forecast",
                              "forecast category", "forecast category name", "forecastcategoryname"),
    },
    "activities": {
        "date": ("date", "date de l activite", "date de l action", "jour", "date d activite", "activity date",
                 "day", "when", "done on"),
        "rep": _REP,
        "type": ("type", "type d activite", "type d action", "action", "activite", "nature", "canal", "type de contact",
                 "activity type", "activity", "kind", "channel"),
        "outcome": ("resultat", "statut", "issue", "etat", "suite", "compte rendu", "outcome", "result", "status"),
        "deal_id": _DEAL_ID + ("affaire", "opportunite", "deal", "opportunity"),
        "lead_id": _LEAD_ID + ("prospect", "lead"),
        "customer_id": _CUSTOMER_ID + ("client", "customer", "account"),
    },
    "leads": {
        "lead_id": ("id", "n", "no", "numero", "ref", "reference") + _LEAD_ID + ("mql id", "contact id", "record id"),
        "created_at": ("date de creation", "cree le", "date d entree", "date de reception", "recu le", "date",
                       "date d arrivee", "arrive le", "created", "created at", "created on", "creation date",
                       "date created", "received", "received on"),
        "source": _SOURCE,
        "campaign": ("campagne", "operation", "action marketing", "campaign", "utm campaign", "campaign name"),
        "rep": _REP,
        "stage": ("etape", "statut", "etat", "stade", "cycle de vie", "etape du cycle", "phase", "stage",
                  "status", "lifecycle stage", "lead status", "lifecycle"),
        "mql_date": ("date mql", "mql le", "qualifie marketing le", "date de qualification marketing", "mql date",
                     "mql", "became mql"),
        "sql_date": ("date sql", "sql le", "qualifie commercial le", "date de qualification commerciale", "sql date",
                     "sql", "became sql"),
        "opportunity_date": ("date opportunite", "opportunite le", "date de passage en opportunite",
                             "opportunity date", "became opportunity", "opportunity"),
        "customer_date": ("date client", "client le", "devenu client le", "date de conversion", "date de signature",
                          "customer date", "became customer", "won date", "conversion date"),
        "first_contact_at": ("premier contact", "date du premier contact", "premier contact le", "contacte le",
                             "date de contact", "date de relance", "first contact", "first contact at",
                             "first contacted", "contacted on", "first touch", "first response", "first contact date"),
        "response": ("reponse", "retour", "type de reponse", "reaction", "response", "reply", "answer"),
        "meeting_date": ("date de rendez vous", "date du rdv", "rdv le", "rendez vous le", "date rdv", "rdv",
                         "rendez vous", "meeting date", "meeting", "meeting booked", "meeting on"),
    },
    "customers": {
        "customer_id": ("id", "n", "no", "numero", "ref", "reference", "code") + _CUSTOMER_ID,
        "name": ("client", "nom", "nom du client", "raison sociale", "societe", "entreprise", "compte", "customer",
                 "name", "customer name", "account", "account name", "company"),
        "start_date": ("date de debut", "debut", "client depuis", "date de souscription", "date d abonnement",
                       "date d entree", "date de signature", "start date", "start", "customer since",
                       "subscription date", "signup date", "start of contract"),
        "end_date": ("date de fin", "fin", "date de resiliation", "resilie le", "date de depart", "date de churn",
                     "parti le", "end date", "end", "churn date", "churned on", "cancellation date", "cancelled on"),
        "mrr": ("mrr", "revenu mensuel", "abonnement mensuel", "montant mensuel", "mensualite", "ca mensuel",
                "monthly revenue", "monthly recurring revenue", "monthly fee", "monthly amount"),
        "segment": ("segment", "categorie", "taille", "typologie", "type de client", "category", "tier", "size",
                    "customer type"),
        "location": _LOCATION,
        "source": _SOURCE,
        "rep": _REP + ("gestionnaire", "account manager", "csm"),
    },
    "targets": {
        "rep": _REP,
        "period": ("mois", "periode", "date", "month", "period"),
        "quota": ("objectif", "quota", "objectif de ca", "objectif mensuel", "cible", "montant objectif", "target",
                  "goal", "objective", "monthly quota", "sales target"),
    },
    "spend": {
        "period": ("mois", "periode", "date", "month", "period"),
        "channel": ("canal", "levier", "source", "poste", "support", "campagne", "channel", "medium", "item",
                    "campaign"),
        "category": ("categorie", "type", "nature", "famille", "category", "kind"),
        "amount": ("montant", "depense", "depenses", "cout", "budget", "montant ht", "amount", "spend", "cost",
                   "total"),
    },
    "surveys": {
        "date": ("date", "date de reponse", "repondu le", "date de l enquete", "response date", "survey date",
                 "submitted"),
        "customer_id": _CUSTOMER_ID + ("client", "customer", "account"),
        "score": ("score", "note", "nps", "note nps", "recommandation", "note de recommandation", "score nps",
                  "nps score", "likelihood to recommend", "rating"),
        "csat": ("csat", "satisfaction", "note de satisfaction", "score de satisfaction", "satisfaction score",
                 "csat score"),
    },
    "team": {
        "rep": _REP + ("nom", "collaborateur", "salarie", "name", "employee", "member", "person", "personne"),
        "role": ("role", "poste", "fonction", "position", "title", "job title"),
        "team": ("equipe", "service", "departement", "team", "squad", "department"),
        "location": _LOCATION,
        "manager": ("manager", "responsable", "n 1", "superieur", "chef d equipe", "directeur", "manager name",
                    "reports to", "team lead"),
        "hire_date": ("date d embauche", "date d entree", "embauche le", "arrive le", "entree", "arrivee",
                      "hire date", "start date", "hired on", "joined"),
        "leave_date": ("date de depart", "date de sortie", "parti le", "sortie", "depart", "leave date", "end date",
                       "left on", "termination date"),
        "plan": ("plan", "plan de commission", "plan de remuneration", "remuneration variable", "grille",
                 "commission plan", "comp plan", "compensation plan"),
    },
    "employee_surveys": {
        "date": ("date", "date de reponse", "repondu le", "response date", "survey date"),
        "rep": _REP + ("collaborateur", "salarie", "employee", "name", "nom"),
        "score": ("score", "note", "enps", "note enps", "recommandation", "score enps", "enps score", "rating"),
    },
    "splits": {
        "deal_id": ("id", "n", "no", "numero", "ref") + _DEAL_ID + ("affaire", "deal", "opportunite", "opportunity"),
        "rep": _REP,
        "share": ("part", "quote part", "pourcentage", "repartition", "partage", "commission", "share", "split",
                  "percentage", "percent", "credit"),
    },
}

# --- Headers that say how deals end, not canonical fields -------------------------------------------
# A status column (won/lost/open words), won and lost date columns, an "active" flag (Odoo archives
# lost opportunities), a profit column (cost = amount - profit), order ledger columns (every order a
# won sale). They may share a column with a canonical field ("Won time" is also the close date).
DEAL_EXTRA_HEADERS: dict[str, tuple[str, ...]] = {
    "status": ("statut", "status", "deal status", "statut de l affaire", "etat", "etat de l affaire",
               "opportunity status", "won lost", "gagne perdu", "statut de l opportunite"),
    "won_date": ("date de gain", "gagne le", "gagnee le", "date gagne", "date de victoire", "won date", "won time",
                 "won on", "closed won date", "date won"),
    "lost_date": ("date de perte", "perdu le", "perdue le", "date perdu", "lost date", "lost time", "lost on",
                  "closed lost date", "date lost"),
    "active": ("actif", "active", "est actif", "is active"),
    "profit": ("profit", "marge", "marge brute", "benefice", "gross margin", "margin", "gross profit", "marge ht"),
    "order_id": _ORDER_ID,
    "order_date": _ORDER_DATE,
}

# Prefixes CRM exports put before every column ("Deal - Value", "Affaire - Statut", "Opportunity Name"):
# a header starting with one of them is also read without it.
HEADER_PREFIXES: tuple[str, ...] = ("affaire", "opportunite", "deal", "opportunity", "opp")

# Headers that name something no field is (never taken on a partial match): a postal code is no id.
NOT_A_FIELD: tuple[str, ...] = (
    "code postal", "cp", "postal code", "zip", "zip code", "postcode", "telephone", "tel", "phone", "mobile",
    "portable", "email", "e mail", "courriel", "mail", "adresse", "address", "siret", "siren", "tva", "vat",
    "url", "site web", "website", "iban", "row id", "row", "ligne", "n de ligne", "line", "quantite", "quantity",
    "qty", "discount", "remise", "ship date", "date d expedition", "date de livraison", "delivery date",
    "ship mode", "mode d expedition", "currency", "devise", "monnaie",
)

# Synonyms that name a field only when no better column does: they match like a header's start, not
# exactly ("Expected Revenue" is Odoo's deal value, but Zoho's amount x probability beside "Amount").
WEAK_HEADERS: dict[tuple[str, str], tuple[str, ...]] = {
    ("deals", "amount"): ("expected revenue", "revenu attendu", "revenu espere", "revenu prevu", "montant estime"),
}

# --- Header noise ------------------------------------------------------------------------------
# Words dropped from a header before matching: "Montant HT (€)" -> "montant", "Date (jj/mm/aaaa)" -> "date".
HEADER_NOISE: tuple[str, ...] = (
    "ht", "ttc", "eur", "euro", "euros", "usd", "gbp", "chf", "jj mm aaaa", "dd mm yyyy", "yyyy mm dd", "aaaa mm jj",
    "mm dd yyyy", "en", "in", "hors taxes", "excl vat", "incl vat", "a ce jour",
)

# --- Deal stages -> status ------------------------------------------------------------------------
# A stage is looked up whole after folding and after dropping a leading number ("6 - Gagné" -> "gagne").
# Stages not listed are read as open and reported once per sheet and word, so the configuration can
# say what they mean.
STAGES: dict[str, tuple[str, ...]] = {
    "won": (
        "gagne", "gagnee", "signe", "signee", "conclu", "conclue", "vendu", "vendue", "commande", "commande recue",
        "bon de commande", "bon pour accord", "accepte", "acceptee", "cloture gagne", "ferme gagne", "facture",
        "facturee", "won", "closed won", "closed", "closed win", "win", "signed", "sold", "booked", "deal won",
        "gagnee", "commande passee", "affaire gagnee", "vente conclue", "conclue gagnee", "fermee gagnee",
        "ferme gagne", "transaction gagnee",
    ),
    "lost": (
        "perdu", "perdue", "abandonne", "abandonnee", "refuse", "refusee", "annule", "annulee", "sans suite",
        "cloture perdu", "ferme perdu", "echec", "no go", "classe sans suite", "lost", "closed lost", "loss",
        "rejected", "declined", "cancelled", "canceled", "dead", "no decision", "abandoned", "deal lost",
        "closed lost to competition", "affaire perdue", "perdu concurrent", "conclue perdue", "fermee perdue",
        "transaction perdue",
    ),
    "open": (
        "prospect", "prospection", "decouverte", "qualification", "qualifie", "a qualifier", "en cours", "ouvert",
        "ouverte", "proposition", "proposition envoyee", "devis", "devis envoye", "offre", "offre envoyee",
        "negociation", "en negociation", "demo", "demonstration", "rendez vous", "relance", "en attente", "a relancer",
        "closing", "engagement", "validation", "open", "new", "lead", "prospecting", "discovery", "qualified", "needs analysis",
        "proposal", "proposal sent", "quote", "quote sent", "negotiation", "in negotiation", "commit", "pending",
        "on hold", "contract sent", "evaluation", "presentation",
        # tools' pipeline stages: Maven, HubSpot, Salesforce, Pipedrive, Odoo, Zoho, Sellsy
        "engaging", "appointment scheduled", "qualified to buy", "presentation scheduled", "decision maker bought in",
        "contract sent", "value proposition", "id decision makers", "perception analysis", "proposal price quote",
        "negotiation review", "needs analysis", "identify decision makers", "lead in", "contact made", "demo scheduled",
        "proposal made", "negotiations started", "qualification", "id decision makers", "proposition faite",
        "contact etabli", "demo programmee", "negociations commencees", "nouveau", "nouvelle", "qualifie",
        "a contacter", "contacte", "rdv planifie", "rendez vous planifie", "propose", "proposition commerciale",
        "en cours de negociation", "devis a faire", "a relancer", "ouverte", "en attente de signature",
        "proposal review", "price quote", "closed pending",
        "analyse des besoins", "proposition de valeur", "identification des decideurs", "analyse de perception",
        "proposition devis", "negociation revision", "rendez vous programme", "qualifie pour acheter",
        "presentation programmee", "decideur convaincu", "contrat envoye", "proposition envoyee", "qualifiee",
    ),
}

# --- Categories: canonical value -> words ----------------------------------------------------------
ACTIVITY_TYPES: dict[str, tuple[str, ...]] = {
    "call": ("appel", "appels", "appel telephonique", "telephone", "tel", "coup de fil", "phoning", "appel sortant",
             "appel entrant", "call", "calls", "phone", "phone call", "cold call", "outbound call", "inbound call"),
    "email": ("email", "e mail", "mail", "courriel", "mel", "emailing", "message", "e mails", "emails", "mails"),
    "meeting": ("rendez vous", "rdv", "reunion", "entretien", "visio", "visioconference", "rendez vous telephonique",
                "rdv visio", "meeting", "meetings", "video call", "video meeting", "appointment", "conference call"),
    "visit": ("visite", "visites", "visite client", "deplacement", "terrain", "rdv physique", "rendez vous physique",
              "visit", "visits", "site visit", "field visit", "on site", "in person meeting", "customer visit"),
    "demo": ("demo", "demos", "demonstration", "demo produit", "presentation produit", "product demo",
             "demonstrations"),
}
ACTIVITY_OUTCOMES: dict[str, tuple[str, ...]] = {
    "done": ("fait", "faite", "realise", "realisee", "effectue", "effectuee", "termine", "terminee", "ok", "honore",
             "tenu", "joint", "abouti", "done", "completed", "complete", "held", "reached", "connected", "yes"),
    "no_answer": ("pas de reponse", "sans reponse", "injoignable", "repondeur", "messagerie", "non joignable",
                  "absent", "ne repond pas", "no answer", "no response", "voicemail", "unreachable", "no reply",
                  "not reached", "left message"),
    "scheduled": ("planifie", "planifiee", "prevu", "prevue", "a venir", "programme", "programmee", "a faire",
                  "scheduled", "planned", "upcoming", "to do", "booked"),
    "canceled": ("annule", "annulee", "annulation", "cancelled", "canceled", "cancel", "no show", "lapin"),
    "postponed": ("reporte", "reportee", "decale", "decalee", "remis", "a replanifier", "postponed", "rescheduled",
                  "moved", "delayed"),
}
LEAD_STAGES: dict[str, tuple[str, ...]] = {
    "lead": ("lead", "prospect", "nouveau", "nouveau prospect", "suspect", "contact", "a traiter", "entrant",
             "new", "new lead", "raw", "subscriber", "visitor"),
    "mql": ("mql", "qualifie marketing", "lead qualifie marketing", "marketing qualified", "marketing qualified lead"),
    "sql": ("sql", "qualifie commercial", "lead qualifie commercial", "qualifie", "sales qualified",
            "sales qualified lead", "qualified"),
    "opportunity": ("opportunite", "opportunites", "affaire", "en negociation", "opportunity", "deal", "pipeline"),
    "customer": ("client", "cliente", "gagne", "signe", "converti", "customer", "won", "closed won", "converted"),
    "disqualified": ("disqualifie", "non qualifie", "perdu", "rejete", "abandonne", "hors cible", "sans suite",
                     "disqualified", "unqualified", "lost", "rejected", "junk", "not a fit"),
}
LEAD_RESPONSES: dict[str, tuple[str, ...]] = {
    "positive": ("positive", "positif", "oui", "interesse", "interessee", "favorable", "ok", "rappel souhaite",
                 "positive reply", "yes", "interested", "positive response"),
    "negative": ("negative", "negatif", "non", "pas interesse", "pas interessee", "refus", "defavorable",
                 "pas de besoin", "negative reply", "no", "not interested", "negative response", "declined"),
    "empty": ("aucune", "aucun", "vide", "sans reponse", "pas de reponse", "neutre", "none", "no response",
              "no reply", "empty", "neutral"),
}
DEAL_TYPES: dict[str, tuple[str, ...]] = {
    "new": ("nouveau", "nouvelle", "nouveau client", "nouvelle affaire", "acquisition", "conquete", "new",
            "new business", "new customer", "new logo", "nb", "nouvelle activite"),
    "upsell": ("upsell", "up sell", "montee en gamme", "vente additionnelle", "extension", "augmentation",
               "upgrade", "expansion", "add on", "existing customer upgrade", "client existant montee en gamme"),
    "cross_sell": ("cross sell", "cross selling", "crosssell", "vente croisee", "ventes croisees",
                   "equipement complementaire"),
    "renewal": ("renouvellement", "reconduction", "renouvele", "reabonnement", "renewal", "renew", "renewed"),
}
SPEND_CATEGORIES: dict[str, tuple[str, ...]] = {
    "marketing": ("marketing", "mkt", "communication", "publicite", "pub", "acquisition", "advertising", "ads",
                  "media"),
    "sales": ("ventes", "vente", "commercial", "commerciale", "force de vente", "sales", "salaires commerciaux",
              "sales team"),
}
ROLES: dict[str, tuple[str, ...]] = {
    "AE": ("ae", "commercial", "commerciale", "charge d affaires", "chargee d affaires", "ingenieur commercial",
           "ingenieure commerciale", "account executive", "responsable de compte", "key account manager", "kam",
           "vendeur", "vendeuse", "sales", "sales executive", "account manager", "business developer"),
    "BDR": ("bdr", "business development representative", "developpeur commercial", "business developer junior"),
    "SDR": ("sdr", "sales development representative", "teleprospecteur", "teleprospectrice", "teleprospection",
            "inside sales"),
    "manager": ("manager", "directeur commercial", "directrice commerciale", "chef des ventes", "responsable commercial",
                "responsable commerciale", "head of sales", "sales manager", "team lead", "responsable d equipe",
                "directeur des ventes", "vp sales"),
}

# --- Months ----------------------------------------------------------------------------------------
MONTHS: dict[int, tuple[str, ...]] = {
    1: ("janvier", "janv", "jan", "january"),
    2: ("fevrier", "fevr", "fev", "february", "feb"),
    3: ("mars", "mar", "march"),
    4: ("avril", "avr", "april", "apr"),
    5: ("mai", "may"),
    6: ("juin", "june", "jun"),
    7: ("juillet", "juil", "july", "jul"),
    8: ("aout", "aou", "august", "aug"),
    9: ("septembre", "sept", "sep", "september"),
    10: ("octobre", "oct", "october"),
    11: ("novembre", "nov", "november"),
    12: ("decembre", "dec", "december"),
}
WEEKDAYS: tuple[str, ...] = (
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "lun", "mer", "jeu", "ven", "sam", "dim", "mon", "tue", "wed", "thu", "fri", "sat", "sun",
)

# --- Totals rows ----------------------------------------------------------------------------------
# A row is a totals row when one of its text cells is, after folding, one of these words, optionally
# followed by a year or a name ("Total 2026", "Sous-total Alice").
TOTAL_WORDS: tuple[str, ...] = (
    "total", "totaux", "total general", "grand total", "sous total", "somme", "cumul", "ensemble",
    "sum", "totals", "subtotal", "sub total", "overall total",
)

# Amount suffixes that multiply ("12k", "1,2 M€"): the reader refuses to guess and reports the cell.
AMOUNT_MULTIPLIERS: tuple[str, ...] = ("k", "ke", "keur", "m", "me", "meur", "mn", "mio", "md", "mds", "mille", "millions",
                                       "million", "milliard", "milliards", "bn", "b")

# Currency words and symbols stripped from text amounts.
CURRENCY_WORDS: tuple[str, ...] = ("€", "$", "£", "eur", "euro", "euros", "usd", "gbp", "chf", "ht", "ttc")


# --- Labels: what users read for each canonical id ------------------------------------------------
# The reader matches the words above; everything shown to a user (validate, init, scores, notes,
# the data-quality sheet, KPI inputs) names tables, fields and category values with these labels,
# never with the ids. Table labels live on the schema (kpis.schema.Table.label_fr / label_en).
# (fr, en) per field; a field shared by several tables has one label unless the table overrides it.
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "deal_id": ("N° d'affaire", "Deal ID"),
    "account": ("Client", "Account"),
    "customer_id": ("N° client", "Customer ID"),
    "rep": ("Commercial", "Sales rep"),
    "stage": ("Étape", "Stage"),
    "amount": ("Montant", "Amount"),
    "cost": ("Coût", "Cost"),
    "created_date": ("Date de création", "Created date"),
    "close_date": ("Date de signature", "Close date"),
    "expected_close_date": ("Date de signature prévue", "Expected close date"),
    "probability": ("Probabilité", "Probability"),
    "source": ("Origine", "Source"),
    "product": ("Produit", "Product"),
    "location": ("Lieu", "Location"),
    "deal_type": ("Type d'affaire", "Deal type"),
    "lost_reason": ("Motif de perte", "Lost reason"),
    "list_price": ("Prix catalogue", "List price"),
    "competitor_price": ("Prix concurrent", "Competitor price"),
    "proposal_date": ("Date de proposition", "Proposal date"),
    "demo_date": ("Date de démo", "Demo date"),
    "forecast_category": ("Catégorie de prévision", "Forecast category"),
    "status": ("Statut", "Status"),
    "date": ("Date", "Date"),
    "type": ("Type", "Type"),
    "outcome": ("Résultat", "Outcome"),
    "lead_id": ("N° prospect", "Lead ID"),
    "created_at": ("Date de création", "Created date"),
    "campaign": ("Campagne", "Campaign"),
    "mql_date": ("Date MQL", "MQL date"),
    "sql_date": ("Date SQL", "SQL date"),
    "opportunity_date": ("Date opportunité", "Opportunity date"),
    "customer_date": ("Date client", "Customer date"),
    "first_contact_at": ("Premier contact", "First contact"),
    "response": ("Réponse", "Response"),
    "meeting_date": ("Date de rendez-vous", "Meeting date"),
    "name": ("Raison sociale", "Name"),
    "start_date": ("Date de début", "Start date"),
    "end_date": ("Date de résiliation", "End date"),
    "mrr": ("MRR", "MRR"),
    "segment": ("Segment", "Segment"),
    "period": ("Mois", "Month"),
    "quota": ("Objectif", "Quota"),
    "channel": ("Canal", "Channel"),
    "category": ("Catégorie", "Category"),
    "score": ("Note", "Score"),
    "csat": ("Satisfaction", "Satisfaction"),
    "role": ("Poste", "Role"),
    "team": ("Équipe", "Team"),
    "manager": ("Manager", "Manager"),
    "hire_date": ("Date d'arrivée", "Hire date"),
    "leave_date": ("Date de départ", "Leave date"),
    "plan": ("Plan de commission", "Commission plan"),
    "share": ("Part", "Share"),
}
# Category values (kpis.schema choices, deals.status, team roles): (fr, en).
VALUE_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "status": {"won": ("gagnée", "won"), "lost": ("perdue", "lost"), "open": ("en cours", "open")},
    "deal_type": {"new": ("nouvelle affaire", "new business"), "upsell": ("montée en gamme", "upsell"),
                  "cross_sell": ("vente croisée", "cross-sell"), "renewal": ("renouvellement", "renewal")},
    "activity_type": {"call": ("appel", "call"), "email": ("e-mail", "email"), "meeting": ("rendez-vous", "meeting"),
                      "visit": ("visite", "visit"), "demo": ("démo", "demo")},
    "outcome": {"done": ("fait", "done"), "no_answer": ("sans réponse", "no answer"), "scheduled": ("prévu", "scheduled"),
                "canceled": ("annulé", "canceled"), "postponed": ("reporté", "postponed")},
    "lead_stage": {"lead": ("prospect", "lead"), "mql": ("MQL", "MQL"), "sql": ("SQL", "SQL"),
                   "opportunity": ("opportunité", "opportunity"), "customer": ("client", "customer"),
                   "disqualified": ("disqualifié", "disqualified")},
    "response": {"positive": ("positive", "positive"), "negative": ("négative", "negative"), "empty": ("aucune", "none")},
    "role": {"AE": ("Chargé d'affaires", "Account executive"), "BDR": ("Développeur commercial (BDR)", "Business development rep"),
             "SDR": ("Téléprospecteur (SDR)", "Sales development rep"), "manager": ("Manager", "Manager")},
    "spend_category": {"marketing": ("marketing", "marketing"), "sales": ("ventes", "sales")},
}
# Which value list a (table, field) takes its words from.
VALUE_KINDS: dict[tuple[str, str], str] = {
    ("deals", "status"): "status", ("deals", "deal_type"): "deal_type", ("activities", "type"): "activity_type",
    ("activities", "outcome"): "outcome", ("leads", "stage"): "lead_stage", ("leads", "response"): "response",
    ("team", "role"): "role", ("spend", "category"): "spend_category",
}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if str(lang).lower().startswith("en") else pair[0]


def table_label(table: str, lang: str) -> str:
    """``deals`` → ``Affaires`` / ``Deals``; an unknown name is returned as given."""
    from .schema import TABLES

    t = TABLES.get(table)
    if t is None:
        return str(table)
    return _pick((t.label_fr or t.name, t.label_en or t.name), lang)


def field_label(field: str, lang: str) -> str:
    """``created_date`` → ``Date de création`` / ``Created date``; an unknown name is returned as given."""
    pair = FIELD_LABELS.get(field)
    return _pick(pair, lang) if pair else str(field)


def value_label(kind: str, value: object, lang: str) -> str:
    """A category value in the user's language (``value_label("lead_stage", "sql", "fr")`` → ``SQL``);
    ``kind`` is a :data:`VALUE_LABELS` key or a ``"table.field"``; unknown values are returned as given."""
    if "." in kind:
        t, f = kind.split(".", 1)
        kind = VALUE_KINDS.get((t, f), kind)
    pair = VALUE_LABELS.get(kind, {}).get(str(value)) if value is not None else None
    return _pick(pair, lang) if pair else ("" if value is None else str(value))


_INPUT_RE = None


def inputs_label(text: object, lang: str) -> str:
    """Every ``table.field`` (or bare table name) in ``text`` named in the user's language:
    ``"deals.created_date, deals.close_date"`` → ``"Affaires : Date de création, Affaires : Date de signature"``
    (``Deals: Created date``…). Other words are left as they are."""
    import re

    from .schema import TABLES

    global _INPUT_RE
    if _INPUT_RE is None:
        names = "|".join(sorted(TABLES, key=len, reverse=True))
        _INPUT_RE = re.compile(rf"\b({names})(?:\.([a-z_]+))?\b")
    sep = " : " if not str(lang).lower().startswith("en") else ": "

    def one(m: "re.Match[str]") -> str:
        t, f = m.group(1), m.group(2)
        return table_label(t, lang) + (sep + field_label(f, lang) if f else "")

    return _INPUT_RE.sub(one, "" if text is None else str(text))


# Message parameters that hold ids: shown as labels (kpis.quality.Issue.reason, notes of results).
_ID_PARAMS = {"table": "table", "field": "field", "fields": "fields", "other": "field", "what": "inputs",
              "tables": "inputs", "status": "status", "stage_status": "status"}


_ID_LIST_RE = re.compile(r"[a-z_]+(\.[a-z_]+)?(\s*[,/]\s*[a-z_]+(\.[a-z_]+)?)*")


# Numbers in messages' parameters shown in the user's language (12 500,5 / 12,500.5): parameter ->
# decimals (None: 0 from 100 on, 2 from 0.01, else 6 -- a median of cents is still readable).
_NUMBER_PARAMS: dict[str, int | None] = {"times": 0, "median": None, "limit": 0, "total": None,
                                            "revenue": 0}


def localise_params(params: dict, lang: str) -> dict:
    """``params`` of a message with table, field and ``table.field`` ids replaced by their labels
    (the ``field`` of a ``table`` stays a field label: both are shown, each in its place), and the
    numbers of :data:`_NUMBER_PARAMS` written in ``lang``."""
    from .i18n import format_number

    out = dict(params)
    for key, decimals in _NUMBER_PARAMS.items():
        v = out.get(key)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            if decimals is None:
                decimals = 0 if abs(v) >= 100 else (2 if abs(v) >= 0.01 else 6)
            out[key] = format_number(v, lang, decimals)
    if isinstance(params.get("table"), str):
        out.setdefault("table_id", params["table"])  # what to type in kpis.toml ([mapping.deals])
    for key, kind in _ID_PARAMS.items():
        v = out.get(key)
        if not isinstance(v, str) or not v:
            continue
        if kind == "table":
            out[key] = table_label(v, lang)
        elif kind == "field":
            out[key] = field_label(v, lang)
        elif kind == "fields":
            out[key] = ", ".join(field_label(x.strip(), lang) for x in v.split(","))
        elif kind == "status":  # a deal's won / lost / open
            out[key] = value_label("status", v, lang)
        elif _ID_LIST_RE.fullmatch(v):  # only a list of ids: never rewrite a sentence
            out[key] = inputs_label(v, lang)
    return out


_CATEGORY_ORDER = ("lead_stage", "deal_type", "activity_type", "outcome", "response", "status")


def category_label(value: object, lang: str) -> str:
    """A category id met without its field (a distribution's or a breakdown's key: ``sql``, ``upsell``,
    ``no_answer``) in the user's language; anything else (a rep, a product, a lost reason) as given."""
    for kind in _CATEGORY_ORDER:
        pair = VALUE_LABELS[kind].get(str(value))
        if pair:
            return _pick(pair, lang)
    return "" if value is None else str(value)


_SNAKE_RE = re.compile(r"(?<![\w.])([a-z][a-z0-9]*(?:_[a-z0-9]+)+)(?![\w(])")



def plain_words(text: str, lang: str) -> str:
    """A definition written with ids made readable: KPI ids become KPI names, field and category ids
    their labels (``"deals_won / deals_lost"`` → ``"deals won / deals lost"``, ``"with close_date in P"``
    → ``"with close date in P"``). Words that are not ids are left alone."""
    from .engine.registry import REGISTRY  # late: the registry imports the engine

    def one(m: re.Match[str]) -> str:
        w = m.group(1)
        if w in REGISTRY:
            name = REGISTRY[w].name(lang)
        elif w in TABLES:
            name = table_label(w, lang)
        elif w in FIELD_LABELS:
            name = field_label(w, lang)
        else:
            name = category_label(w, lang)
            if name == w:
                return w
        # mid-sentence: lower-case the first letter unless the label starts with an acronym (MRR, SQL…)
        return name if name[:2].isupper() else name[:1].lower() + name[1:]

    from .schema import TABLES

    text = _SNAKE_RE.sub(one, text)
    return re.sub(r"\b(mql|sql)\b", lambda m: m.group(1).upper(), text)  # the lead stages, as written
