"""Fixtures of the `ops cost` tests: the shipped price sheet, a usage pricer, a CLI runner."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from kit.bill import Bill
from kit.price_sheet import FreeTierMode, PriceSheet, load_price_sheet
from kit.pricing import price_usage
from kit.usage import parse_usage


@pytest.fixture(autouse=True)
def _working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in an empty directory: `ops cost project` picks up ./warmup.yaml when there is one,
    and the repository's own policy must not change these tests' figures."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session")
def sheet() -> PriceSheet:
    return load_price_sheet()


@pytest.fixture
def price(sheet: PriceSheet) -> Callable[..., Bill]:
    """Price a usage mapping (the usage file's layout) with the shipped sheet."""

    def run(usage: dict[str, Any], free_tier: FreeTierMode = "always") -> Bill:
        return price_usage(parse_usage(usage), sheet, free_tier)

    return run


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def usage_file(tmp_path: Path) -> Callable[[Any], Path]:
    """Write a usage mapping (or raw text) to a YAML file."""

    def write(content: Any) -> Path:
        path = tmp_path / "usage.yaml"
        path.write_text(content if isinstance(content, str) else yaml.safe_dump(content))
        return path

    return write
