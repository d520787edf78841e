"""The ribbon add-in, built fresh and read back with oletools (olevba) as a third party would."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("pyopenvba")
olevba = pytest.importorskip("oletools.olevba")

from kpis.xl import build  # noqa: E402

NS = {"ui": build.CUSTOMUI_NS}


@pytest.fixture(scope="module")
def xlam(tmp_path_factory) -> Path:
    return build.build_addin(tmp_path_factory.mktemp("addin") / "kpis.xlam")


@pytest.fixture(scope="module")
def vba_modules(xlam) -> dict[str, str]:
    """Module name -> source, as olevba extracts them (decompressed by oletools, not by us)."""
    parser = olevba.VBA_Parser(str(xlam))
    try:
        assert parser.detect_vba_macros()
        return {
            Path(filename).stem: code.replace("\r\n", "\n")
            for _, _, filename, code in parser.extract_macros()
        }
    finally:
        parser.close()


def _ribbon(xlam: Path) -> ET.Element:
    with zipfile.ZipFile(xlam) as z:
        return ET.fromstring(z.read(build.CUSTOMUI_PART))


def test_package_is_an_addin_with_a_ribbon(xlam):
    with zipfile.ZipFile(xlam) as z:
        names = z.namelist()
        types = z.read("[Content_Types].xml").decode()
        rels = z.read("_rels/.rels").decode()
        workbook = z.read("xl/workbook.xml").decode()
        workbook_rels = z.read("xl/_rels/workbook.xml.rels").decode()
    assert names[0] == "[Content_Types].xml"
    assert re.search(r'PartName="/xl/workbook.xml" ContentType="application/vnd.ms-excel.addin.macroEnabled.main\+xml"', types)
    assert 'Extension="bin" ContentType="application/vnd.ms-office.vbaProject"' in types
    assert f'Type="{build.CUSTOMUI_REL_TYPE}" Target="{build.CUSTOMUI_PART}"' in rels
    assert build.CUSTOMUI_PART in names and build.VBA_PART in names
    assert re.search(r'<workbookPr [^>]*codeName="ThisWorkbook"', workbook)
    assert 'Target="vbaProject.bin"' in workbook_rels


def test_vba_module_sources_round_trip(xlam, vba_modules):
    expected = build.vba_sources()
    for name, source in expected.items():
        assert vba_modules[name].strip() == source.replace("\r\n", "\n").strip(), name
    # The document modules Excel needs are there, and nothing else.
    assert set(vba_modules) == set(expected) | {"ThisWorkbook", "Sheet1"}


def test_vba_project_is_source_only(xlam):
    """[MS-OVBA] 2.3.4.1: writers put version 0xFFFF and no performance cache; no module p-code."""
    import olefile

    with zipfile.ZipFile(xlam) as z:
        ole = olefile.OleFileIO(z.read(build.VBA_PART))
    assert ole.openstream("VBA/_VBA_PROJECT").read() == build.SOURCE_ONLY_VBA_PROJECT
    assert not [s for s in ole.listdir() if s[-1].upper().startswith("__SRP_")]
    # oletools' own dir-stream parser: MODULEOFFSET 0 means a module stream holds source only.
    project = olevba.VBA_Project(ole, "", "PROJECT", "VBA/dir")
    project.parse_project_stream()
    modules = list(project.parse_modules())
    assert len(modules) == len(project.modules) >= 4
    for module in project.modules:
        assert module.textoffset == 0, module.name_str


def test_every_button_resolves_to_a_macro_and_a_script(xlam, vba_modules):
    import kpis.xl.scripts as scripts

    all_vba = "\n".join(vba_modules.values())
    macros = set(re.findall(r"^(?:Public |Private )?(?:Sub|Function) (\w+)\(", all_vba, re.M))
    public = set(re.findall(r"^(?:Public )?Sub (\w+)\(", all_vba, re.M))
    root = _ribbon(xlam)
    buttons = root.findall(".//ui:button", NS)
    assert len(buttons) >= 6
    tags = set()
    for b in buttons:
        assert b.get("onAction") in public, b.get("id")
        assert b.get("getLabel") in public and b.get("getSupertip") in public
        tag = b.get("tag")
        tags.add(tag)
        script = getattr(scripts, tag, None)
        assert callable(script), f"button {b.get('id')}: no script kpis.xl.scripts.{tag}"
        assert tag in scripts.SCRIPTS
    for element in root.iter():
        if element.get("getLabel"):
            assert element.get("getLabel") in macros
    # Every script of the module has its button.
    assert tags == set(scripts.SCRIPTS)
    # The generic callback runs the Tag's script through xlwings' RunPython.
    assert "Application.Run \"'\" & XLWINGS_ADDIN & \"'!RunPython\", \"import kpis.xl.scripts as s; s.\" & scriptName & \"()\"" in all_vba


def test_every_label_exists_in_both_languages(xlam, vba_modules):
    labels = vba_modules[build.LABELS_MODULE]
    root = _ribbon(xlam)
    for element in root.iter():
        cid = element.get("id")
        if element.get("getLabel"):
            for lang in ("fr", "en"):
                assert f'Case "{cid}.label|{lang}"' in labels
        if element.get("getSupertip"):
            for lang in ("fr", "en"):
                assert f'Case "{cid}.tip|{lang}"' in labels
    for key in ("msg.no_xlwings", "msg.title", "msg.no_workbook", "msg.run_failed"):
        assert f'Case "{key}|fr"' in labels and f'Case "{key}|en"' in labels
    # Accents are written with ChrW so the module reads the same under any code page.
    assert all(ord(ch) < 128 for ch in labels)
    assert "ChrW(233)" in labels


def test_ribbon_source_is_schema_clean(xlam):
    """The built customUI has no source-only attributes and no static labels."""
    with zipfile.ZipFile(xlam) as z:
        text = z.read(build.CUSTOMUI_PART).decode()
    assert "urn:kpis:ribbon" not in text and " label=" not in text
    assert text.count('getLabel="KpisGetLabel"') >= 6


def test_build_is_deterministic(xlam, tmp_path):
    again = build.build_addin(tmp_path / "again.xlam")
    assert again.read_bytes() == xlam.read_bytes()


def test_committed_addin_is_up_to_date():
    """kpis/xl/kpis.xlam is committed so users can download it; it must match its sources."""
    committed = build.DEFAULT_OUTPUT
    assert committed.is_file(), "run `kpis addin build` and commit kpis/xl/kpis.xlam"
    assert build.is_up_to_date(committed), "kpis/xl/kpis.xlam is stale: run `kpis addin build`"


def test_bad_sources_are_refused(tmp_path):
    src = tmp_path / "addin"
    (src / "vba").mkdir(parents=True)
    (src / "vba" / "KpisRibbon.bas").write_text((build.ADDIN_DIR / "vba" / "KpisRibbon.bas").read_text())
    ribbon = (build.ADDIN_DIR / "ribbon.xml").read_text(encoding="utf-8")
    (src / "ribbon.xml").write_text(ribbon.replace('tag="refresh_kpis"', 'tag="refresh kpis; evil()"'), encoding="utf-8")
    with pytest.raises(build.BuildError, match="tag"):
        build.build_parts(src)
    (src / "ribbon.xml").write_text(ribbon.replace(' k:en="Monthly report"', ""), encoding="utf-8")
    with pytest.raises(build.BuildError, match="k:en"):
        build.build_parts(src)


def test_vba_literal_escapes():
    assert build.vba_literal('Dit "oui"') == ['"Dit ""oui"""']
    assert build.vba_literal("é\nà") == ["ChrW(233) & vbLf & ChrW(224)"]
    long = build.vba_literal("x" * 500, width=100)
    assert len(long) > 1 and all(len(line) <= 1000 for line in long)


