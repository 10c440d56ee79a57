"""The `edicalendar import` command as users run it, including as a real subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from edicalendar.importers.tabular import read_csv, read_xlsx
from support.cli import CliRunner
from support.paths import REPO_ROOT, inherited_env

DOCS = REPO_ROOT / "docs"


def test_subprocess_dry_run_of_the_template(workdir: Path) -> None:
    """`python -m edicalendar import docs/import-template.csv --dry-run` prints diff and summary."""
    env = inherited_env(COLUMNS="200")
    before = (workdir / "calendars" / "trust.toml").read_bytes()
    completed = subprocess.run(
        [sys.executable, "-m", "edicalendar", "import", str(DOCS / "import-template.csv"),
         "--calendar", "trust", "--dry-run"],
        cwd=workdir, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    assert "+++ b/calendars/trust.toml" in completed.stdout
    assert '+id = "south-asian-heritage-month"' in completed.stdout
    assert completed.stdout.rstrip().endswith("(dry run, nothing written)")
    assert (workdir / "calendars" / "trust.toml").read_bytes() == before


def test_subprocess_bad_source_exit_code(workdir: Path) -> None:
    """A malformed source exits 1 with one clear line and no traceback."""
    (workdir / "bad.csv").write_text("Name,Date\nPride,32/06/2026\n")
    env = inherited_env()
    completed = subprocess.run(
        [sys.executable, "-m", "edicalendar", "import", "bad.csv", "--calendar", "trust"],
        cwd=workdir, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert completed.returncode == 1
    assert "bad.csv:2: Pride: '32/06/2026' is not a real date" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_templates_agree() -> None:
    """The CSV and .xlsx templates in docs/ hold the same rows."""
    csv_rows = read_csv((DOCS / "import-template.csv").read_bytes(), "t.csv", None)
    xlsx_rows = read_xlsx((DOCS / "import-template.xlsx").read_bytes(), "t.xlsx", None)
    strip = [(e.name, e.start, e.end, e.categories, e.tradition) for e in csv_rows.events]
    assert strip == [(e.name, e.start, e.end, e.categories, e.tradition) for e in xlsx_rows.events]
    assert len(strip) == 4


def test_usage_errors(workdir: Path, run_cli: CliRunner) -> None:
    """Bad options exit 2 naming the option: calendar name, format, missing file."""
    assert run_cli("import", "x.csv", "--calendar", "Bad Name").code == 2
    result = run_cli("import", "x.csv", "--calendar", "trust")
    assert result.code == 2 and "no such file" in result.err
    (workdir / "x.csv").write_text("Name,Date\n")
    result = run_cli("import", "x.csv", "--calendar", "trust", "--format", "pdf")
    assert result.code == 2 and "--format 'pdf'" in result.err


def test_second_import_is_unchanged(workdir: Path, run_cli: CliRunner) -> None:
    """Importing the same source twice changes nothing the second time."""
    source = str(DOCS / "import-template.csv")
    assert run_cli("import", source, "--calendar", "trust").code == 0
    text = (workdir / "calendars" / "trust.toml").read_text()
    again = run_cli("import", source, "--calendar", "trust")
    assert again.code == 0
    assert "0 added, 0 updated" in again.out
    assert "already up to date" in again.out
    assert (workdir / "calendars" / "trust.toml").read_text() == text


def test_progress_for_many_names(workdir: Path, run_cli: CliRunner) -> None:
    """A source with hundreds of names goes through the progress bar and still imports."""
    rows = [f"Local day {i:03d} x,{(i % 28) + 1:02d}/{(i % 12) + 1:02d}/2026" for i in range(300)]
    (workdir / "many.csv").write_text("Name,Date\n" + "\n".join(rows) + "\n")
    result = run_cli("import", "many.csv", "--calendar", "trust")
    assert result.code == 0, result.err
    assert result.out.rstrip().splitlines()[-1].startswith("300 added,")


def test_refuses_to_write_into_the_shipped_data(
    tmp_path: Path, monkeypatch: Any, run_cli: CliRunner
) -> None:
    """Without a calendars/ folder (or a configured one) the import stops with exit 2."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.csv").write_text("Name,Date\nPride Month,June 2026\n")
    result = run_cli("import", "x.csv", "--calendar", "mine")
    assert result.code == 2
    assert "no calendars/ folder in this directory" in result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.csv"]


def test_a_dry_run_shows_only_what_the_real_run_writes(workdir: Path, run_cli: CliRunner) -> None:
    """Every row matches an observance of another calendar (trust's Black History Month), so
    importing into a new calendar adds nothing: the dry run shows no diff creating that file,
    and the real run creates none and says so."""
    (workdir / "m.csv").write_text(
        "Name,Start,End,Categories\nBlack History Month,01/10/2026,31/10/2026,race\n"
    )
    preview = run_cli("import", "m.csv", "--calendar", "newcal", "--dry-run")
    assert preview.code == 0, preview.err
    assert "newcal.toml" not in preview.out.replace("into newcal", "")
    assert preview.out.rstrip().endswith("(dry run, nothing written)")
    real = run_cli("import", "m.csv", "--calendar", "newcal")
    assert real.code == 0, real.err
    assert real.out.rstrip().endswith("(nothing to add, so calendars/newcal.toml was not created)")
    assert not (workdir / "calendars" / "newcal.toml").exists()
