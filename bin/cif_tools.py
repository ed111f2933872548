"""What the project's tools in bin/ share: where things are, the database
server, copies of databases, an Odoo server started on a database and
waited for, and the time of each step.

Plain standard library, no Odoo import: the browser test imports it from
its own virtualenv (a newer Python, without Odoo). The environment is the
one bin/lib.sh sets up (``setup_runtime``): the paths below, PGHOST (an
external PostgreSQL server) or the private cluster on the socket in
.local/pgrun (port CIF_PG_PORT, default 5432), ODOO_RC (.local/odoo.conf).

Also a command line, for the shell scripts:
    python bin/cif_tools.py free-port            print a free TCP port
    python bin/cif_tools.py free-port --check N  exit 0 if port N is free
"""
import argparse
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, 'bin')
VENV = os.path.join(ROOT, '.venv')
LOCAL = os.path.join(ROOT, '.local')
LOGS = os.path.join(LOCAL, 'logs')
FILESTORE = os.path.join(LOCAL, 'data', 'filestore')
ODOO_CONF = os.environ.get('ODOO_RC') or os.path.join(LOCAL, 'odoo.conf')
MODULE = 'customer_invoicing_flow'


def say(message):
    """A progress line on standard error, as bin/lib.sh's ``say``."""
    print('\033[1m[cif]\033[0m %s' % message, file=sys.stderr, flush=True)


def die(message):
    """Stop with an error message, as bin/lib.sh's ``die``."""
    print('\033[1;31m[cif] error:\033[0m %s' % message, file=sys.stderr, flush=True)
    sys.exit(1)


def odoo_python():
    """The Python of the Odoo virtualenv (CIF_ODOO_PYTHON when set)."""
    return os.environ.get('CIF_ODOO_PYTHON') or os.path.join(VENV, 'bin', 'python')


def odoo_command(*args, python=None):
    """The command line of odoo-bin with ``args``, on the Odoo virtualenv."""
    return [python or odoo_python(), '-c', 'import odoo; odoo.cli.main()'] + list(args)


# --- ports --------------------------------------------------------------------

def port_is_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(('0.0.0.0', port))
        except OSError:
            return False
    return True


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


# --- the database server --------------------------------------------------------

def db_params():
    """(host, port, user) of the PostgreSQL server, as bin/lib.sh finds it."""
    if os.environ.get('PGHOST'):
        return (os.environ['PGHOST'], os.environ.get('PGPORT') or '5432',
                os.environ.get('PGUSER') or 'odoo')
    return (os.path.join(LOCAL, 'pgrun'), os.environ.get('CIF_PG_PORT') or '5432', 'odoo')


def pg_args():
    host, port, user = db_params()
    return ['-h', host, '-p', str(port), '-U', user]


def psql_value(query, db='postgres', **variables):
    """The first column of the first row of ``query`` (text, '' if none);
    ``:'name'`` in the query is the quoted value of the keyword ``name``."""
    command = ['psql', '-X', '-q', '-tA', '-v', 'ON_ERROR_STOP=1'] + pg_args() + ['-d', db]
    for name, value in variables.items():
        command += ['-v', '%s=%s' % (name, value)]
    result = subprocess.run(command, input=query, stdout=subprocess.PIPE,
                            universal_newlines=True, check=True)
    lines = result.stdout.splitlines()
    return lines[0] if lines else ''


def db_exists(db):
    return psql_value("SELECT 1 FROM pg_database WHERE datname = :'name'", name=db) == '1'


def drop_db(db):
    """Drop ``db`` and its filestore, if there."""
    if db_exists(db):
        subprocess.run(['dropdb'] + pg_args() + [db], check=True)
    shutil.rmtree(os.path.join(FILESTORE, db), ignore_errors=True)


def copy_db(source, target):
    """``target`` made afresh as a copy of ``source``, database
    (``createdb -T``: nothing may be connected to ``source``) and filestore."""
    drop_db(target)
    if subprocess.run(['createdb'] + pg_args() + ['-T', source, target]).returncode:
        raise SystemExit('createdb -T %s failed (is someone connected to %s?)' % (source, source))
    if os.path.isdir(os.path.join(FILESTORE, source)):
        os.makedirs(FILESTORE, exist_ok=True)
        shutil.copytree(os.path.join(FILESTORE, source), os.path.join(FILESTORE, target),
                        symlinks=True)


def set_served_urls(db, port, base_url=None):
    """The addresses Odoo puts in what it sends out and what wkhtmltopdf
    reads, for ``db`` served on ``port``: web.base.url (links in emails and
    portal pages; ``base_url``, default http://localhost:PORT), frozen so
    that logging in through another address does not rewrite it, and
    report.url (where wkhtmltopdf, on this machine, fetches the PDF's style
    sheets: http://127.0.0.1:PORT). Run before the server starts (a running
    server caches the parameters)."""
    psql_value("""
INSERT INTO ir_config_parameter (key, value, create_uid, write_uid, create_date, write_date)
VALUES ('web.base.url', :'base_url', 1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'),
       ('web.base.url.freeze', 'True', 1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'),
       ('report.url', :'report_url', 1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')
ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, write_uid = 1,
    write_date = EXCLUDED.write_date;
""", db=db, base_url=base_url or 'http://localhost:%d' % port,
               report_url='http://127.0.0.1:%d' % port)