def test_cli_build_and_check(tmp_path):
    from typer.testing import CliRunner

    from kpis.cli import app

    out = tmp_path / "k.xlam"
    runner = CliRunner()
    r = runner.invoke(app, ["addin", "build", "-o", str(out), "--lang", "en"])
    assert r.exit_code == 0, r.output
    assert out.is_file() and "Add-in written" in r.output
    r = runner.invoke(app, ["addin", "build", "--check", "-o", str(out), "--lang", "en"])
    assert r.exit_code == 0 and "up to date" in r.output
    r = runner.invoke(app, ["addin", "build", "--check", "-o", str(tmp_path / "none.xlam"), "--lang", "fr"])
    assert r.exit_code == 1 and "pas à jour" in r.output


def test_cli_install_explains_where_there_is_no_excel(monkeypatch):
    from typer.testing import CliRunner

    from kpis.cli import app

    monkeypatch.setattr("sys.platform", "linux")
    runner = CliRunner()
    r = runner.invoke(app, ["addin", "install", "--lang", "fr"])
    assert r.exit_code == 2
    assert "Excel n'est pas installé" in r.output and "xlwings Lite" in r.output
    r = runner.invoke(app, ["addin", "install", "--lang", "en"])
    assert "Excel is not installed" in r.output and "addin/lite/main.py" in r.output
    r = runner.invoke(app, ["addin", "install", "--dry-run", "--lang", "en"])
    assert r.exit_code == 0, r.output
    assert "xlwings addin install" in r.output and "--file" in r.output and "dry run" in r.output


def test_install_points_xlwings_at_this_python_and_the_udf_module(tmp_path, monkeypatch):
    """The configuration `kpis addin install` writes (xlwings' user config file, redirected here)."""
    import xlwings as xw

    from kpis.cli.addin import configure_xlwings, install_plan

    conf = tmp_path / ".xlwings" / "xlwings.conf"
    conf.parent.mkdir()
    conf.write_text('"UDF MODULES","my_udfs"\n"INTERPRETER_WIN","C:\\\\old\\\\python.exe"\n', encoding="utf-8")
    monkeypatch.setattr(xw, "USER_CONFIG_FILE", str(conf))
    changed = configure_xlwings(platform="win32", python="C:\\py\\python.exe")
    text = conf.read_text(encoding="utf-8")
    assert '"INTERPRETER_WIN","C:\\py\\python.exe"' in text and "old" not in text
    assert '"UDF MODULES","my_udfs;kpis.xl.udfs"' in text
    assert changed == ["INTERPRETER_WIN=C:\\py\\python.exe", "UDF MODULES=my_udfs;kpis.xl.udfs"]
    assert configure_xlwings(platform="win32", python="C:\\py\\python.exe") == ["INTERPRETER_WIN=C:\\py\\python.exe"]  # idempotent
    assert configure_xlwings(platform="darwin", python="/usr/bin/python3") == ["INTERPRETER_MAC=/usr/bin/python3"]
    steps = install_plan(tmp_path / "kpis.xlam", platform="darwin", python="/usr/bin/python3")
    assert [code for code, _ in steps] == ["addin_step_xlwings", "addin_step_kpis", "addin_step_interpreter"]
    assert steps[1][1][-3:] == ["install", "--file", str(tmp_path / "kpis.xlam")]
