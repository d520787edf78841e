"""The compiled-placeholder cache (kpis.render.codecache) gives exactly what Jinja gives."""

from __future__ import annotations

import pytest
from jinja2 import TemplateSyntaxError

from kpis.render import codecache
from kpis.render.sandbox import environment


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KPIS_CACHE_DIR", str(tmp_path / "kpis"))  # the one cache folder (kpis/cache.py)
    monkeypatch.delenv("KPIS_NO_CACHE", raising=False)
    monkeypatch.setattr(codecache, "_codes", None)
    monkeypatch.setattr(codecache, "_added", 0)
    yield tmp_path
    codecache._codes = None  # the next test (or run) reloads from its own cache folder


def reload_from_disk(monkeypatch):
    monkeypatch.setattr(codecache, "_codes", None)
    monkeypatch.setattr(codecache, "_added", 0)


def test_a_cached_expression_gives_each_language_its_own_value(fresh_cache, monkeypatch):
    # A constant filter call: Jinja's optimiser would fold it at compile time with one language's
    # filter; the cache keeps unfolded code, so each language still formats at render time.
    src = "1234567 | money"
    jinja = {lang: environment(lang).compile_expression(src, undefined_to_none=False)() for lang in ("fr", "en")}
    assert jinja["fr"] != jinja["en"]
    assert codecache.compile_expression(environment("fr"), src)() == jinja["fr"]
    codecache.save()
    assert codecache.cache_file().is_file()
    reload_from_disk(monkeypatch)
    for lang in ("en", "fr"):
        assert codecache.compile_expression(environment(lang), src)() == jinja[lang]
    assert codecache._added == 0  # both came from the file: fr and en share one entry


def test_texts_are_cached_and_render_alike(fresh_cache, monkeypatch):
    src = "Rapport {{ month }} — {{ 0.25 | pct }}"
    expected = environment("fr").from_string(src).render(month="octobre")
    assert codecache.compile_text(environment("fr"), src).render(month="octobre") == expected
    codecache.save()
    reload_from_disk(monkeypatch)
    assert codecache.compile_text(environment("fr"), src).render(month="octobre") == expected
    assert codecache._added == 0


def test_mistakes_are_raised_every_time_and_never_kept(fresh_cache):
    for src in ("kpis.revenue +", "a b", "x | no_such_filter"):
        for _ in range(2):
            with pytest.raises(TemplateSyntaxError):
                codecache.compile_expression(environment("fr"), src)
    assert codecache._added == 0
    codecache.save()
    assert not codecache.cache_file().exists()


def test_a_corrupt_or_disabled_cache_is_ignored(fresh_cache, monkeypatch):
    path = codecache.cache_file()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not marshal data")
    assert codecache.compile_expression(environment("fr"), "1 + 2")() == 3
    codecache.save()  # rewritten whole
    reload_from_disk(monkeypatch)
    assert codecache.compile_expression(environment("fr"), "1 + 2")() == 3 and codecache._added == 0
    monkeypatch.setenv("KPIS_NO_CACHE", "1")
    assert codecache.cache_file() is None
