"""Upgrade, uninstall and reinstall the addon on a copy of a database that
holds its data, and check the ledger comes through untouched.

A company that tries the addon and removes it must keep every invoice, fee
invoice, payment and journal entry; only the addon's own records, tables
and columns go. The copy is made with ``createdb -T`` (SOURCE must have no
other connection) and made a company's database: the demo flag is turned
off and the demo records' external ids detached (without this, Odoo's
uninstall tries to delete the demo customers, which the ledger still
references), then:

1. ``-u customer_invoicing_flow``: policies, stages, logs, holds and the
   settings are kept;
2. uninstall: no ERROR in Odoo's log, the ledger figures unchanged, the
   addon's tables and ``account_invoice`` columns gone;
3. reinstall without demo data: installed, the default policy back, the
   ledger figures unchanged.

Usage (the environment comes from bin/lib.sh):
    python bin/check_uninstall.py SOURCE_DB [--keep]
"""
import argparse
import os
import re
import subprocess
import sys

import psycopg2

import cif_tools

MODULE = 'customer_invoicing_flow'
ROOT = cif_tools.ROOT
ADDON_TABLES = ('payment_reminder_log', 'payment_reminder_run',
                'late_payment_policy',
                'late_payment_policy_stage', 'late_fee_charge',
                'late_payment_hold')
# What must not move: counts and sums over the ledger.
LEDGER_QUERIES = {
    'invoices': "SELECT count(*), coalesce(sum(amount_total), 0), "
                "coalesce(sum(residual), 0) FROM account_invoice",
    'invoice states': "SELECT string_agg(state || ':' || n, ',' ORDER BY state) "
                      "FROM (SELECT state, count(*) n FROM account_invoice "
                      "GROUP BY state) s",
    'invoice lines': "SELECT count(*), coalesce(sum(price_subtotal), 0) "
                     "FROM account_invoice_line",
    'fee invoice lines': "SELECT count(*), coalesce(sum(line.price_subtotal), 0) "
                         "FROM account_invoice_line line JOIN account_invoice inv "
                         "ON inv.id = line.invoice_id WHERE inv.origin LIKE 'INV/%'",
    'payments': "SELECT count(*), coalesce(sum(amount), 0) FROM account_payment",
    'journal items': "SELECT count(*), coalesce(sum(debit), 0), "
                     "coalesce(sum(credit), 0) FROM account_move_line",
    'reconciliations': "SELECT count(*) FROM account_partial_reconcile",
    'customers': "SELECT count(*) FROM res_partner",
}


def demo_record_names():
    """The names of the records the module's demo files create."""
    from lxml import etree
    demo_dir = os.path.join(ROOT, MODULE, 'demo')
    names = []
    for filename in sorted(os.listdir(demo_dir)):
        if filename.endswith('.xml'):
            tree = etree.parse(os.path.join(demo_dir, filename))
            names += [record.get('id') for record in tree.iter('record')]
    return names