# --- an Odoo server -------------------------------------------------------------

class OdooServer:
    """Odoo serving one database on a free port (or ``port``), its output in
    ``log_path``; a context manager that starts it, waits until it answers
    and stops it::

        with OdooServer(db, log_path) as server:
            requests.get(server.url + '/web/login')
    """

    def __init__(self, db, log_path, port=None, log_level=None, args=(), python=None,
                 timeout=180):
        self.db, self.log_path, self.port = db, log_path, port
        self.log_level, self.args, self.python = log_level, list(args), python
        self.timeout = timeout
        self.process = None

    @property
    def url(self):
        return 'http://127.0.0.1:%d' % self.port

    def start(self):
        self.port = self.port or free_port()
        command = odoo_command(
            '-d', self.db, '--db-filter=^%s$' % self.db, '--http-port=%d' % self.port,
            '--max-cron-threads=0', python=self.python)
        if self.log_level:
            command.append('--log-level=%s' % self.log_level)
        # the line wait() looks for, whatever the log level
        command += ['--log-handler=odoo.modules.loading:INFO'] + self.args
        with open(self.log_path, 'w') as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        return self

    def wait(self, timeout=None):
        """Wait (``timeout`` seconds at most) until the database is loaded, then until /web/login answers.
        A request during the preload would make the HTTP thread import every
        addon while the preload thread imports them too (the preload then
        fails once and retries): the log says when the preload is done."""
        timeout = timeout or self.timeout
        deadline = time.time() + timeout
        while time.time() < deadline:
            with open(self.log_path) as log:
                text = log.read()
            if 'Failed to initialize database' in text:
                raise SystemExit('the server could not load the database; see %s' % self.log_path)
            if 'Modules loaded.' in text:
                try:
                    urllib.request.urlopen(self.url + '/web/login', timeout=30)
                    return self
                except OSError as error:
                    print('waiting for the server: %s' % error, flush=True)
            if self.process.poll() is not None:
                raise SystemExit('the server stopped; see %s' % self.log_path)
            time.sleep(1)
        raise SystemExit('the server did not start within %ss; see %s' % (timeout, self.log_path))

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def __enter__(self):
        self.start()
        try:
            return self.wait()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *_exc):
        self.stop()


# --- time per step ---------------------------------------------------------------

class Timings:
    """The wall time of named steps::

        timings = Timings()
        with timings.step('set-up'):
            ...
        timings.report()      # '   12 s  set-up' per step, on stderr
    """

    def __init__(self):
        self.steps = []
        self.started = time.time()

    @contextlib.contextmanager
    def step(self, name):
        started = time.time()
        try:
            yield
        finally:
            self.steps.append((name, time.time() - started))

    def lines(self):
        return ['%5d s  %s' % (seconds, name) for name, seconds in self.steps]

    def report(self):
        say('time per step (total %d s):' % (time.time() - self.started))
        for line in self.lines():
            print('  %s' % line, file=sys.stderr)


# --- benchmark data ------------------------------------------------------------

def bench_accounts(env):
    """(receivable account, income account, sales journal) of the user's
    company in the Odoo environment ``env``, created when the database has
    no chart of accounts: what the benchmarks' invoices are booked on."""
    company = env.user.company_id
    receivable = env['account.account'].search([
        ('internal_type', '=', 'receivable'), ('company_id', '=', company.id)], limit=1)
    income = env['account.account'].search([
        ('user_type_id', '=', env.ref('account.data_account_type_revenue').id),
        ('company_id', '=', company.id)], limit=1)
    if not receivable:  # a database without a chart of accounts
        receivable = env['account.account'].create({
            'code': 'BNCH1100', 'name': 'Bench receivable', 'reconcile': True,
            'user_type_id': env.ref('account.data_account_type_receivable').id})
    if not income:
        income = env['account.account'].create({
            'code': 'BNCH7000', 'name': 'Bench sales',
            'user_type_id': env.ref('account.data_account_type_revenue').id})
    journal = env['account.journal'].search(
        [('type', '=', 'sale'), ('company_id', '=', company.id)], limit=1)
    if not journal:
        journal = env['account.journal'].create({
            'name': 'Bench sales', 'code': 'BNCH', 'type': 'sale', 'company_id': company.id})
    return receivable, income, journal


def main():
    parser = argparse.ArgumentParser(description='Helpers of the shell scripts in bin/.')
    commands = parser.add_subparsers(dest='command')
    port = commands.add_parser('free-port', help='print a free TCP port, or check one')
    port.add_argument('--check', type=int, metavar='PORT', help='exit 0 if PORT is free, 1 if taken')
    args = parser.parse_args()
    if args.command != 'free-port':
        parser.error('a command is required')
    if args.check is not None:
        sys.exit(0 if port_is_free(args.check) else 1)
    print(free_port())


if __name__ == '__main__':
    main()
