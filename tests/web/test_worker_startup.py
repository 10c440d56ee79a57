"""A server process builds its app with the cyclic collector paused, then freezes what it built.

Run in a fresh interpreter each time: freezing is process-wide and would follow the test suite.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from edicalendar.web import worker

PROBE = """
import gc, json, sys
if sys.argv[1] == "off":
    gc.disable()
from edicalendar.web.worker import app_from_environment
app = app_from_environment()
from starlette.testclient import TestClient
status = TestClient(app, base_url="http://127.0.0.1").get("/healthz").status_code
print(json.dumps({"enabled": gc.isenabled(), "frozen": gc.get_freeze_count(), "status": status}))
"""


def _probe(web_env: Any, collector: str) -> dict[str, Any]:
    env = {**os.environ, worker.CONFIG_ENV: str(web_env.config)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, collector],
        cwd=web_env.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_the_app_is_built_then_frozen_and_the_collector_is_back_on(web_env: Any) -> None:
    """After start-up the collector runs again, tens of thousands of start-up objects are
    frozen out of its scans, and the app answers."""
    found = _probe(web_env, "on")
    assert found["enabled"] is True
    assert found["frozen"] > 50_000
    assert found["status"] == 200


def test_a_collector_switched_off_before_stays_off(web_env: Any) -> None:
    found = _probe(web_env, "off")
    assert found["enabled"] is False
    assert found["status"] == 200


def test_the_web_app_loads_no_sign_in_provider_libraries_until_one_is_set_up() -> None:
    """requests, Authlib, joserfc and cryptography (a tenth of a second of start-up) load
    only when an OpenID Connect provider is configured and a sign-in begins."""
    code = (
        "import sys, edicalendar.web.app, edicalendar.web.export; "
        "print(sorted(m for m in ('requests', 'authlib', 'joserfc', 'cryptography')"
        " if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == "[]"
