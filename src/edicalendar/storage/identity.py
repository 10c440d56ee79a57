"""Which ledger a data folder uses: an id kept in the database and in a marker file beside it.

A database gets a random ledger id (`meta` key `ledger.id`) the first time it is opened, and a
marker file records that id next to it (`edicalendar.db.ledger-id`; for PostgreSQL, one file
per server and database in the data folder). The marker also keeps the ledger's *serial*, which
every reminder tick raises. Each open compares the two before anything is created or migrated,
so a database that was deleted, emptied, truncated, swapped for another, stripped of its tables
or replaced by an older copy of itself is refused with instructions, instead of being taken for
a new ledger that would plan reminders which already went. Starting afresh anyway is an
explicit operator act (`adopt`, which the CLI offers as `edicalendar remind --new-ledger`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, select
from sqlalchemy.engine import URL

from edicalendar.atomicfile import write_atomic
from edicalendar.errors import LedgerIdentityError, OutputError
from edicalendar.storage.keyvalue import insert_if_absent, upsert
from edicalendar.storage.reads import LEDGER_BEGAN_KEY as LEDGER_BEGAN_KEY
from edicalendar.storage.reads import LEDGER_ID_KEY as LEDGER_ID_KEY
from edicalendar.storage.reads import LEDGER_SERIAL_KEY as LEDGER_SERIAL_KEY
from edicalendar.storage.reads import MARKER_SUFFIX as MARKER_SUFFIX
from edicalendar.storage.tables import meta

log = logging.getLogger("edicalendar.storage.identity")

# MARKER_SUFFIX and the `meta` keys this module owns (LEDGER_ID_KEY, LEDGER_SERIAL_KEY and
# LEDGER_BEGAN_KEY, when the ledger began: StateStore reads them; only this module writes the id)
# are defined in `storage.reads`, without SQLAlchemy, so the read-only reader checks a ledger the
# same way and `edicalendar health` reads them without a full open.
NEW_LEDGER_HINT = (
    "run `edicalendar remind --new-ledger` to start afresh with the database now in place "
    "(nothing that fell due before now is sent)"
)
_HEADER = (
    "# edicalendar: the reminder ledger this data folder uses. Keep this file with the\n"
    "# database: if the database goes missing, is emptied or is swapped for another, edicalendar\n"
    "# refuses to start rather than send reminders again. See docs/reminders.md.\n"
)


@dataclass(frozen=True, slots=True)
class Marker:
    """What the marker file says: the ledger id and the serial it had last."""

    path: Path
    ledger_id: str
    serial: int


@dataclass(frozen=True, slots=True)
class Found:
    """What the database itself holds, read before any migration runs."""

    has_tables: bool
    ledger_id: str | None
    serial: int


def marker_path(url: URL, marker_dir: Path | None) -> Path | None:
    """Where the marker for `url` lives: beside an SQLite file; for a server database, in
    `marker_dir` (the data folder) under a name derived from host, port and database."""
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            return None
        path = Path(url.database)
        return path.with_name(path.name + MARKER_SUFFIX)
    if marker_dir is None:
        return None
    place = f"{url.host or ''}:{url.port or ''}/{url.database or ''}"
    digest = hashlib.sha256(place.encode()).hexdigest()[:12]
    return marker_dir / f"{url.get_backend_name()}-{digest}{MARKER_SUFFIX}"


def read_marker(path: Path) -> Marker | None:
    """The marker at `path`, or None when there is none."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise LedgerIdentityError(
            f"cannot read the ledger marker {path}: {exc.strerror or exc}"
        ) from None
    values: dict[str, str] = {}
    for line in raw.splitlines():
        key, sep, value = line.partition("=")
        if sep and not line.lstrip().startswith("#"):
            values[key.strip()] = value.strip()
    ledger_id = values.get("ledger", "")
    try:
        serial = int(values.get("serial", "0"))
    except ValueError:
        serial = -1
    if not ledger_id or serial < 0:
        raise LedgerIdentityError(
            f"the ledger marker {path} is damaged (no ledger id or serial in it); if the database "
            "beside it is the one this folder should use, delete the marker and start again"
        )
    return Marker(path, ledger_id, serial)


