"""Reference files are read once per process, not on every request."""

from __future__ import annotations

import pytest

from portal.core import reference


@pytest.fixture
def file_reads(monkeypatch):
    """Every read of a shipped reference file through portal.core.reference, by file name."""
    reads: list[str] = []
    read = reference._data_text

    def counting(name: str) -> str:
        reads.append(name)
        return read(name)

    monkeypatch.setattr(reference, "_data_text", counting)
    reference.load_ambitions_data.cache_clear()
    yield reads
    reference.load_ambitions_data.cache_clear()


def test_the_home_page_parses_the_ambitions_file_once_per_process(client, file_reads):
    first = client.get("/")
    assert first.status_code == 200
    assert file_reads == ["ambitions.yaml"]

    second = client.get("/")
    again = client.get("/ambitions")

    assert second.status_code == again.status_code == 200
    assert "One mission: reducing poverty and inequality" in second.get_data(as_text=True)
    assert file_reads == ["ambitions.yaml"]  # no read (and no YAML parse) after the first
