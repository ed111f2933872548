"""Regenerate customer_invoicing_flow/i18n/customer_invoicing_flow.pot from
the module, with Odoo's own export (customer_invoicing_flow/i18n_tools.py,
which tests/test_i18n.py checks the file with). Run through bin/update-pot.

The file is rewritten only when its content changed (header dates aside),
so running it twice gives the same file. Then merge the translations:
    msgmerge -U --no-fuzzy-matching --backup=none \\
        customer_invoicing_flow/i18n/fr.po customer_invoicing_flow/i18n/customer_invoicing_flow.pot
"""
import argparse
import os
import re
import subprocess
import sys

import cif_tools

POT = os.path.join(cif_tools.ROOT, cif_tools.MODULE, 'i18n', cif_tools.MODULE + '.pot')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog='bin/update-pot', description=__doc__.split('\n\n')[0].replace('\n', ' '),
        epilog="Without DB: on a scratch database (the addon installed without demo data), "
               "created and dropped here: the reference. With DB: on DB, updated first (-u): "
               "quicker; its demo records' terms are left out, but the data loaded with noupdate "
               "(mail templates, the default policy) is read as DB has it.")
    where = parser.add_mutually_exclusive_group()
    where.add_argument('db', metavar='DB', nargs='?', help='export from this database, updated first')
    where.add_argument('--scratch', metavar='NAME',
                       help='the name of the scratch database (must not exist; default '
                            'cif_update_pot_PID)')
    parser.add_argument('--output', metavar='PATH', default=POT,
                        help='the template to write (default: the addon\'s i18n/%s.pot)'
                             % cif_tools.MODULE)
    args = parser.parse_args(argv)
    if args.db and not cif_tools.db_exists(args.db):
        parser.exit(1, 'database %s does not exist\n' % args.db)
    if args.scratch and cif_tools.db_exists(args.scratch):
        parser.exit(1, 'database %s exists; the scratch database must be new\n' % args.scratch)
    return args


def odoo_step(db, log, *odoo_args):
    """Install or update the module on ``db``; fails on any ERROR logged."""
    status = subprocess.call(cif_tools.odoo_command(
        '-d', db, '--stop-after-init', '--log-level=warn', '--logfile=%s' % log, *odoo_args))
    if status:
        raise SystemExit('Odoo failed (exit %d); see %s' % (status, log))
    with open(log) as logfile:
        errors = [line for line in logfile if re.search(r' (ERROR|CRITICAL) ', line)]
    if errors:
        sys.stdout.write(''.join(errors))
        raise SystemExit('Odoo logged errors; see %s' % log)


def export(db, pot_path):
    import odoo
    from odoo import SUPERUSER_ID, api
    odoo.tools.config.parse_config(['-c', cif_tools.ODOO_CONF, '-d', db, '--log-level=warn'])
    registry = odoo.registry(db)
    from odoo.addons.customer_invoicing_flow import i18n_tools
    try:
        with api.Environment.manage(), registry.cursor() as cr:
            written, count = i18n_tools.write_pot(api.Environment(cr, SUPERUSER_ID, {}), pot_path)
    finally:
        # no connection left: the scratch database is dropped next
        odoo.modules.registry.Registry.delete(db)
        odoo.sql_db.close_db(db)
    print('%s %s (%d terms)' % (pot_path, 'written' if written else 'is up to date', count))


def main():
    args = parse_args()
    os.makedirs(cif_tools.LOGS, exist_ok=True)
    log = os.path.join(cif_tools.LOGS, 'update-pot.log')
    if os.path.exists(log):
        os.remove(log)
    port = '--http-port=%d' % cif_tools.free_port()
    if args.db:
        cif_tools.say('updating %s on %s' % (cif_tools.MODULE, args.db))
        odoo_step(args.db, log, '-u', cif_tools.MODULE, port)
        export(args.db, args.output)
        return
    db = args.scratch or 'cif_update_pot_%d' % os.getpid()
    try:
        cif_tools.say('installing %s without demo data on the scratch database %s'
                      % (cif_tools.MODULE, db))
        odoo_step(db, log, '-i', cif_tools.MODULE, '--without-demo=all', port)
        export(db, args.output)
    finally:
        cif_tools.drop_db(db)


if __name__ == '__main__':
    main()
