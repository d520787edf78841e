"""French and English texts of every reader issue and error (codes used in :class:`kpis.quality.Issue`).

Each template may use ``{value}`` (the cell as found) and the issue's ``params``.
"""

from __future__ import annotations

from ..i18n import register

# Words used inside messages, by kind of value.
KIND_WORDS = {
    "date": ("date", "dates"),
    "datetime": ("date et heure", "date-times"),
    "month": ("mois", "months"),
    "money": ("montant", "amounts"),
    "number": ("nombre", "numbers"),
    "rate": ("pourcentage", "percentages"),
}

MESSAGES = {
    # -- files -----------------------------------------------------------------------------------
    "encrypted_file": {
        "fr": "{path} est protégé par un mot de passe : enregistrez une copie sans mot de passe",
        "en": "{path} is password-protected: save a copy without a password",
    },
    "empty_file": {"fr": "{path} est vide", "en": "{path} is empty"},
    "not_a_workbook": {
        "fr": "{path} n'est pas un classeur ni un fichier CSV : c'est {kind_fr} (formats lus : .xlsx, .xlsm, "
              ".xlsb, .xls, .ods, .csv)",
        "en": "{path} is not a workbook or a CSV file: it is {kind_en} (formats read: .xlsx, .xlsm, .xlsb, .xls, "
              ".ods, .csv)",
    },
    "damaged_zip": {
        "fr": "{path} est endommagé (archive incomplète ou corrompue : {detail}) : ouvrez-le dans Excel ou LibreOffice "
              "pour le réparer, ou reprenez une copie intacte",
        "en": "{path} is damaged (incomplete or corrupt archive: {detail}): open it in Excel or LibreOffice to repair "
              "it, or use an intact copy",
    },
    "zip_bomb": {
        "fr": "{path} n'est pas lu : son contenu décompressé serait démesuré ({detail}) ; ce n'est pas un fichier de "
              "suivi normal (fichier piégé ou endommagé)",
        "en": "{path} is not read: its content would inflate to an unreasonable size ({detail}); this is not a normal "
              "tracking file (booby-trapped or damaged)",
    },
    "sheet_too_large": {
        "fr": "{path} n'est pas lu : une feuille couvre {cells} cellules ({ref}), plus que le lecteur n'en accepte ; "
              "supprimez les lignes et colonnes inutiles ou découpez la feuille",
        "en": "{path} is not read: a sheet covers {cells} cells ({ref}), more than the reader accepts; delete the "
              "unused rows and columns or split the sheet",
    },
    "sheet_too_large_repair": {
        "fr": "{path} n'est pas lu : il contient des cellules à écarter (erreurs inconnues, cellules isolées très loin) "
              "et il est trop gros ({size}) pour être corrigé en mémoire ; ouvrez-le et enregistrez-le dans Excel",
        "en": "{path} is not read: it holds cells that must be set aside (unknown errors, stray far-away cells) and is "
              "too big ({size}) to be fixed in memory; open and save it in Excel",
    },
    "too_large_to_read": {
        "fr": "{path} est trop gros pour être lu avec la mémoire disponible",
        "en": "{path} is too large to read with the memory available",
    },
    "library_failure": {
        "fr": "impossible de lire {path} ({kind_fr}) : le fichier est endommagé ou d'une forme inhabituelle ; ouvrez-le "
              "dans Excel ou LibreOffice et enregistrez-le en .xlsx (détail : {error})",
        "en": "cannot read {path} ({kind_en}): the file is damaged or unusually built; open it in Excel or LibreOffice "
              "and save it as .xlsx (detail: {error})",
    },
    "bad_csv": {
        "fr": "{path} n'est pas un CSV lisible ({error})",
        "en": "{path} is not a readable CSV file ({error})",
    },
    "kind_mismatch": {
        "fr": "ce fichier {ext} est en réalité {kind_fr} : lu comme tel",
        "en": "this {ext} file is really {kind_en}: read as such",
    },
    "external_links": {
        "fr": "le classeur est lié à d'autres fichiers ({targets}) : les valeurs sont lues telles qu'enregistrées, les "
              "liens ne sont pas suivis",
        "en": "the workbook links to other files ({targets}): values are read as last saved, the links are not followed",
    },
    "dde_links": {
        "fr": "le classeur contient des liaisons DDE ({targets}) : les valeurs sont lues telles qu'enregistrées, les "
              "liaisons ne sont pas suivies",
        "en": "the workbook holds DDE links ({targets}): values are read as last saved, the links are not followed",
    },
    "external_formulas": {
        "fr": "{count} formule(s) font référence à un autre classeur ({cells}) : valeur enregistrée lue, lien non suivi",
        "en": "{count} formula(s) refer to another workbook ({cells}): saved value read, link not followed",
    },
    "formulas_no_value": {
        "fr": "{count} formule(s) sans résultat enregistré ({cells}) : le fichier a été écrit par un programme sans "
              "calculer les formules ; ouvrez-le et enregistrez-le dans Excel ou LibreOffice pour que les valeurs "
              "soient calculées",
        "en": "{count} formula(s) without a saved result ({cells}): the file was written by a program that did not "
              "compute them; open and save the workbook in Excel or LibreOffice so the values are computed",
    },
    "stray_cells": {
        "fr": "{count} cellule(s) isolée(s) très loin des données ({cells}) ignorée(s) : la feuille est lue sur {range}",
        "en": "{count} stray cell(s) far from the data ({cells}) ignored: the sheet is read as {range}",
    },
    # -- layout ----------------------------------------------------------------------------------
    "table_found": {
        "fr": "table {table} lue dans {range} ({rows} lignes)",
        "en": "table {table} read from {range} ({rows} rows)",
    },
    "column_mapped": {
        "fr": "colonne « {column} » → {field} ({table})",
        "en": "column \"{column}\" → {field} ({table})",
    },
    "column_guessed_unique_id": {
        "fr": "colonne « {column} » prise pour {field} ({table}) (supposé : aucun en-tête ne le nomme, mais ses valeurs sont uniques sur chaque ligne)",
        "en": "column \"{column}\" taken as {field} ({table}) (a guess: no header names it, but its values are unique on every row)",
    },
    "column_guessed_only_date": {
        "fr": "colonne « {column} » prise pour {field} ({table}) au lieu de {other} (supposé : c'est la seule date de la feuille)",
        "en": "column \"{column}\" taken as {field} ({table}) instead of {other} (a guess: it is the sheet's only date)",
    },
    "column_rejected_not_dates": {
        "fr": "colonne « {column} » non prise pour {field} ({table}) : ce ne sont pas des dates",
        "en": "column \"{column}\" not taken as {field} ({table}): they are not dates",
    },
    "column_rejected_not_numbers": {
        "fr": "colonne « {column} » non prise pour {field} ({table}) : ce ne sont pas des nombres",
        "en": "column \"{column}\" not taken as {field} ({table}): they are not numbers",
    },
    "column_rejected_mostly_zero": {
        "fr": "colonne « {column} » non prise pour {field} ({table}) : presque toutes valent 0",
        "en": "column \"{column}\" not taken as {field} ({table}): nearly all of them are 0",
    },
    "column_rejected_yes_no_flag": {
        "fr": "colonne « {column} » non prise pour {field} ({table}) : c'est un indicateur oui/non",
        "en": "column \"{column}\" not taken as {field} ({table}): it is a yes/no flag",
    },
    "column_rejected_postal_code": {
        "fr": "colonne « {column} » non prise pour {field} ({table}) : ce sont des codes postaux répétés, pas des identifiants",
        "en": "column \"{column}\" not taken as {field} ({table}): they are repeated postal codes, not ids",
    },
    "column_rejected_not_names": {
        "fr": "colonne « {column} » non prise pour {field} ({table}) : ce sont des nombres ou des dates, pas des noms",
        "en": "column \"{column}\" not taken as {field} ({table}): they are numbers or dates, not names",
    },
    "column_rejected_unique_per_row": {
        "fr": "colonne « {column} » non prise pour {field} ({table}) : une valeur différente sur chaque ligne : pas un commercial qui en suit plusieurs",
        "en": "column \"{column}\" not taken as {field} ({table}): a different value on every row: not a rep who owns several",
    },
    "column_rejected_not_categories": {
        "fr": "colonne « {column} » non prise pour {field} ({table}) : aucune valeur connue de ce champ",
        "en": "column \"{column}\" not taken as {field} ({table}): no known value of this field",
    },
    "why_not_dates": {"fr": "ce ne sont pas des dates", "en": "they are not dates"},
    "why_not_numbers": {"fr": "ce ne sont pas des nombres", "en": "they are not numbers"},
    "why_mostly_zero": {"fr": "presque toutes valent 0", "en": "nearly all of them are 0"},
    "why_yes_no_flag": {"fr": "c'est un indicateur oui/non", "en": "it is a yes/no flag"},
    "why_postal_code": {"fr": "ce sont des codes postaux répétés, pas des identifiants", "en": "they are repeated postal codes, not ids"},
    "why_not_names": {"fr": "ce sont des nombres ou des dates, pas des noms", "en": "they are numbers or dates, not names"},
    "why_unique_per_row": {"fr": "une valeur différente sur chaque ligne : pas un commercial qui en suit plusieurs", "en": "a different value on every row: not a rep who owns several"},
    "why_not_categories": {"fr": "aucune valeur connue de ce champ", "en": "no known value of this field"},
    "column_not_preferred": {
        "fr": "colonne « {column} » non prise pour {field} ({table}) : « {chosen} » lui a été préférée",
        "en": "column \"{column}\" not taken as {field} ({table}): \"{chosen}\" was preferred",
    },
    "field_constant": {
        "fr": "{field} ({table}) = « {constant} » sur chaque ligne (configuration)",
        "en": "{field} ({table}) = \"{constant}\" on every row (configuration)",
    },
    "field_derived": {
        "fr": "{field} ({table}) calculé : {expr}",
        "en": "{field} ({table}) computed as {expr}",
    },
    "derived_undefined": {
        "fr": "{field} ({table}) non calculable par {expr} (division par zéro ou résultat hors limites) : laissé vide",
        "en": "{field} ({table}) cannot be computed as {expr} (division by zero or a result out of range): left empty",
    },
    "deal_status_column": {
        "fr": "colonne « {column} » : statut gagné / perdu / en cours de chaque affaire",
        "en": "column \"{column}\": each deal's won / lost / open status",
    },
    "deal_won_date_column": {
        "fr": "colonne « {column} » : une date ici signifie affaire gagnée",
        "en": "column \"{column}\": a date here means the deal was won",
    },
    "deal_lost_date_column": {
        "fr": "colonne « {column} » : une date ici signifie affaire perdue",
        "en": "column \"{column}\": a date here means the deal was lost",
    },
    "deal_active_column": {
        "fr": "colonne « {column} » : une affaire inactive (archivée) est comptée perdue",
        "en": "column \"{column}\": an inactive (archived) deal counts as lost",
    },
    "stage_from_dates": {
        "fr": "pas de colonne d'étape : statut déduit des dates de gain / de perte (sans date : en cours)",
        "en": "no stage column: status taken from the won / lost dates (no date: open)",
    },
    "stage_from_ledger": {
        "fr": "journal de commandes : chaque commande est une vente gagnée à sa date de commande",
        "en": "order ledger: every order is a won sale on its order date",
    },
    "order_lines_grouped": {
        "fr": "{lines} lignes de commande regroupées en {orders} commandes (montants additionnés par n° de commande)",
        "en": "{lines} order lines grouped into {orders} orders (amounts summed per order id)",
    },
    "column_unmapped": {
        "fr": "colonne « {column} » non utilisée (aucun champ de la table {table} ne lui correspond)",
        "en": "column \"{column}\" not used (matches no field of the {table} table)",
    },
    "split_unknown_deal": {
        "fr": "partage de l'affaire {deal} (lignes {rows}) : aucune affaire ne porte ce numéro, personne n'est crédité",
        "en": "split of deal {deal} (rows {rows}): no deal has this id, nobody is credited",
    },
    "split_scaled": {
        "fr": "les parts de l'affaire {deal} totalisent {total} (lignes {rows}) : ramenées à 100 % en gardant leurs proportions",
        "en": "the shares of deal {deal} add up to {total} (rows {rows}): scaled to 100% keeping their proportions",
    },
    "split_duplicate_id": {
        "fr": "plusieurs affaires gagnées portent le numéro {deal} : son partage (lignes {rows}) ne s'applique qu'à celles dont le commercial y figure, les autres sont créditées à leur commercial",
        "en": "several won deals carry the id {deal}: its split (rows {rows}) applies only to those whose rep it names, the others are credited to their own rep",
    },
    "won_without_amount": {
        "fr": "affaire gagnée{deal} sans montant : comptée parmi les affaires gagnées, rien dans le CA (le panier moyen baisse)",
        "en": "won deal{deal} without an amount: counted among deals won, nothing in revenue (the average deal size drops)",
    },
    "won_without_amount_more": {
        "fr": "… et {count} autre(s) affaire(s) gagnée(s) sans montant",
        "en": "… and {count} more won deal(s) without an amount",
    },
    "won_without_close_date": {
        "fr": "affaire gagnée{deal} sans date de clôture : comptée dans aucune période (ni CA, ni commission)",
        "en": "won deal{deal} without a close date: counted in no period (no revenue, no commission)",
    },
    "won_without_close_date_more": {
        "fr": "… et {count} autre(s) affaire(s) gagnée(s) sans date de clôture, comptée(s) dans aucune période",
        "en": "… and {count} more won deal(s) without a close date, counted in no period",
    },
    "targets_added_up": {
        "fr": "objectif de {rep} pour {month} sur {count} lignes ({rows}) : additionnées ({total})",
        "en": "{rep}'s target for {month} on {count} rows ({rows}): added up ({total})",
    },
    "values_beside_table": {
        "fr": "colonne {letter} : {count} valeur(s) hors du tableau {range} (colonne sans en-tête ou au-delà d'une colonne vide), non lue(s) ; donnez-lui un en-tête, accolée au tableau",
        "en": "column {letter}: {count} value(s) outside the table {range} (a column without a header, or past an empty column), not read; give it a header, next to the table",
    },
    "column_no_header": {
        "fr": "colonne {letter} sans en-tête texte{header} : {count} cellule(s) non lue(s) (ex. « {example} ») ; donnez-lui un en-tête pour qu'elle soit lue",
        "en": "column {letter} has no text header{header}: {count} cell(s) not read (e.g. \"{example}\"); give it a header for it to be read",
    },
    "columns_no_header_more": {
        "fr": "… et {count} autre(s) colonne(s) sans en-tête texte mais avec des valeurs, non lue(s) : {columns}",
        "en": "… and {count} more column(s) with values but no text header, not read: {columns}",
    },
    "sheet_unused": {
        "fr": "feuille non reconnue comme une table de suivi : ignorée",
        "en": "sheet not recognised as a tracking table: ignored",
    },
    "table_not_found": {
        "fr": "aucune feuille ne ressemble à la table {table}",
        "en": "no sheet looks like the {table} table",
    },
    "no_tables": {
        "fr": "aucune table de suivi reconnue dans ce fichier : le lecteur cherche une ligne d'en-têtes comme "
              "« N° affaire | Client | Commercial | Montant | Étape | Date de signature » (affaires), ou celles des "
              "activités, prospects, clients, objectifs… ; si vos colonnes portent d'autres noms, indiquez la feuille "
              "et les colonnes dans [mapping] de kpis.toml (voir docs/configuration.md) ; « kpis init FICHIER » montre ce qui a été "
              "reconnu et propose un kpis.toml",
        "en": "no tracking table recognised in this file: the reader looks for a header row such as "
              "\"Deal ID | Account | Sales rep | Amount | Stage | Close date\" (deals), or those of activities, leads, "
              "customers, targets…; if your columns have other names, give the sheet and columns under [mapping] in "
              "kpis.toml (see docs/configuration.md); \"kpis init FILE\" shows what was recognised and proposes a kpis.toml",
    },
    "empty_workbook": {
        "fr": "le fichier ne contient aucune donnée (toutes ses feuilles sont vides)",
        "en": "the file holds no data (every sheet is empty)",
    },
    "duplicate_header": {
        "fr": "en-tête « {column} » en double (colonnes {letters}) : seule la colonne {used} est lue",
        "en": "header \"{column}\" appears twice (columns {letters}): only column {used} is read",
    },
    "duplicate_header_unused": {
        "fr": "en-tête « {column} » en double (colonnes {letters}) : aucune n'est utilisée",
        "en": "header \"{column}\" appears twice (columns {letters}): none is used",
    },
    "wide_layout": {
        "fr": "une colonne par mois : {count} colonnes de mois lues comme {field} ({table})",
        "en": "one column per month: {count} month columns read as {field} ({table})",
    },
    "missing_required_column": {
        "fr": "colonne obligatoire absente ({fields}) : table {table} non lue",
        "en": "required column missing ({fields}): table {table} not read",
    },
    "header_thousands": {
        "fr": "l'en-tête indique des milliers : les montants sont lus tels quels, sans multiplier",
        "en": "the header says thousands: amounts are read as written, not multiplied",
    },
    "duplicate_source": {
        "fr": "ressemble aussi à la table {table}, déjà lue dans {first} : ignorée (pas clairement la même table ; "
              "pour les lire ensemble, les nommer dans [mapping.{table_id}] sheets = [...])",
        "en": "also looks like the {table} table, already read from {first}: ignored (not clearly the same table; "
              "to read them together, list them in [mapping.{table_id}] sheets = [...])",
    },
    "sheet_appended": {
        "fr": "feuille ajoutée à la table {table} : {range} ({rows} lignes), à la suite de {first}",
        "en": "sheet appended to {table}: {range} ({rows} rows), after {first}",
    },
    "duplicate_across_sheets": {
        "fr": "identifiant « {value} » aussi présent dans la feuille {kept} : ligne ignorée, celle de {kept} est gardée",
        "en": "id \"{value}\" also in sheet {kept}: row ignored, the one in {kept} is kept",
    },
    "duplicate_across_sheets_more": {
        "fr": "… et {count} autre(s) ligne(s) dont l'identifiant figure aussi dans une feuille suivante, ignorée(s)",
        "en": "… and {count} more row(s) whose id is also in a later sheet, ignored",
    },
    "sheet_unused_near": {
        "fr": "feuille ignorée : elle ressemble à la table {table} mais n'a pas de colonne {fields}",
        "en": "sheet ignored: it looks like the {table} table but has no {fields} column",
    },
    # -- progress and configuration ------------------------------------------------------------
    "reading_sheet": {"fr": "lecture de la feuille {sheet}", "en": "reading sheet {sheet}"},
    "reading_table": {"fr": "table {table} : {range}", "en": "table {table}: {range}"},
    "mapping_sheet_not_found": {
        "fr": "feuille « {sheet} » introuvable ; feuilles du classeur : {sheets}",
        "en": "sheet \"{sheet}\" not found; the workbook's sheets: {sheets}",
    },
    "mapping_header_empty": {
        "fr": "la ligne {row} de la feuille {sheet} est vide",
        "en": "row {row} of sheet {sheet} is empty",
    },
    "mapping_no_header": {
        "fr": "aucune ligne d'en-têtes trouvée dans la feuille {sheet} : indiquez header_row",
        "en": "no header row found in sheet {sheet}: give header_row",
    },
    "mapping_constant_unreadable": {
        "fr": "la constante « {value} » de {table}.{field} ne se lit pas ({reason}) : toute la colonne serait vide",
        "en": "the constant \"{value}\" of {table}.{field} cannot be read ({reason}): the whole column would be empty",
    },
    "mapping_column_not_found": {
        "fr": "colonne « {header} » introuvable dans {range} ; en-têtes : {headers}",
        "en": "column \"{header}\" not found in {range}; headers: {headers}",
    },
    # -- rows --------------------------------------------------------------------------------------
    "blank_rows": {
        "fr": "{count} ligne(s) vide(s) ignorée(s) (lignes {rows})",
        "en": "{count} blank row(s) ignored (rows {rows})",
    },
    "totals_row": {"fr": "ligne de total ignorée", "en": "totals row ignored"},
    "missing_required": {
        "fr": "valeur obligatoire absente ({fields})",
        "en": "required value missing ({fields})",
    },
    "more_issues": {
        "fr": "… et {count} autre(s) cellule(s) de cette colonne avec le même problème ({problem}), laissée(s) vide(s)",
        "en": "… and {count} more cell(s) of this column with the same problem ({problem}), left empty",
    },
    # -- values -------------------------------------------------------------------------------------
    "bad_date": {"fr": "date illisible", "en": "unreadable date"},
    "bad_month": {"fr": "mois illisible", "en": "unreadable month"},
    "bad_amount": {"fr": "montant illisible", "en": "unreadable amount"},
    "amount_too_big": {"fr": "montant démesuré (9e16 ou plus) : un numéro collé à la place d'un montant ?",
                       "en": "amount too big (9e16 or more): an id pasted as an amount?"},
    "amount_outlier": {
        "fr": "montant {times} fois la médiane de la colonne ({median}) : gardé tel quel, à vérifier (saisi en centimes, un zéro de trop, un numéro collé ?)",
        "en": "amount {times} times the column's median ({median}): kept as it is, worth a check (typed in cents, a zero too many, a number pasted?)",
    },
    "amount_outliers_more": {
        "fr": "… et {count} autre(s) montant(s) de cette colonne à {limit} fois sa médiane ({median}) ou plus, gardé(s) tel(s) quel(s) (lignes {rows})",
        "en": "… and {count} more amount(s) of this column at {limit} times its median ({median}) or more, kept as they are (rows {rows})",
    },
    "amount_percent": {
        "fr": "pourcentage dans une colonne de montants : ce n'est pas un montant",
        "en": "a percentage in an amount column: not an amount",
    },
    "amount_dot_ambiguous": {
        "fr": "{count} montant(s) comme « {value} » lu(s) avec un point décimal (1.500 = 1,5), pas comme séparateur de milliers (1 500) : à vérifier",
        "en": "{count} amount(s) such as \"{value}\" read with a decimal point (1.500 = 1.5), not a thousands separator (1,500): worth a check",
    },
    "amount_other_currency": {
        "fr": "{count} montant(s) en {currency} (ex. « {value} ») dans un classeur en {expected} : additionnés tels quels, sans conversion ; précisez currency dans kpis.toml si tout est en {currency}",
        "en": "{count} amount(s) in {currency} (e.g. \"{value}\") in a workbook in {expected}: added up as they are, not converted; set currency in kpis.toml if everything is in {currency}",
    },
    "amount_multiplier": {
        "fr": "montant avec multiplicateur (k, M…) : saisissez le montant complet",
        "en": "amount with a multiplier (k, M…): type the full amount",
    },
    "bad_number": {"fr": "nombre illisible", "en": "unreadable number"},
    "bad_rate": {"fr": "pourcentage illisible", "en": "unreadable percentage"},
    "out_of_range": {
        "fr": "valeur hors de l'intervalle attendu ({low} à {high})",
        "en": "value outside the expected range ({low} to {high})",
    },
    "bad_type": {"fr": "type de valeur inattendu", "en": "unexpected kind of value"},
    "excel_error": {
        "fr": "valeur d'erreur Excel {value} (la formule a échoué dans Excel)",
        "en": "Excel error value {value} (the formula failed in Excel)",
    },
    "formula_no_value": {
        "fr": "formule {value} sans résultat enregistré : ouvrez et enregistrez le classeur dans Excel ou LibreOffice",
        "en": "formula {value} has no saved result: open and save the workbook in Excel or LibreOffice",
    },
    "serial_dates": {
        "fr": "nombre lu comme une date Excel : {count} cellule(s) (ex. {value})",
        "en": "number read as an Excel date: {count} cell(s) (e.g. {value})",
    },
    "date_order_swapped": {
        "fr": "{count} date(s) lisibles seulement en {order} (ex. « {value} ») : vérifiez date_order",
        "en": "{count} date(s) only readable as {order} (e.g. \"{value}\"): check date_order",
    },
    "month_columns_same_month": {
        "fr": "plusieurs colonnes pour le même mois {month} ({columns}) : leurs valeurs s'additionnent ; vérifiez les en-têtes",
        "en": "several columns for the same month {month} ({columns}): their values add up; check the headers",
    },
    "unknown_status_word": {
        "fr": "statut « {value} » ni gagné, ni perdu, ni en cours ({count} ligne(s) : {rows}) : l'étape décide",
        "en": "status \"{value}\" is neither won, lost nor open ({count} row(s): {rows}): the stage decides",
    },
    "status_conflict": {
        "fr": "étape « {value} » (donc {stage_status}) contredite par {source} : affaire comptée {status} ({count} affaire(s), lignes {rows})",
        "en": "stage \"{value}\" (so {stage_status}) contradicted by {source}: the deal counts as {status} ({count} deal(s), rows {rows})",
    },
    "unknown_stage": {
        "fr": "étape « {value} » inconnue ({count} ligne(s)) : comptée en cours ; précisez-la dans [stages]",
        "en": "unknown stage \"{value}\" ({count} row(s)): counted as open; declare it under [stages]",
    },
    "unknown_category": {
        "fr": "valeur « {value} » inconnue pour {field_name} ({count} ligne(s) : {rows}) : laissée vide ; "
        "valeurs attendues : {choices} (ou déclarez-la dans [{section}])",
        "en": "unknown {field_name} \"{value}\" ({count} row(s): {rows}): left empty; "
        "expected: {choices} (or declare it under [{section}])",
    },
    "merged_filled": {
        "fr": "{count} cellule(s) fusionnée(s) recopiée(s) sur chaque ligne",
        "en": "{count} merged cell(s) copied onto each row",
    },
    # -- splits and names ------------------------------------------------------------------------
    "splits_read": {
        "fr": "{count} affaire(s) partagée(s) entre commerciaux (ex. « {value} »)",
        "en": "{count} deal(s) split between reps (e.g. \"{value}\")",
    },
    "split_bad_total": {
        "fr": "les parts totalisent {total} au lieu de 100 % : partage ignoré, affaire attribuée à {rep}",
        "en": "shares add up to {total} instead of 100%: split ignored, deal credited to {rep}",
    },
    "split_unread": {
        "fr": "« {left} » sans part lisible dans ce partage : partage ignoré, affaire attribuée à {rep}",
        "en": "\"{left}\" has no readable share in this split: split ignored, deal credited to {rep}",
    },
    "split_without_id": {
        "fr": "affaire partagée sans identifiant : partage ignoré, affaire attribuée à {rep}",
        "en": "split deal without an id: split ignored, deal credited to {rep}",
    },
    "name_folded": {
        "fr": "« {value} » lu comme « {name} » ({count} ligne(s))",
        "en": "\"{value}\" read as \"{name}\" ({count} row(s))",
    },
    "duplicate_id": {
        "fr": "identifiant en double ({count} lignes : {rows})",
        "en": "duplicate id ({count} rows: {rows})",
    },
}

# Action labels for printed reports.
ACTIONS = {
    "converted": {"fr": "converti", "en": "converted"},
    "skipped": {"fr": "ligne écartée", "en": "row skipped"},
    "left_empty": {"fr": "laissé vide", "en": "left empty"},
    "ignored": {"fr": "ignoré", "en": "ignored"},
    "mapped": {"fr": "associé", "en": "mapped"},
    "info": {"fr": "info", "en": "info"},
}

# "42 text dates converted", one code per kind so each language has its own words.
for _kind, (_fr, _en) in KIND_WORDS.items():
    MESSAGES[f"text_converted_{_kind}"] = {
        "fr": f"texte converti en {_fr} : {{count}} cellule(s) (ex. « {{value}} »)",
        "en": f"text converted to {_en}: {{count}} cell(s) (e.g. \"{{value}}\")",
    }

# The same, as the error that stops a verb (exit code 2): with the file's name.
for _code in ("no_tables", "empty_workbook"):
    MESSAGES[f"file_{_code}"] = {lang: "{path} : " + text if lang == "fr" else "{path}: " + text
                                 for lang, text in MESSAGES[_code].items()}

register(MESSAGES)
