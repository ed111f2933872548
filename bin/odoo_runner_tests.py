"""Odoo's own test runner on a database, the way integrators and OCA's CI
run tests: ``odoo -u MODULES --test-enable --stop-after-init``, which
updates MODULES and every installed module depending on them, and runs the
tests of all of them (at install and post install). The log is then checked
by bin/check_odoo_test_log.py: every addon of EXPECTED must have run tests,
and no test may fail or be in error except those listed in BASELINE.

Run through bin/odoo-runner-tests (the environment). Log:
.local/logs/odoo-runner-DB.log.
"""
import argparse
import os
import subprocess
import sys
import time

import cif_tools


def main():
    parser = argparse.ArgumentParser(prog='bin/odoo-runner-tests',
                                     description=__doc__.split('\n\n')[0].replace('\n', ' '))
    parser.add_argument('db', metavar='DB', help='a database of yours with the modules installed '
                                                 '(it is updated)')
    parser.add_argument('modules', metavar='MODULES',
                        help='comma-separated modules to update, e.g. customer_invoicing_flow')
    parser.add_argument('expected', metavar='EXPECTED', nargs='?',
                        help='comma-separated addons whose tests must run (default MODULES)')
    parser.add_argument('baseline', metavar='BASELINE', nargs='?',
                        help='file of tests allowed to fail (default: none)')
    parser.add_argument('--http-port', type=int,
                        default=int(os.environ.get('CIF_RUNNER_PORT') or 0) or None,
                        help='the HTTP port of the run (Odoo serves during tests); default '
                             'CIF_RUNNER_PORT, else a free port')
    args = parser.parse_args()
    os.chdir(cif_tools.ROOT)  # paths are relative to the repository
    if not cif_tools.db_exists(args.db):
        parser.exit(1, 'no database %s\n' % args.db)
    os.makedirs(cif_tools.LOGS, exist_ok=True)
    log = os.path.join(cif_tools.LOGS, 'odoo-runner-%s.log' % args.db)
    started = time.time()
    status = subprocess.call(cif_tools.odoo_command(
        '-d', args.db, '-u', args.modules, '--test-enable', '--stop-after-init',
        '--http-port=%d' % (args.http_port or cif_tools.free_port()), '--max-cron-threads=0',
        '--log-level=info', '--logfile=%s' % log))
    cif_tools.say("Odoo's runner on %s (-u %s): exit code %d, %d s" % (
        args.db, args.modules, status, time.time() - started))
    # Odoo exits with 1 when a test failed (the baseline's too): the log
    # decides then; any other non-zero code is a crash.
    failed = status not in (0, 1)
    if failed:
        cif_tools.say("Odoo's runner crashed (exit code %d); see %s" % (status, log))
    check = [sys.executable, os.path.join(cif_tools.BIN, 'check_odoo_test_log.py'), log,
             '--modules', args.expected or args.modules]
    if args.baseline:
        check += ['--baseline', args.baseline]
    if subprocess.call(check):
        failed = True
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
