#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what the tests need, then runs ruff
# (lint and format), mypy (strict on src/), import-linter (the layer contracts) and pytest.
# Safe to run again: every step is idempotent.
#
#   bash scripts/test.sh            # everything (the README's and CI's one test command)
#   bash scripts/test.sh -k feeds   # extra arguments go to pytest
#   bash scripts/test.sh --quick    # the inner loop: no installs, no browser, PostgreSQL or
#                                   # crash tests; lint, types, layers and the unit tests
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DEBIAN_FRONTEND=noninteractive PIP_DISABLE_PIP_VERSION_CHECK=1

step() { printf '\n== %s\n' "$*"; }

checks() {
  step "ruff"
  .venv/bin/ruff check src tests benchmarks scripts
  .venv/bin/ruff format --check src tests benchmarks scripts
  step "mypy --strict (src/)"
  .venv/bin/mypy
  step "import-linter (layers)"
  .venv/bin/lint-imports
}

if [ "${1:-}" = "--quick" ]; then
  shift
  if [ ! -x .venv/bin/python ]; then
    echo "no .venv yet: run 'bash scripts/test.sh' once to install everything" >&2
    exit 2
  fi
  checks
  step "pytest (quick: not browser, postgres, nginx, crash or slow; two processes)"
  exec .venv/bin/python -m pytest -q -n 2 \
    -m "not browser and not postgres and not nginx and not crash and not slow" "$@"
fi

# --- system packages: Chromium for browser tests, PostgreSQL for the ledger on PostgreSQL ------
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
# Another install (unattended upgrades, a parallel run) may hold the dpkg lock: wait for it
# rather than fail.
APT=(-o DPkg::Lock::Timeout=600)
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
command -v node >/dev/null || missing+=(nodejs npm)
# poppler-utils: pdftotext and pdftoppm read the printed pages back (an independent PDF reader).
command -v pdftotext >/dev/null || missing+=(poppler-utils)
# zbar-tools: zbarimg decodes the QR code printed on the wallchart.
command -v zbarimg >/dev/null || missing+=(zbar-tools)
if [ ${#missing[@]} -gt 0 ]; then
  step "installing Debian packages: ${missing[*]}"
  $SUDO apt-get "${APT[@]}" update -qq
  $SUDO apt-get "${APT[@]}" install -y -qq "${missing[@]}" >/dev/null
fi

# --- nginx: Debian's own build, unpacked rather than installed (no service is started), so the
# tests can run `nginx -t` and a real proxy on the shipped deploy/nginx-edicalendar.conf -------
NGINX_ROOT="$PWD/.cache/nginx"
if [ ! -x "$NGINX_ROOT/usr/sbin/nginx" ]; then
  step "unpacking Debian's nginx into .cache/nginx"
  rm -rf "$NGINX_ROOT"
  mkdir -p "$NGINX_ROOT/debs"
  download() { (cd "$NGINX_ROOT/debs" && apt-get download nginx nginx-common >/dev/null 2>&1); }
  download || { $SUDO apt-get "${APT[@]}" update -qq && download; }
  for deb in "$NGINX_ROOT"/debs/*.deb; do dpkg-deb -x "$deb" "$NGINX_ROOT"; done
fi
export EDICALENDAR_TEST_NGINX="$NGINX_ROOT/usr/sbin/nginx"

# --- Python: a project virtualenv with the package and its test extra ---------------------------
if [ ! -x .venv/bin/python ]; then
  step "creating .venv"
  python3 -m venv .venv
fi
step "installing edicalendar[test] into .venv"
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'

# --- JavaScript test tools: Mozilla ical.js (Thunderbird's parser) and axe-core ----------------
step "installing JavaScript test tools (tests/js)"
npm ci --prefix tests/js --no-audit --no-fund --loglevel=error >/dev/null

# --- PostgreSQL on 127.0.0.1 for the tests marked `postgres` -----------------------------------
PGBIN="$(dirname "$(compgen -G "/usr/lib/postgresql/*/bin/initdb" | sort -V | tail -n 1)")"
PGDATA="$(mktemp -d /tmp/edicalendar-pg.XXXXXX)"
PGPORT="${EDICALENDAR_TEST_PGPORT:-54329}"
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
stop_pg() { as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null 2>&1 || true; rm -rf "$PGDATA"; }
trap stop_pg EXIT
[ "$(id -u)" -eq 0 ] && chown postgres "$PGDATA"
step "starting PostgreSQL on 127.0.0.1:$PGPORT"
as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres -A trust >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDATA -c fsync=off" start >/dev/null
as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres edicalendar_test
export EDICALENDAR_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$PGPORT/edicalendar_test"

# --- the checks ---------------------------------------------------------------------------------
checks
step "pytest"
.venv/bin/python -m pytest -q "$@"
