"""The committed example templates are what build_templates.py produces."""

from __future__ import annotations

import zipfile


def test_committed_templates_are_reproducible(builder, templates, tmp_path):
    built = builder.build_all(tmp_path)
    assert sorted(p.name for p in built) == sorted(p.name for p in templates.glob("*.xlsx"))
    for path in built:
        fresh, committed = zipfile.ZipFile(path), zipfile.ZipFile(templates / path.name)
        assert sorted(fresh.namelist()) == sorted(committed.namelist()), path.name
        for name in fresh.namelist():
            if name == "docProps/core.xml":  # holds the save time
                continue
            assert fresh.read(name) == committed.read(name), f"{path.name}:{name} differs; run build_templates.py"
