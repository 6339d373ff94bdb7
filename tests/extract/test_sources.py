"""Market source config: loading, validation errors, and file resolution."""
from __future__ import annotations

from pathlib import Path

import pytest

from extract.sources import SourceConfigError, load_market_config, resolve_files

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
MAPPING = "columns:\n  title: Title\n  description: Text\n  posted_at: Date\n"


def _config(tmp_path: Path, sources: str, mapping: str | None = MAPPING) -> Path:
    if mapping is not None:
        (tmp_path / "map.yaml").write_text(mapping, encoding="utf-8")
    path = tmp_path / "sources.yaml"
    path.write_text(f"market: uk\nsources:\n{sources}", encoding="utf-8")
    return path


def test_fixture_config_loads_with_paths_resolved() -> None:
    config = load_market_config(FIXTURES / "sources.yaml")
    assert config.market == "uk"
    assert [(s.name, s.kind, s.format) for s in config.sources] == [
        ("adzuna", "postings", "adzuna_json"),
        ("reed", "postings", "reed_json"),
        ("jobspy", "postings", "jobspy_csv"),
        ("cv_lines", "profiles", "jsonresume"),
        ("cv_documents", "profiles", "jsonresume"),
    ]
    assert config.source("adzuna").path == str(FIXTURES.resolve() / "postings" / "{period}" / "adzuna-*.json")
    assert config.base_dir == str(FIXTURES.resolve())


@pytest.mark.parametrize(
    ("sources", "message"),
    [
        # adapter name typo
        ("  - {name: a, format: adzuna_xml, path: x}\n", "unknown format 'adzuna_xml'"),
        # kind that does not exist
        ("  - {name: a, kind: jobs, format: generic, path: x, mapping: map.yaml}\n", "unknown kind 'jobs'"),
        # a postings adapter configured as profiles
        ("  - {name: a, kind: profiles, format: reed_json, path: x}\n", "reads postings, not profiles"),
        # names must be unique within the market
        ("  - {name: a, format: reed_json, path: x}\n  - {name: a, format: adzuna_json, path: y}\n", "duplicate source name"),
        # generic without its column mapping
        ("  - {name: a, kind: postings, format: generic, path: x}\n", "needs a `mapping`"),
        # generic without a kind: it reads both
        ("  - {name: a, format: generic, path: x, mapping: map.yaml}\n", "needs `kind: postings` or `kind: profiles`"),
        # a mapping given to an adapter that does not use one
        ("  - {name: a, format: reed_json, path: x, mapping: map.yaml}\n", "only used by format 'generic'"),
        # file sources need a path
        ("  - {name: a, format: reed_json}\n", "needs a `path`"),
        # a misspelt key is reported, not ignored
        ("  - {name: a, format: reed_json, path: x, option: {}}\n", "unknown key(s) ['option']"),
        # the mapping file is missing
        ("  - {name: a, kind: postings, format: generic, path: x, mapping: nope.yaml}\n", "cannot read column mapping"),
    ],
)
def test_config_errors_are_clear(tmp_path: Path, sources: str, message: str) -> None:
    with pytest.raises(SourceConfigError) as info:
        load_market_config(_config(tmp_path, sources))
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ("columns:\n  title: Title\n  description: Text\n", "not mapped: posted_at"),  # a required column missing
        ("columns:\n  titel: Title\n", "'titel' is not a canonical postings column"),  # typo in a canonical name
        ("columns: [Title]\n", "needs a `columns:` section"),
        (MAPPING + "file_format: xlsx\n", "file_format 'xlsx'"),
        ("columns: {title: Title, description: Text, posted_at: [a, b]}\n", "must name a source column"),
    ],
)
def test_mapping_errors_are_clear(tmp_path: Path, mapping: str, message: str) -> None:
    sources = "  - {name: a, kind: postings, format: generic, path: x, mapping: map.yaml}\n"
    with pytest.raises(SourceConfigError) as info:
        load_market_config(_config(tmp_path, sources, mapping))
    assert message in str(info.value)


def test_broken_yaml_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text("market: uk\nsources: [\n", encoding="utf-8")
    with pytest.raises(SourceConfigError, match="not valid YAML"):
        load_market_config(path)


def test_resolve_files_substitutes_period_and_sorts(tmp_path: Path) -> None:
    for name in ("2024-03/b-002.json", "2024-03/b-001.json", "2024-04/b-001.json", "2024-03/other.txt"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("{}", encoding="utf-8")
    config = load_market_config(_config(tmp_path, "  - {name: b, format: adzuna_json, path: '{period}/b-*.json'}\n"))
    files = resolve_files(config.source("b"), "2024-03")
    assert files == [str(tmp_path / "2024-03" / "b-001.json"), str(tmp_path / "2024-03" / "b-002.json")]
    assert resolve_files(config.source("b"), "2024-05") == []


def test_resolve_files_rejects_a_bad_period(tmp_path: Path) -> None:
    config = load_market_config(_config(tmp_path, "  - {name: b, format: adzuna_json, path: x.json}\n"))
    with pytest.raises(ValueError, match="YYYY-MM"):
        resolve_files(config.source("b"), "2024-3")


def test_fsspec_url_glob_lands(tmp_path: Path) -> None:
    fsspec = pytest.importorskip("fsspec")
    fs = fsspec.filesystem("memory")
    page = b'{"results": [{"id": "7", "title": "t", "description": "d", "created": "2024-03-09"}]}'
    fs.pipe("/c1-sources/2024-03/p-2.json", page)
    fs.pipe("/c1-sources/2024-03/p-1.json", page.replace(b'"7"', b'"6"'))
    config = load_market_config(
        _config(tmp_path, "  - {name: m, format: adzuna_json, path: 'memory://c1-sources/{period}/p-*.json'}\n")
    )
    files = resolve_files(config.source("m"), "2024-03")
    assert [f.rsplit("/", 1)[-1] for f in files] == ["p-1.json", "p-2.json"]
    assert all(f.startswith("memory://") for f in files)
    from extract.ingest import land

    assert land(config, "2024-03").postings["source_id"].tolist() == ["6", "7"]


def test_generic_source_keeps_mapping_path_and_parsed_columns(tmp_path: Path) -> None:
    config = load_market_config(
        _config(tmp_path, "  - {name: a, kind: postings, format: generic, path: x.csv, mapping: map.yaml}\n")
    )
    source = config.source("a")
    assert source.mapping == str(tmp_path / "map.yaml")
    assert dict(source.column_mapping.columns) == {"title": "Title", "description": "Text", "posted_at": "Date"}
