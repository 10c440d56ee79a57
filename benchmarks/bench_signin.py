"""What signing in and being recognised cost: a password sign-in (argon2id), looking up a
session cookie and a personal API token, each on a real SQLite file, beside the bare argon2id
verification in the same run.

    .venv/bin/python benchmarks/bench_signin.py [--repeat 50]

A session or token lookup happens on every private request (and on public pages for a browser
that is signed in); a password sign-in once per session.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from argon2 import PasswordHasher

from edicalendar.accounts.directory import Accounts, Client
from edicalendar.config import AccountSettings
from edicalendar.model import Role
from edicalendar.storage.engine import open_database

PASSWORD = "correct horse battery staple"


def timed(label: str, repeat: int, action: Callable[[], object]) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    median = statistics.median(samples)
    print(f"{label:<46} median {median * 1000:8.3f} ms   min {min(samples) * 1000:8.3f} ms")
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = open_database(f"sqlite:///{folder}/bench.db")
        settings = AccountSettings()
        accounts = Accounts(database, settings, now=lambda: dt.datetime.now(dt.UTC))
        for n in range(200):  # a realistic organisation's worth of people
            accounts.add(f"person{n}@nhs.net", name=f"Person {n}", role=Role.VIEWER, by="bench")
        token = accounts.invite("person7@nhs.net", by="bench").token
        here = Client("127.0.0.1")
        cookie = accounts.accept_invitation(token, PASSWORD, here).token
        _, api_token = accounts.issue_token("person7@nhs.net")
        hasher = PasswordHasher()
        stored = hasher.hash(PASSWORD)
        bare = timed(
            "argon2id verify alone (baseline)", args.repeat, lambda: hasher.verify(stored, PASSWORD)
        )
        signin = timed("password sign-in (limits + verify + session)", args.repeat,
                       lambda: accounts.sign_in("person7@nhs.net", PASSWORD, here))  # fmt: skip
        timed("session cookie lookup", args.repeat * 10, lambda: accounts.session(cookie))
        timed(
            "personal API token lookup", args.repeat * 10, lambda: accounts.token_person(api_token)
        )
        print(f"sign-in / bare verify: {signin / bare:.2f}x")
        database.close()


if __name__ == "__main__":
    main()
