"""The compiled cache: unchanged calendar files are read back without validating them again,
any change (one byte) is validated afresh, bad data is never kept, and the cache is only
trusted in a folder private to this user."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from edicalendar.calendar import validation
from edicalendar.calendar.cache import KEEP_PER_KIND, CompiledCache
from edicalendar.calendar.catalog import Catalog, load_catalog
from edicalendar.calendar.workdays import WorkingDays
from edicalendar.errors import CatalogError
from support.paths import REPO_ROOT, bare_env


@pytest.fixture
def calendars(tmp_path: Path, fixture_calendars: Path) -> Path:
    target = tmp_path / "calendars"
    shutil.copytree(fixture_calendars, target)
    return target


@pytest.fixture
def cache(tmp_path: Path) -> CompiledCache:
    return CompiledCache(tmp_path / "cache")


def _refuse_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("validated again")

    monkeypatch.setattr(validation, "load_file", refuse)


def test_unchanged_files_are_read_back_compiled(
    calendars: Path, cache: CompiledCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second load equals the first and never reaches the validator."""
    first = load_catalog(calendars, cache=cache)
    _refuse_validation(monkeypatch)
    again = load_catalog(calendars, cache=cache)
    assert again == first
    assert again is not first


def test_a_one_byte_change_is_validated_afresh(calendars: Path, cache: CompiledCache) -> None:
    """Editing a name (same length, same mtime restored) gives the new name, not the cache's."""
    first = load_catalog(calendars, cache=cache)
    path = sorted(calendars.glob("*.toml"))[0]
    text = path.read_text(encoding="utf-8")
    observance = next(iter(o for o in first.observances.values() if o.path.endswith(path.name)))
    stat = path.stat()
    changed = observance.name[:-1] + ("X" if observance.name[-1] != "X" else "Y")
    path.write_text(text.replace(observance.name, changed, 1), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert load_catalog(calendars, cache=cache).observances[observance.id].name == changed


def test_invalid_files_are_never_cached(calendars: Path, cache: CompiledCache) -> None:
    """A file with a problem fails on every load, listing the problem each time."""
    path = sorted(calendars.glob("*.toml"))[0]
    path.write_text(path.read_text(encoding="utf-8") + "\n[[observance]]\nid = 'x'\n", "utf-8")
    for _ in range(2):
        with pytest.raises(CatalogError) as failure:
            load_catalog(calendars, cache=cache)
        assert path.name in str(failure.value)
    assert not list(cache.directory.glob("catalog-*"))


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    """A copy of the shipped calendars (twenty files)."""
    target = tmp_path / "shipped"
    shutil.copytree(REPO_ROOT / "calendars", target)
    return target


def _validated(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the validator reads from now on, by name."""
    seen: list[str] = []
    real = validation.load_file

    def spy(path: Path, *args: Any, **kwargs: Any) -> Any:
        seen.append(path.name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(validation, "load_file", spy)
    return seen


def test_after_an_edit_only_the_changed_file_is_validated_again(
    shipped: Path, cache: CompiledCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other files' observances are read back; the catalog equals one loaded with no
    cache at all, with the edit in it."""
    load_catalog(shipped, cache=cache)
    path = shipped / "awareness-weeks.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('name = "', 'name = "Edited ', 1), encoding="utf-8")
    seen = _validated(monkeypatch)
    edited = load_catalog(shipped, cache=cache)
    assert seen == ["awareness-weeks.toml"]
    seen.clear()
    fresh = load_catalog(shipped)
    assert len(seen) == len(list(shipped.glob("*.toml"))) > 10
    assert edited == fresh
    assert any(o.name.startswith("Edited ") for o in edited.observances.values())


def test_a_bad_edit_fails_as_it_would_with_no_cache_and_a_fix_loads_again(
    shipped: Path, cache: CompiledCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every load of the broken file names it, the observance and the field, word for word as
    a load with no cache does; putting it right loads again without validating the rest."""
    good = load_catalog(shipped, cache=cache)
    path = shipped / "nhs.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("categories = [", "categories = 7 #", 1), encoding="utf-8")
    with pytest.raises(CatalogError) as uncached:
        load_catalog(shipped)
    for _ in range(2):
        with pytest.raises(CatalogError) as failure:
            load_catalog(shipped, cache=cache)
        assert str(failure.value) == str(uncached.value)
        assert "nhs.toml" in str(failure.value) and "categories" in str(failure.value)
    path.write_text(text, encoding="utf-8")
    seen = _validated(monkeypatch)
    assert load_catalog(shipped, cache=cache) == good
    assert seen == []  # the whole catalog, as it was before the edit, is still cached


def test_checks_across_files_still_see_files_read_back(shipped: Path, cache: CompiledCache) -> None:
    """An edit that repeats an id from a file read back from the cache is refused as a
    duplicate, exactly as with no cache."""
    catalog = load_catalog(shipped, cache=cache)
    taken = next(o for o in catalog.observances.values() if o.path.endswith("nhs.toml"))
    path = shipped / "uk-nations.toml"
    text = path.read_text(encoding="utf-8")
    first_id = text.split('id = "', 1)[1].split('"', 1)[0]
    path.write_text(text.replace(f'id = "{first_id}"', f'id = "{taken.id}"', 1), "utf-8")
    with pytest.raises(CatalogError) as uncached:
        load_catalog(shipped)
    with pytest.raises(CatalogError) as failure:
        load_catalog(shipped, cache=cache)
    assert str(failure.value) == str(uncached.value)
    assert "duplicate id" in str(failure.value)


def test_a_corrupt_entry_is_compiled_again(calendars: Path, cache: CompiledCache) -> None:
    """Garbage in the cache file is ignored and replaced."""
    first = load_catalog(calendars, cache=cache)
    (entry,) = cache.directory.glob("catalog-*.pickle")
    entry.write_bytes(b"not a pickle")
    assert load_catalog(calendars, cache=cache) == first
    assert entry.read_bytes() != b"not a pickle"


def test_a_folder_others_can_write_is_not_trusted(
    calendars: Path, cache: CompiledCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Entries in a group- or world-writable folder are neither read nor written."""
    first = load_catalog(calendars, cache=cache)
    cache.directory.chmod(0o777)
    _refuse_validation(monkeypatch)
    with pytest.raises(AssertionError, match="validated again"):
        load_catalog(calendars, cache=cache)
    monkeypatch.undo()
    (entry,) = cache.directory.glob("catalog-*.pickle")
    entry.unlink()
    assert load_catalog(calendars, cache=cache) == first
    assert not list(cache.directory.glob("catalog-*.pickle"))


def test_old_entries_are_pruned(cache: CompiledCache) -> None:
    """Only the newest entries of a kind are kept."""
    total = KEEP_PER_KIND + 3
    for number in range(total):
        key = number.to_bytes(4, "big")
        cache.put("catalog", key, number)
        stamp = 1_700_000_000_000_000_000 + number * 1_000_000_000  # one second apart
        os.utime(cache._path("catalog", key), ns=(stamp, stamp))
    kept = [cache.get("catalog", n.to_bytes(4, "big")) for n in range(total)]
    assert kept == [None] * 3 + list(range(3, total))
    assert len(list(cache.directory.glob("catalog-*.pickle"))) == KEEP_PER_KIND


def test_the_cache_setting_turns_it_off_or_moves_it(tmp_path: Path, calendars: Path) -> None:
    """`data.cache_dir = ""` writes nothing; a folder setting writes there."""
    from edicalendar.context import AppContext

    config = tmp_path / "edicalendar.toml"
    for setting, folder in (('cache_dir = ""', None), ('cache_dir = "mine"', tmp_path / "mine")):
        config.write_text(
            f'[data]\ncalendars_dir = "{calendars.as_posix()}"\n{setting}\n', encoding="utf-8"
        )
        ctx = AppContext(config_path=config)
        assert ctx.loaded.cache_dir == folder
        assert len(ctx.catalog) > 0
    assert list((tmp_path / "mine").glob("catalog-*.pickle"))


def test_a_warm_cache_loads_without_the_validation_models(tmp_path: Path) -> None:
    """A fresh process reading unchanged shipped calendars never imports the pydantic schema of
    calendar files, nor the `holidays` package for bank holidays already compiled."""
    script = (
        "import sys, datetime as dt; from pathlib import Path\n"
        "from edicalendar.calendar.cache import CompiledCache\n"
        "from edicalendar.calendar.catalog import load_catalog\n"
        "from edicalendar.calendar.workdays import WorkingDays\n"
        f"cache = CompiledCache(Path({str(tmp_path / 'cache')!r}))\n"
        f"catalog = load_catalog(Path({str(REPO_ROOT / 'calendars')!r}), cache=cache)\n"
        "print(len(catalog), WorkingDays(cache=cache).bank_holiday(dt.date(2026, 12, 25)))\n"
        "print('edicalendar.calendar.validation' in sys.modules, 'holidays' in sys.modules)\n"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", script], env=bare_env(), capture_output=True, text=True
        )
        for _ in range(2)
    ]
    cold, warm = (run.stdout.splitlines() for run in runs)
    assert all(run.returncode == 0 for run in runs), runs[0].stderr + runs[1].stderr
    assert cold[0] == warm[0] and warm[0].endswith("Christmas Day")
    assert cold[1] == "True True"
    assert warm[1] == "False False"


@pytest.mark.parametrize("nation", ["england-and-wales", "scotland", "northern-ireland"])
def test_cached_bank_holidays_equal_the_holidays_tables(nation: str, tmp_path: Path) -> None:
    """Working days read through the cache (cold, then warm) agree with the `holidays` package
    on every day of 1995-2040, in each nation."""
    import holidays

    cache = CompiledCache(tmp_path / "cache")
    subdivision = {"england-and-wales": "ENG", "scotland": "SCT", "northern-ireland": "NIR"}
    table = holidays.country_holidays("GB", subdiv=subdivision[nation], years=range(1995, 2041))
    cold, warm = WorkingDays(nation, cache=cache), WorkingDays(nation, cache=cache)
    day = dt.date(1995, 1, 1)
    while day <= dt.date(2040, 12, 31):
        expected = table.get(day)
        assert cold.bank_holiday(day) == (None if expected is None else str(expected))
        assert warm.bank_holiday(day) == cold.bank_holiday(day)
        day += dt.timedelta(days=1)


@pytest.mark.parametrize("nation", ["england-and-wales", "scotland", "northern-ireland"])
def test_days_off_read_through_the_cache_equal_those_from_the_holidays_package(
    nation: str, tmp_path: Path
) -> None:
    """`clashes` lists a nation's days off from the decade kept on disk; they are the days off
    (substitute weekdays and one-off holidays included) the bank holiday calendars compute
    from the `holidays` package directly, in every year the calendar dates."""
    from edicalendar.calendar.rules.bank_holidays import days_off

    cache = CompiledCache(tmp_path / "cache")
    cold, warm = WorkingDays(nation, cache=cache), WorkingDays(nation, cache=cache)
    for year in range(1950, 2077):
        assert cold.days_off(year) == days_off(nation, year)
        assert warm.days_off(year) == cold.days_off(year)
    # gov.uk: Christmas Day 2027 is a Saturday, so the day off is Monday 27 December.
    assert (dt.date(2027, 12, 27), "Christmas Day") in cold.days_off(2027)


def test_known_bank_holidays() -> None:
    """gov.uk: the coronation of King Charles III (8 May 2023) was a bank holiday in England
    and Wales; St Andrew's Day 2026 (a Monday) is one in Scotland only."""
    england, scotland = WorkingDays("england-and-wales"), WorkingDays("scotland")
    assert england.bank_holiday(dt.date(2023, 5, 8)) is not None
    assert not england.is_working_day(dt.date(2023, 5, 8))
    assert scotland.bank_holiday(dt.date(2026, 11, 30)) is not None
    assert england.is_working_day(dt.date(2026, 11, 30))


def _refuse_dating(monkeypatch: pytest.MonkeyPatch) -> None:
    from edicalendar.calendar import index

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("dated again")

    monkeypatch.setattr(index, "occurrences_in_year", refuse)


def _dated(catalog: Catalog, year: int) -> tuple[object, ...]:
    """Everything a year of the index holds, comparable across processes and loads."""
    found = catalog.index._year(year)
    return (
        found.by_observance,
        {
            key: (e.observance, e.year, e.first, e.last, e.why, str(e))
            for key, e in found.errors.items()
        },
        found.skipped,
        [(c.bound, c.starts, c.items, c.ranks) for c in found.classes],
        found.count,
    )


def test_expanded_years_are_read_back_as_computed(
    tmp_path: Path, cache: CompiledCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A year expanded once is read back from the cache, equal to computing it with no cache
    at all (occurrences, order, what cannot be dated and why), without dating anything."""
    shipped = REPO_ROOT / "calendars"
    # 1949 is before most tables begin, so it holds "cannot compute" errors too.
    years = (1949, 2026, 2027, 2076)
    plain = load_catalog(shipped)
    cold = load_catalog(shipped, cache=cache)
    expected = {year: _dated(plain, year) for year in years}
    assert any(expected[1949][1].values())
    assert {year: _dated(cold, year) for year in years} == expected
    # The calendars an organisation switched on are a catalog (and a cache entry) of their own.
    switched_on = _dated(cold.enabled([]), 2027)
    assert switched_on[0] == {
        k: v for k, v in expected[2027][0].items() if k in cold.enabled([]).observances
    }
    _refuse_dating(monkeypatch)
    warm = load_catalog(shipped, cache=cache)
    assert {year: _dated(warm, year) for year in years} == expected
    assert _dated(warm.enabled([]), 2027) == switched_on


def test_other_conventions_or_an_edit_date_the_year_afresh(
    calendars: Path, cache: CompiledCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache is keyed on what dates a year: another `[conventions]` choice or an edited
    calendar file is computed, never read back from an entry made for something else."""
    from edicalendar.calendar.conventions import Conventions

    first = load_catalog(calendars, cache=cache)
    _dated(first, 2027)
    with monkeypatch.context() as patched:
        _refuse_dating(patched)
        _dated(load_catalog(calendars, cache=cache), 2027)  # read back
        other = load_catalog(calendars, cache=cache).with_conventions(
            Conventions(islamic="uk-moon-sighting")
        )
        with pytest.raises(AssertionError, match="dated again"):
            _dated(other, 2027)
        path = sorted(calendars.glob("*.toml"))[0]
        path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        with pytest.raises(AssertionError, match="dated again"):
            _dated(load_catalog(calendars, cache=cache), 2027)
