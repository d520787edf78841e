"""Where a verb may write: the one check every output goes through before any work is done.

Rules (the user's file is sacred):

- an output never resolves to a file the verb reads -- the workbook, its configuration, a template,
  whatever the verb names as an input -- even with ``--force``. "Resolves" covers symbolic links, hard
  links and case-insensitive file systems (``os.path.samefile`` when both exist; the output cannot
  overwrite anything when it does not exist yet);
- an existing output is replaced only with ``force``;
- an output has the type the verb writes (its suffix), and is not a folder.

The check raises :class:`OutputError` (exit code 2, a message in the user's language). Writing itself
is :func:`kpis.atomic.write_atomic`: a temporary file in the same folder, then ``os.replace``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from .errors import KpisError
from .i18n import message, register

register({
    "output_over_input": {
        "fr": "refusé : {path} est un fichier lu par cette commande ({what}) ; kpis n'écrit jamais sur ses entrées, choisissez un autre -o",
        "en": "refused: {path} is a file this command reads ({what}); kpis never writes over its inputs, choose another -o",
    },
    "output_exists": {
        "fr": "{path} existe déjà : ajoutez --force pour le remplacer",
        "en": "{path} already exists: add --force to replace it",
    },
    "output_bad_type": {
        "fr": "{path} : cette sortie doit être un fichier {suffixes}",
        "en": "{path}: this output must be a {suffixes} file",
    },
    "output_is_folder": {
        "fr": "{path} est un dossier : un fichier est attendu",
        "en": "{path} is a folder: a file is expected",
    },
    "output_needs_format": {
        "fr": "-o écrit un fichier {formats} : ajoutez --format {first} (le format « table » est fait pour l'écran)",
        "en": "-o writes a {formats} file: add --format {first} (the \"table\" format is for the screen)",
    },
    "input_workbook": {"fr": "le classeur", "en": "the workbook"},
    "input_config": {"fr": "la configuration", "en": "the configuration"},
    "input_template": {"fr": "le modèle", "en": "the template"},
})


class OutputError(KpisError):
    """An output the command refuses to write (exists, is an input, wrong type): exit code 2."""


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """Whether writing ``a`` would write ``b``: the same inode when both exist (symbolic and hard links,
    case-insensitive file systems), else the same resolved path."""
    pa, pb = Path(a), Path(b)
    try:
        if pa.exists() and pb.exists():
            return os.path.samefile(pa, pb)
    except OSError:
        pass
    try:
        return pa.resolve() == pb.resolve()
    except OSError:
        return os.path.abspath(pa) == os.path.abspath(pb)


def check_output(
    path: str | os.PathLike,
    *,
    lang: str,
    inputs: Iterable[tuple[str | os.PathLike | None, str]] = (),
    suffixes: tuple[str, ...] | None = None,
    force: bool = False,
) -> Path:
    """Return ``path`` as a :class:`Path` if a verb may write it, else raise :class:`OutputError`.

    ``inputs`` are ``(path, code)`` pairs -- every file the verb reads, with the message code naming
    it (``"input_workbook"``...; a code of the ``report_over_*`` kind is used as the whole message);
    ``None`` paths are skipped. ``suffixes`` are the accepted endings (lower case, with the dot).
    """
    out = Path(path)
    for other, code in inputs:
        if other is not None and same_file(out, other):
            if code.startswith("input_"):
                raise OutputError("output_over_input", lang, path=out, what=message(code, lang))
            raise OutputError(code, lang, path=out)
    if out.is_dir():
        raise OutputError("output_is_folder", lang, path=out)
    if suffixes and out.suffix.lower() not in suffixes:
        raise OutputError("output_bad_type", lang, path=out, suffixes=" / ".join(suffixes))
    if out.exists() and not force:
        raise OutputError("output_exists", lang, path=out)
    return out