class Check:
    def __init__(self, args):
        self.args = args
        self.db = '%s_uninstall_check' % args.source
        self.logs = os.environ.get('CIF_LOGS', cif_tools.LOGS)
        os.makedirs(self.logs, exist_ok=True)
        self.failures = []

    def connect(self, db):
        host, port, user = cif_tools.db_params()
        return psycopg2.connect(dbname=db, host=host, port=port, user=user)

    def sql(self, query, params=None, db=None):
        conn = self.connect(db or self.db)
        conn.autocommit = True
        try:
            with conn.cursor() as cr:
                cr.execute(query, params)
                return cr.fetchall() if cr.description else None
        finally:
            conn.close()

    def odoo(self, name, *odoo_args):
        log = os.path.join(self.logs, 'uninstall-check-%s.log' % name)
        if os.path.exists(log):
            os.remove(log)
        cmd = cif_tools.odoo_command(
            '-d', self.db, '--stop-after-init', '--log-level=warn', '--logfile=%s' % log,
            '--http-port=%d' % self.args.http_port, *odoo_args, python=sys.executable)
        status = subprocess.call(cmd)
        with open(log) as logfile:
            errors = [line for line in logfile if re.search(r' (ERROR|CRITICAL) ', line)]
        if status or errors:
            self.fail('%s: exit %s, %d error line(s) in %s%s' % (
                name, status, len(errors), log,
                ''.join('\n    ' + line.rstrip() for line in errors[:5])))

    def fail(self, message):
        print('FAIL %s' % message)
        self.failures.append(message)

    def ledger(self):
        return {name: self.sql(query)[0] for name, query in LEDGER_QUERIES.items()}

    def compare(self, step, before):
        after = self.ledger()
        for name, value in before.items():
            if after[name] != value:
                self.fail('%s changed the %s: %s -> %s' % (step, name, value, after[name]))
        print('%s: ledger unchanged (%s)' % (step, ', '.join(
            '%s %s' % (name, value[0]) for name, value in sorted(after.items()))))

    def module_state(self):
        rows = self.sql("SELECT state FROM ir_module_module WHERE name = %s", (MODULE,))
        return rows[0][0] if rows else None

    def counts(self, tables):
        return {table: self.sql('SELECT count(*) FROM %s' % table)[0][0]  # noqa: S608
                for table in tables}

    def existing_tables(self):
        rows = self.sql("SELECT relname FROM pg_class WHERE relkind = 'r' "
                        "AND relname = ANY(%s)", (list(ADDON_TABLES),))
        return sorted(row[0] for row in rows)

    def addon_columns(self):
        rows = self.sql("""
            SELECT column_name FROM information_schema.columns
             WHERE table_name = 'account_invoice'
               AND column_name IN ('late_payment_policy_id', 'late_payment_terms',
                                   'late_fee_origin_id', 'payment_hold')""")
        return sorted(row[0] for row in rows)

    def run(self):
        cif_tools.copy_db(self.args.source, self.db)
        try:
            self.steps()
        finally:
            if not self.args.keep:
                cif_tools.drop_db(self.db)
        if self.failures:
            print('uninstall check: %d failure(s)' % len(self.failures))
            return 1
        print('uninstall check: upgrade, uninstall and reinstall kept the ledger')
        return 0

    def steps(self):
        # a company's database: no demo data is loaded on update, and its
        # customers, orders and products are its own, not records of the
        # module's demo files
        self.sql("UPDATE ir_module_module SET demo = FALSE")
        demo_ids = demo_record_names()
        self.sql("DELETE FROM ir_model_data WHERE module = %s AND name = ANY(%s) "
                 "AND model NOT LIKE 'late.payment.%%'", (MODULE, demo_ids))
        # and the parents Odoo names after them (_inherits: a product's
        # template, a user's partner)
        self.sql("DELETE FROM ir_model_data WHERE module = %s AND name = ANY(%s)",
                 (MODULE, [name + suffix for name in demo_ids
                           for suffix in ('_product_template', '_res_partner')]))
        addon_rows = self.counts(ADDON_TABLES)
        before = self.ledger()
        print('before: %s' % ', '.join('%s %s' % item for item in sorted(addon_rows.items())))

        self.odoo('upgrade', '-u', MODULE)
        kept = self.counts(ADDON_TABLES)
        for table, count in addon_rows.items():
            if kept[table] != count:
                self.fail('upgrade changed %s: %s -> %s rows' % (table, count, kept[table]))
        self.compare('upgrade', before)

        self.uninstall()
        if self.module_state() != 'uninstalled':
            self.fail('the addon is %s after the uninstall' % self.module_state())
        if self.existing_tables():
            self.fail('tables left after the uninstall: %s' % self.existing_tables())
        if self.addon_columns():
            self.fail('account_invoice columns left: %s' % self.addon_columns())
        self.compare('uninstall', before)

        self.odoo('reinstall', '-i', MODULE, '--without-demo=all')
        if self.module_state() != 'installed':
            self.fail('the addon is %s after the reinstall' % self.module_state())
        policies = self.sql("SELECT count(*) FROM ir_model_data WHERE module = %s "
                            "AND model = 'late.payment.policy'", (MODULE,))[0][0]
        if not policies:
            self.fail('no default policy after the reinstall')
        self.compare('reinstall', before)

    def uninstall(self):
        log = os.path.join(self.logs, 'uninstall-check-uninstall.log')
        code = ("env['ir.module.module'].search([('name', '=', %r)])"
                ".button_immediate_uninstall()\nenv.cr.commit()\n" % MODULE)
        with open(log, 'w') as logfile:
            proc = subprocess.run(
                cif_tools.odoo_command('shell', '-d', self.db, '--log-level=warn',
                                       '--http-port=%d' % self.args.http_port, python=sys.executable),
                input=code.encode(), stdout=logfile, stderr=subprocess.STDOUT)
        with open(log) as logfile:
            errors = [line for line in logfile if re.search(r' (ERROR|CRITICAL) ', line)]
        if proc.returncode or errors:
            self.fail('uninstall: exit %s, %d error line(s) in %s%s' % (
                proc.returncode, len(errors), log,
                ''.join('\n    ' + line.rstrip() for line in errors[:5])))


def main():
    parser = argparse.ArgumentParser(prog='bin/check-uninstall', description=__doc__.split('\n\n')[0])
    parser.add_argument('source', help='a database with the addon and data (e.g. the demo one)')
    parser.add_argument('--keep', action='store_true', help='keep the copy for inspection')
    parser.add_argument('--http-port', type=int, default=None,
                        help='the port of the Odoo processes (default: a free one)')
    args = parser.parse_args()
    args.http_port = args.http_port or cif_tools.free_port()
    sys.exit(Check(args).run())


if __name__ == '__main__':
    main()