def write_marker(path: Path, ledger_id: str, serial: int, database: str) -> None:
    """Record `ledger_id` at `serial` for `database` (a display name, no password)."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = (
        f"{_HEADER}ledger = {ledger_id}\nserial = {serial}\n"
        f"database = {database}\nwritten = {stamp}\n"
    )
    try:
        # Owner-only, like the database beside it (storage.engine.DATABASE_MODE).
        write_atomic(path, body.encode("utf-8"), skip_identical=False, new_file_mode=0o600)
    except OutputError as exc:
        # Read-only uses (a feed built by another account) still work; say what is lost.
        log.warning("%s; a missing or replaced ledger cannot be noticed until it can", exc)


def inspect_database(engine: Engine) -> Found:
    """Tables, ledger id and serial as the database holds them now (nothing is written)."""
    names = set(inspect(engine).get_table_names())
    if "meta" not in names:
        return Found(bool(names & {"deliveries", "schema_migrations"}), None, 0)
    with engine.connect() as conn:
        rows = dict(
            conn.execute(
                select(meta.c.key, meta.c.value).where(
                    meta.c.key.in_((LEDGER_ID_KEY, LEDGER_SERIAL_KEY))
                )
            ).all()
        )
    try:
        serial = int(rows.get(LEDGER_SERIAL_KEY, "0"))
    except ValueError:
        serial = 0
    return Found("deliveries" in names, rows.get(LEDGER_ID_KEY), serial)


def problem(marker: Marker | None, found: Found, where: str) -> str | None:
    """Why the database at `where` is not the ledger the marker names, or None if it is."""
    if marker is None:
        return None
    known = f"this data folder last used ledger {marker.ledger_id} (marker {marker.path})"
    if not found.has_tables:
        return (
            f"the reminder ledger {where} is missing or empty (no edicalendar tables), but {known}"
        )
    if found.ledger_id is None:
        return f"{where} is not the reminder ledger {known}: it carries no ledger id"
    if found.ledger_id != marker.ledger_id:
        return f"{where} holds ledger {found.ledger_id}, not the one {known}"
    if found.serial < marker.serial:
        return (
            f"{where} is an older copy of the reminder ledger: it has recorded "
            f"{found.serial} reminder tick{'' if found.serial == 1 else 's'}, but this data "
            f"folder saw it reach {marker.serial}, so reminders sent since the copy was made "
            "are not in it"
        )
    return None


def refusal(reason: str, restore_hint: str) -> LedgerIdentityError:
    """The error for `reason`: nothing is sent; restore the right database or start afresh."""
    return LedgerIdentityError(
        f"{reason}. Starting a new ledger silently could send reminders a second time, so "
        f"nothing was sent. Put the right database back ({restore_hint}), or {NEW_LEDGER_HINT}"
    )


def settle_ledger_id(conn: Connection, *, begins: dt.datetime | None = None) -> str:
    """The database's ledger id: the one it has, else a new one (several workers opening a
    new database at once agree on the first). With `begins`, the database is being adopted
    as a new ledger: it gets a new id whatever it had, and the ledger begins at `begins`, in
    the same transaction, so nothing due before then can be sent from it afterwards."""
    candidate = uuid.uuid4().hex  # random: it names a database and is never published
    if begins is not None:
        upsert(conn, LEDGER_ID_KEY, candidate)
        upsert(conn, LEDGER_BEGAN_KEY, begins.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
        return candidate
    insert_if_absent(conn, LEDGER_ID_KEY, candidate)
    return str(conn.execute(select(meta.c.value).where(meta.c.key == LEDGER_ID_KEY)).scalar_one())
