"""Benchmark of the daily payment-reminder run: bin/bench-reminders (the
environment) runs this file in the Odoo virtualenv; see --help.

DB must have customer_invoicing_flow installed and nobody connected to it
(it is the template of ``createdb -T``). DB itself is never written: the
invoices are created in a scratch copy (DB_bench_rem_N), and every measured
run works in a copy of that copy (DB_bench_rem_N_run), dropped afterwards,
because the run commits after each batch. --keep keeps the DB_bench_rem_N
copies so the next call skips the set-up. Each N runs once per batch size
(--batch-sizes) without wkhtmltopdf, then, for the first N only and unless
--no-pdf, once with real PDFs (batch 100) against an Odoo server started on
the scratch copy. Beyond --orm-invoices invoices, the set-up creates that
many through the ORM (or starts from a copy of DB_bench_rem_1000 kept by
--keep) and replicates them in SQL up to N, then checks the replicas.

The daily reminder run (``account.invoice._cron_process_late_payments``)
on N open customer invoices, about 5 per customer, under the company's
late-payment policy (the default one: stages at -3, +1, +11 with a fee, +30
with a phone call, +45 with a credit hold).

Set-up (step ``setup``, committed once into the scratch copy): the invoices
are created and validated with the ORM in one ``action_invoice_open`` call
per chunk; due dates are drawn (fixed seed) uniformly from as_of - 90 to
as_of + 3 days, so about 5 in 94 invoices reach a stage on as_of. The
earlier daily runs are recorded as they would have left things: one 'done'
reminder log per stage that fell due before as_of, the invoice's reminder
stage, and the credit hold of the customers past +45 (written in SQL: only
history, nothing the measured run computes). Not recreated: the fee
invoices and emails of earlier days.

Beyond 1000 invoices (--orm-invoices), step ``replicate`` copies the
ORM-made ones in SQL (0.8 s per invoice through the ORM on a loaded
machine, a few ms here): invoice i copies invoice i % 980 (same amounts),
for customer i // 5, with its own number from the journal's sequence, the
due date ``setup`` would draw for it, and every row of its source (columns
read from information_schema) with the dates moved; the history is
written as above. It then checks the replicas (:func:`verify`) before it
commits.

Run (step ``run``): one ``_cron_process_late_payments(as_of, batch_size)``,
as the cron does it (superuser, empty context, a commit per batch). Before
it, a warm-up runs the same entry point without commits for a few
customers (the others opted out for it) and rolls it back, so templates
and views are compiled. Mode 'html': the invoice PDFs are rendered by QWeb
but not converted by wkhtmltopdf (Odoo's own test fallback,
``test_enable``); mode 'pdf': real PDFs through wkhtmltopdf, with
report.url pointing at an Odoo server on the scratch database.

The benchmark calls the addon's documented entry points only (and reads
public fields): "candidates" is its own count, from the invoices' fields
and reminder logs, of the invoices with a stage due by as_of that has not
fired; the run decides by itself.

Each step runs in its own process (``--step``), so every measured run
starts cold, as the cron's worker does after a restart.
"""
import argparse
import os
import random
import resource
import subprocess
import sys
import time
import uuid
from datetime import timedelta

import odoo
from psycopg2 import sql
from odoo import SUPERUSER_ID, api, fields

import cif_tools

AS_OF = '2025-06-16'
SIZE_PARAM = 'bench_reminders.size'

INVOICES_PER_CUSTOMER = 5
DUE_FROM, DUE_TO = -90, 3  # due dates, in days from as_of
VALIDATE_CHUNK = 50


def http_port(taken=()):
    """A free port for a server the benchmark starts: the first free one of
    BENCH_HTTP_PORTS ('LOW-HIGH') when set, on a machine whose users share
    it by port ranges; else any free port. ``taken``: ports already given
    out but not bound yet."""
    span = os.environ.get('BENCH_HTTP_PORTS')
    if not span:
        return cif_tools.free_port()
    low, high = (int(bound) for bound in span.split('-'))
    for port in range(low, high + 1):
        if port not in taken and cif_tools.port_is_free(port):
            return port
    raise SystemExit('no free port in BENCH_HTTP_PORTS=%s' % span)


def memory_mb(field):
    """VmRSS or VmHWM (the peak) of this process, in MiB; 5 written to
    clear_refs first (``reset``) starts the peak afresh (Linux)."""
    try:
        with open('/proc/self/status') as handle:
            lines = handle.readlines()
    except OSError:
        lines = []
    for line in lines:
        if line.startswith(field + ':'):
            return int(line.split()[1]) / 1024.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def reset_peak_memory():
    """Whether the peak was reset (else: the peak since the start)."""
    try:
        with open('/proc/self/clear_refs', 'w') as handle:
            handle.write('5')
    except OSError:
        return False
    return True


def due_offsets(n):
    """The due dates of invoices 0 to n - 1, in days from as_of (fixed
    seed: invoice i has the same due date whatever n)."""
    rng = random.Random(42)
    return [rng.randint(DUE_FROM, DUE_TO) for _i in range(n)]


def start(conf, db):
    sys.stdout.reconfigure(line_buffering=True)
    odoo.tools.config.parse_config(['-c', conf, '-d', db, '--log-level=warn'])
    return odoo.registry(db)


def setup_accounting(env):
    company = env.user.company_id
    receivable, income, journal = cif_tools.bench_accounts(env)
    policy = company.late_payment_policy_id
    assert policy and policy.stage_ids, "the company has no late-payment policy"
    fee_product = policy.fee_product_id
    if fee_product and not (
            fee_product.property_account_income_id
            or fee_product.categ_id.property_account_income_categ_id):
        fee_product.property_account_income_id = income
    if not company.email:
        company.email = 'billing@example.com'
    return receivable, income, journal, policy


def setup(conf, db, n, as_of):
    registry = start(conf, db)
    n = int(n)
    as_of_date = fields.Date.from_string(as_of)
    with api.Environment.manage(), registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {
            'tracking_disable': True, 'mail_create_nolog': True,
            'mail_notify_force_send': False})
        t0 = time.time()
        receivable, income, journal, policy = setup_accounting(env)
        partners = env['res.partner']
        for i in range(-(-n // INVOICES_PER_CUSTOMER)):
            partners |= env['res.partner'].create({
                'name': 'Bench customer %d' % i, 'customer': True,
                'is_company': True, 'email': 'bench%d@example.com' % i,
                'property_account_receivable_id': receivable.id})
        invoices = env['account.invoice']
        for i, offset in enumerate(due_offsets(n)):
            due = as_of_date + timedelta(days=offset)
            invoices |= invoices.create({
                'type': 'out_invoice',
                'partner_id': partners[i // INVOICES_PER_CUSTOMER].id,
                'account_id': receivable.id,
                'journal_id': journal.id,
                'date_invoice': fields.Date.to_string(due - timedelta(days=30)),
                'date_due': fields.Date.to_string(due),
                'invoice_line_ids': [(0, 0, {
                    'name': 'Bench service', 'quantity': 1 + i % 4,
                    'price_unit': 100.0 + i % 7 * 25, 'account_id': income.id,
                })],
            })
        t1 = time.time()
        # in chunks: one action_invoice_open on thousands of invoices is
        # quadratic (every write recomputes over the whole prefetch set)
        for chunk in range(0, n, VALIDATE_CHUNK):
            invoices[chunk:chunk + VALIDATE_CHUNK].action_invoice_open()
        t2 = time.time()
        assert set(invoices.mapped('late_payment_policy_id')) == {policy}
        history(env, invoices, as_of)
        env['ir.config_parameter'].set_param(SIZE_PARAM, str(n))
        cr.commit()  # pylint: disable=invalid-commit
        t3 = time.time()
    print("set-up of %d invoices (%d customers) in %s: create %.0f s, "
          "validate %.0f s, history %.0f s, total %.0f s" % (
              n, len(partners), db, t1 - t0, t2 - t1, t3 - t2, t3 - t0))


def history(env, invoices, as_of):
    """What the daily runs before ``as_of`` left: a log per stage due
    before it, the invoice's latest stage, the credit holds."""
    cr = env.cr
    cr.execute("""
        INSERT INTO payment_reminder_log
               (invoice_id, partner_id, user_id, company_id, stage_id,
                policy_id, date, due_date, state, email_sent, statement_count,
                amount_residual, credit_hold, create_uid, create_date,
                write_uid, write_date)
        SELECT inv.id, inv.commercial_partner_id, inv.user_id, inv.company_id,
               stage.id, stage.policy_id, inv.date_due + stage.day_offset,
               inv.date_due + stage.day_offset, 'done', stage.send_email, 1,
               inv.residual, stage.credit_hold, %s, now() at time zone 'UTC',
               %s, now() at time zone 'UTC'
          FROM account_invoice inv
          JOIN late_payment_policy_stage stage
            ON stage.policy_id = inv.late_payment_policy_id
         WHERE inv.id IN %s AND inv.date_due + stage.day_offset < %s
    """, (env.uid, env.uid, tuple(invoices.ids), as_of))
    cr.execute("""
        UPDATE account_invoice inv
           SET reminder_stage_id = last.stage_id, reminder_date = last.date
          FROM (SELECT DISTINCT ON (log.invoice_id) log.invoice_id,
                       log.stage_id, log.date
                  FROM payment_reminder_log log
                  JOIN late_payment_policy_stage stage
                    ON stage.id = log.stage_id
                 WHERE log.invoice_id IN %s
                 ORDER BY log.invoice_id, stage.day_offset DESC) last
         WHERE inv.id = last.invoice_id
    """, (tuple(invoices.ids),))
    cr.execute("""
        UPDATE res_partner partner
           SET credit_hold = TRUE, credit_hold_date = held.date,
               credit_hold_reason = 'Overdue invoices'
          FROM (SELECT log.partner_id, MIN(log.date) AS date
                  FROM payment_reminder_log log
                 WHERE log.credit_hold AND log.invoice_id IN %s
                 GROUP BY log.partner_id) held
         WHERE partner.id = held.partner_id
    """, (tuple(invoices.ids),))
    invoices.invalidate_cache()


# Invoice i of the set-up has quantity 1 + i % 4, unit price 100 + i % 7 * 25
# and customer i // 5: invoices PERIOD apart differ only in due date.
PERIOD = 140
# Tables the replicas' rows may reference; payment_reminder_log is written
# for them by history(), not copied (their due dates differ).
REPLICATED = ('account_invoice', 'account_invoice_line', 'account_move',
              'account_move_line', 'res_partner')


def seed_invoices(env, seed_n, offsets, as_of_date):
    """The ORM-made invoices in creation order, checked against what
    :func:`setup` makes (customer, amount, due date)."""
    partners = {}
    for partner in env['res.partner'].with_context(active_test=False).search(
            [('name', '=like', 'Bench customer %')]):
        partners[int(partner.name.rsplit(' ', 1)[1])] = partner
    invoices = env['account.invoice'].search([
        ('partner_id', 'in', [p.id for p in partners.values()]),
        ('type', '=', 'out_invoice')], order='id')
    assert len(invoices) == seed_n, "%d bench invoices, %d expected" % (
        len(invoices), seed_n)
    for i, invoice in enumerate(invoices):
        due = as_of_date + timedelta(days=offsets[i])
        assert invoice.partner_id == partners[i // INVOICES_PER_CUSTOMER] \
            and invoice.state == 'open' \
            and invoice.date_due == fields.Date.to_string(due) \
            and invoice.amount_total == (1 + i % 4) * (100.0 + i % 7 * 25), \
            "invoice %d (id %d) is not the set-up's" % (i, invoice.id)
    return invoices, partners


def new_ids(cr, table, count):
    cr.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
               "FROM generate_series(1, %s)", (table, count))
    return sorted(row[0] for row in cr.fetchall())


def fill(cr, table, columns, rows):
    """A temporary table of ``rows``."""
    cr.execute(sql.SQL("CREATE TEMPORARY TABLE {} ({})").format(
        sql.Identifier(table), sql.SQL(', ').join([
            sql.SQL('{} {}').format(sql.Identifier(name), sql.SQL(kind))
            for name, kind in columns])))
    for chunk in range(0, len(rows), 1000):
        part = rows[chunk:chunk + 1000]
        cr.execute(sql.SQL("INSERT INTO {} VALUES {}").format(
            sql.Identifier(table),
            sql.SQL(', ').join([sql.SQL('%s')] * len(part))), part)
    cr.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(table)))


def foreign_keys(cr, table=None, referenced=None):
    """[(table, column, referenced table)] of the one-column foreign
    keys of ``table``, or to ``referenced``."""
    cr.execute("""
        SELECT c.conrelid::regclass::text, a.attname,
               c.confrelid::regclass::text
          FROM pg_constraint c
          JOIN pg_attribute a
            ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
         WHERE c.contype = 'f' AND array_length(c.conkey, 1) = 1
           AND (c.conrelid::regclass::text = %s
                OR c.confrelid::regclass::text = %s)
         ORDER BY 1, 2
    """, (table, referenced))
    return cr.fetchall()


def copy_rows(cr, table, join, overrides, per_invoice=True):
    """Insert a copy of the rows of ``table`` (alias t) that ``join``
    selects: every column (information_schema) copied as is, but
    ``overrides`` ({column: SQL expression}), ``id`` (m.new unless
    overridden) and, for the rows of an invoice (``join`` gives the
    replica as inv, a row of hf_invoice): references to the source
    invoice, its journal entry or its customer and text equal to its
    number become the replica's, dates move with the due date."""
    cr.execute("""SELECT column_name, data_type
                    FROM information_schema.columns
                   WHERE table_schema = current_schema() AND table_name = %s
                   ORDER BY ordinal_position""", (table,))
    columns = cr.fetchall()
    references = {column: target for _table, column, target
                  in foreign_keys(cr, table=table)}
    remap = {'account_invoice': ('src', 'new'),
             'account_move': ('move_src', 'move_new'),
             'res_partner': ('partner_src', 'partner_new')}
    names, values = [], []
    for name, data_type in columns:
        column = sql.SQL('t.{}').format(sql.Identifier(name))
        if name in overrides:
            value = sql.SQL(overrides[name])
        elif name == 'id':
            value = sql.SQL('m.new')
        elif per_invoice and references.get(name) in remap:
            old, new = remap[references[name]]
            value = sql.SQL("CASE WHEN {col} = inv.{old} THEN inv.{new} "
                            "ELSE {col} END").format(
                col=column, old=sql.Identifier(old),
                new=sql.Identifier(new))
        elif per_invoice and data_type == 'date':
            value = sql.SQL('{} + inv.delta').format(column)
        elif per_invoice and data_type in ('character varying', 'text'):
            value = sql.SQL("CASE WHEN {col} = inv.number_src THEN inv.number "
                            "ELSE {col} END").format(col=column)
        else:
            value = column
        names.append(sql.Identifier(name))
        values.append(value)
    cr.execute(sql.SQL("INSERT INTO {table} ({names}) SELECT {values} "
                       "FROM {table} t {join}").format(
        table=sql.Identifier(table), names=sql.SQL(', ').join(names),
        values=sql.SQL(', ').join(values), join=sql.SQL(join)))
    return cr.rowcount


def replicate(conf, db, n, as_of):
    """Replicate the ORM-made invoices of the set-up in SQL up to ``n``.

    Invoice i (from the ORM-made count on) copies invoice i % period (same
    quantity and price) for customer i // 5, a new customer copied from its
    source's; it gets a number from the journal's sequence, the due date
    the set-up draws for invoice i, and a copy of every row of the source
    (invoice lines, journal entry and items, followers; the customer's
    properties and images) with the dates moved along. The history of
    earlier runs is then written as for the ORM-made ones, the replicas
    checked (:func:`verify`), and all committed at once."""
    registry = start(conf, db)
    n = int(n)
    as_of_date = fields.Date.from_string(as_of)
    offsets = due_offsets(n)
    with api.Environment.manage(), registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {
            'tracking_disable': True, 'mail_create_nolog': True})
        t0 = time.time()
        seed_n = int(env['ir.config_parameter'].get_param(
            SIZE_PARAM))
        period = seed_n // PERIOD * PERIOD
        assert period and n > seed_n and not n % INVOICES_PER_CUSTOMER \
            and not seed_n % INVOICES_PER_CUSTOMER, \
            "replicating %d invoices to %d: both must be multiples of %d, " \
            "the first at least %d" % (seed_n, n, INVOICES_PER_CUSTOMER,
                                       PERIOD)
        seed, seed_partners = seed_invoices(env, seed_n, offsets, as_of_date)
        first_customer = seed_n // INVOICES_PER_CUSTOMER
        customers = range(first_customer, n // INVOICES_PER_CUSTOMER)
        partner_ids = dict(zip(customers, new_ids(
            cr, 'res_partner', len(customers))))
        fill(cr, 'hf_partner', [
            ('k', 'int'), ('src', 'int'), ('new', 'int'), ('name', 'varchar'),
            ('email', 'varchar')], [
                (k, seed_partners[k % (period // INVOICES_PER_CUSTOMER)].id,
                 partner_ids[k], 'Bench customer %d' % k,
                 'bench%d@example.com' % k) for k in customers])
        journal = seed.mapped('journal_id')
        journal.ensure_one()
        sequence = journal.sequence_id
        replicas = range(seed_n, n)
        invoice_ids = new_ids(cr, 'account_invoice', len(replicas))
        move_ids = new_ids(cr, 'account_move', len(replicas))
        rows = []
        for i, invoice_id, move_id in zip(replicas, invoice_ids, move_ids):
            source = seed[i % period]
            delta = offsets[i] - offsets[i % period]
            move_date = fields.Date.from_string(source.move_id.date) \
                + timedelta(days=delta)
            number = sequence.with_context(
                ir_sequence_date=fields.Date.to_string(move_date)
            ).next_by_id()
            rows.append((
                i, source.id, invoice_id, source.move_id.id, move_id,
                source.partner_id.id,
                partner_ids[i // INVOICES_PER_CUSTOMER], delta,
                source.number, number, str(uuid.uuid4())))
        fill(cr, 'hf_invoice', [
            ('i', 'int'), ('src', 'int'), ('new', 'int'),
            ('move_src', 'int'), ('move_new', 'int'),
            ('partner_src', 'int'), ('partner_new', 'int'),
            ('delta', 'int'), ('number_src', 'varchar'),
            ('number', 'varchar'), ('token', 'varchar')], rows)
        t1 = time.time()
        copied = {}
        copied['res_partner'] = copy_rows(
            cr, 'res_partner', "JOIN hf_partner m ON m.src = t.id", {
                'name': 'm.name', 'display_name': 'm.name',
                'email': 'm.email', 'commercial_partner_id': 'm.new',
                'credit_hold': 'FALSE', 'credit_hold_date': 'NULL',
                'credit_hold_reason': 'NULL'}, per_invoice=False)
        copied['ir_property'] = copy_rows(
            cr, 'ir_property',
            "JOIN hf_partner m ON t.res_id = 'res.partner,' || m.src", {
                'id': "nextval('ir_property_id_seq')",
                'res_id': "'res.partner,' || m.new"}, per_invoice=False)
        copied['ir_attachment res.partner'] = copy_rows(
            cr, 'ir_attachment', "JOIN hf_partner m "
            "ON t.res_model = 'res.partner' AND t.res_id = m.src", {
                'id': "nextval('ir_attachment_id_seq')", 'res_id': 'm.new',
                'res_name': 'm.name'}, per_invoice=False)
        copied['ir_attachment account.invoice'] = copy_rows(
            cr, 'ir_attachment', "JOIN hf_invoice inv "
            "ON t.res_model = 'account.invoice' AND t.res_id = inv.src", {
                'id': "nextval('ir_attachment_id_seq')",
                'res_id': 'inv.new', 'res_name': 'inv.number'})
        copied['account_move'] = copy_rows(
            cr, 'account_move', "JOIN hf_invoice inv ON inv.move_src = t.id",
            {'id': 'inv.move_new'})
        copied['account_invoice'] = copy_rows(
            cr, 'account_invoice', "JOIN hf_invoice inv ON inv.src = t.id", {
                'id': 'inv.new', 'access_token': 'inv.token',
                # written below by history(), as for the ORM-made ones
                'reminder_stage_id': 'NULL', 'reminder_date': 'NULL'})
        copied['account_move_line'] = copy_rows(
            cr, 'account_move_line',
            "JOIN hf_invoice inv ON inv.move_src = t.move_id",
            {'id': "nextval('account_move_line_id_seq')"})
        for table in ('account_invoice_line', 'account_invoice_tax'):
            copied[table] = copy_rows(
                cr, table, "JOIN hf_invoice inv ON inv.src = t.invoice_id",
                {'id': "nextval('%s_id_seq')" % table})
        cr.execute("""
            CREATE TEMPORARY TABLE hf_follower AS
            SELECT inv.i, follower.id AS src,
                   nextval('mail_followers_id_seq') AS new
              FROM mail_followers follower
              JOIN hf_invoice inv
                ON follower.res_model = 'account.invoice'
               AND follower.res_id = inv.src
        """)
        copied['mail_followers'] = copy_rows(
            cr, 'mail_followers', "JOIN hf_follower m ON m.src = t.id "
            "JOIN hf_invoice inv ON inv.i = m.i", {'res_id': 'inv.new'})
        cr.execute("""
            INSERT INTO mail_followers_mail_message_subtype_rel
                   (mail_followers_id, mail_message_subtype_id)
            SELECT m.new, rel.mail_message_subtype_id
              FROM mail_followers_mail_message_subtype_rel rel
              JOIN hf_follower m ON m.src = rel.mail_followers_id
        """)
        copied['follower subtypes'] = cr.rowcount
        replica_invoices = env['account.invoice'].browse(invoice_ids)
        history(env, replica_invoices, as_of)
        env.cache.invalidate()
        env['ir.config_parameter'].set_param(SIZE_PARAM, str(n))
        t2 = time.time()
        print("replicated %d invoices into %d (%d new customers) in %s: "
              "numbers %.0f s, copy %.0f s; rows: %s" % (
                  seed_n, n, len(customers), db, t1 - t0, t2 - t1,
                  ', '.join('%s %d' % item for item in sorted(
                      copied.items()))))
        verify(env, seed, replica_invoices, offsets, as_of)
        cr.commit()  # pylint: disable=invalid-commit
        t3 = time.time()
    print("replicas checked in %.0f s; replication total %.0f s" % (
        t3 - t2, t3 - t0))


def verify(env, seed, replicas, offsets, as_of):
    """Check the replicas, or fail the set-up: every row referring to a
    source refers alike to its replica (foreign keys found in the catalog,
    plus res_model/res_id and ir_property references); the ORM sees a
    sample of replicas as their sources (state, amounts, balanced entry,
    receivable, customer balance, late-payment status with the dates
    moved, reminder stage); the reminder job picks exactly the invoices
    with a stage due on as_of, replicas and ORM-made alike."""
    cr = env.cr
    # pairs (source, replica) of ids, one row per replica
    cr.execute("""
        CREATE TEMPORARY VIEW hf_pairs AS
        SELECT 'account_invoice' AS target, src, new FROM hf_invoice
         UNION ALL
        SELECT 'account_move', move_src, move_new FROM hf_invoice
         UNION ALL
        SELECT 'res_partner', src, new FROM hf_partner
         UNION ALL
        SELECT 'account_move_line', a.id, b.id
          FROM hf_invoice inv
          JOIN (SELECT id, move_id, row_number() OVER (
                       PARTITION BY move_id ORDER BY id) AS rank
                  FROM account_move_line) a ON a.move_id = inv.move_src
          JOIN (SELECT id, move_id, row_number() OVER (
                       PARTITION BY move_id ORDER BY id) AS rank
                  FROM account_move_line) b
            ON b.move_id = inv.move_new AND b.rank = a.rank
         UNION ALL
        SELECT 'account_invoice_line', a.id, b.id
          FROM hf_invoice inv
          JOIN (SELECT id, invoice_id, row_number() OVER (
                       PARTITION BY invoice_id ORDER BY id) AS rank
                  FROM account_invoice_line) a ON a.invoice_id = inv.src
          JOIN (SELECT id, invoice_id, row_number() OVER (
                       PARTITION BY invoice_id ORDER BY id) AS rank
                  FROM account_invoice_line) b
            ON b.invoice_id = inv.new AND b.rank = a.rank
    """)
    checks = []
    for target in REPLICATED:
        for table, column, _target in foreign_keys(cr, referenced=target):
            if table == 'payment_reminder_log':
                continue  # history(), checked below
            checks.append(("%s.%s" % (table, column),
                           "SELECT COUNT(*) FROM {table} t JOIN hf_pairs p "
                           "ON p.target = {target} AND t.{column} = p.{side}",
                           {'table': sql.Identifier(table),
                            'target': sql.Literal(target),
                            'column': sql.Identifier(column)}))
    for model in ('account.invoice', 'res.partner'):
        for table, model_column in [
                ('ir_attachment', 'res_model'), ('mail_activity', 'res_model'),
                ('mail_followers', 'res_model'), ('mail_message', 'model')]:
            checks.append(("%s %s" % (table, model),
                           "SELECT COUNT(*) FROM {table} t JOIN hf_pairs p "
                           "ON p.target = {target} AND t.{column} = {model} "
                           "AND t.res_id = p.{side}",
                           {'table': sql.Identifier(table),
                            'column': sql.Identifier(model_column),
                            'target': sql.Literal(model.replace('.', '_')),
                            'model': sql.Literal(model)}))
    checks.append(("ir_property res.partner",
                   "SELECT COUNT(*) FROM ir_property t JOIN hf_pairs p "
                   "ON p.target = 'res_partner' "
                   "AND t.res_id = 'res.partner,' || p.{side}", {}))
    failed, counted = [], 0
    for name, query, args in checks:
        found = []
        for side in ('src', 'new'):
            # the query is one of the constant texts above
            cr.execute(sql.SQL(query).format(  # pylint: disable=sql-injection
                side=sql.Identifier(side), **args))
            found.append(cr.fetchone()[0])
        counted += found[1]
        if found[0] != found[1]:
            failed.append("%s: %d for the sources, %d for the replicas" % (
                name, found[0], found[1]))
    assert not failed, "rows not replicated: %s" % '; '.join(failed)
    # the ORM's view of a sample, against the source (dates moved) and
    # against an ORM-made invoice with the same due date
    as_of_date = fields.Date.from_string(as_of)
    seed_n = len(seed)
    period = seed_n // PERIOD * PERIOD
    same_due = {}
    for i in range(seed_n):
        same_due.setdefault(offsets[i], seed[i])
    sample = sorted(random.Random(7).sample(
        range(len(replicas)), min(200, len(replicas))))
    twins = 0
    for index in sample:
        i = seed_n + index
        replica, source = replicas[index], seed[i % period]
        # an ORM-made invoice with the same due date, if any
        twin = same_due.get(offsets[i], replica)
        twins += twin != replica
        delta = offsets[i] - offsets[i % period]
        moved = fields.Date.to_string(as_of_date - timedelta(days=delta))
        mine = replica.with_context(late_payment_as_of=as_of)
        theirs = source.with_context(late_payment_as_of=moved)
        twin = twin.with_context(late_payment_as_of=as_of)
        lines = replica.move_id.line_ids
        receivable = lines.filtered(
            lambda line: line.account_id == replica.account_id)
        problems = [name for name, ok in [
            ('state', replica.state == source.state == 'open'),
            ('amounts', (replica.amount_total, replica.residual,
                         replica.residual_company_signed) == (
                source.amount_total, source.residual,
                source.residual_company_signed)),
            ('due date', replica.date_due == fields.Date.to_string(
                as_of_date + timedelta(days=offsets[i]))),
            ('number', replica.number and replica.number != source.number
             and replica.move_id.name == replica.number),
            ('entry', replica.move_id.state == 'posted'
             and len(lines) == len(source.move_id.line_ids)
             and round(sum(lines.mapped('debit')), 2)
             == round(sum(lines.mapped('credit')), 2)
             == replica.amount_total),
            ('receivable', sum(receivable.mapped('amount_residual'))
             == replica.residual
             and not any(receivable.mapped('reconciled'))),
            ('customer', replica.partner_id.name == 'Bench customer %d' % (
                i // INVOICES_PER_CUSTOMER)
             and replica.commercial_partner_id == replica.partner_id
             and replica.partner_id.credit == source.partner_id.credit
             and replica.partner_id.property_account_receivable_id
             == source.partner_id.property_account_receivable_id),
            ('late payment (dates moved)', (
                mine.late_payment_state, mine.days_late,
                mine.late_fee_accrued, mine.grace_end_date) == (
                theirs.late_payment_state, theirs.days_late,
                theirs.late_fee_accrued, fields.Date.to_string(
                    fields.Date.from_string(theirs.grace_end_date)
                    + timedelta(days=delta)))),
            ('late payment (same due date)', (
                mine.late_payment_state, mine.days_late,
                mine.grace_end_date, mine.reminder_stage_id) == (
                twin.late_payment_state, twin.days_late,
                twin.grace_end_date, twin.reminder_stage_id)),
        ] if not ok]
        assert not problems, "replica %d (id %d, from id %d): %s" % (
            i, replica.id, source.id, ', '.join(problems))
    # the job's pick: the invoices with a stage due on as_of
    stage_days = set(seed[0].late_payment_policy_id.stage_ids.mapped(
        'day_offset'))
    ids = seed.ids + replicas.ids
    expected = {ids[i] for i in range(len(ids))
                if -offsets[i] in stage_days}
    picked = set(due_invoice_ids(env, as_of))
    assert picked == expected, "the job picks %d invoices, %d expected " \
        "(%d missing, %d extra)" % (len(picked), len(expected),
                                    len(expected - picked),
                                    len(picked - expected))
    cr.execute("""SELECT COUNT(*) FROM payment_reminder_log
                   WHERE invoice_id IN %s""", (tuple(replicas.ids),))
    logs = cr.fetchone()[0]
    assert logs == sum(
        1 for i in range(seed_n, len(ids)) for day in stage_days
        if offsets[i] + day < 0), "history of the replicas"
    print("checked: %d references alike (%d kinds), %d replicas through "
          "the ORM (%d also against an ORM-made invoice due the same day), "
          "the job picks %d invoices (%d replicas), as expected" % (
              counted, len(checks), len(sample), twins, len(picked),
              len(picked & set(replicas.ids))))


def due_invoice_ids(env, as_of):
    """The ids of the open customer invoices with a reminder stage due by
    ``as_of`` that has not fired (or failed last time), left aside those on
    payment hold or of customers opted out: what the run should pick, as
    the benchmark reads it from the invoices' fields and reminder logs (the
    run decides by itself; it is only compared with it)."""
    as_of_date = fields.Date.from_string(as_of)
    invoices = env['account.invoice'].search([
        ('type', '=', 'out_invoice'), ('state', '=', 'open'),
        ('late_payment_policy_id', '!=', False),
        ('payment_hold', '=', False),
        ('commercial_partner_id.no_payment_reminders', '=', False)],
        order='id')
    fired = {}
    for log in env['payment.reminder.log'].search_read(
            [('invoice_id', 'in', invoices.ids), ('state', '!=', 'error')],
            ['invoice_id', 'stage_id']):
        fired.setdefault(log['invoice_id'][0], set()).add(log['stage_id'][0])
    stages = {}
    due = []
    for row in invoices.read(['date_due', 'date_invoice',
                              'late_payment_policy_id']):
        policy_id = row['late_payment_policy_id'][0]
        if policy_id not in stages:
            stages[policy_id] = [
                (stage.id, stage.day_offset) for stage in
                env['late.payment.policy'].browse(policy_id).stage_ids]
        due_date = fields.Date.from_string(
            row['date_due'] or row['date_invoice'])
        if any(due_date + timedelta(days=offset) <= as_of_date
               and stage_id not in fired.get(row['id'], ())
               for stage_id, offset in stages[policy_id]):
            due.append(row['id'])
    return due


def warm_up(env, as_of, candidates, batch_size):
    """Compile what the run uses (templates, views, reports): the run
    itself, without commits, for the customers of the first candidates
    only (the others opted out meanwhile), then rolled back."""
    cr = env.cr
    keep = env['account.invoice'].browse(candidates[:5]).mapped(
        'commercial_partner_id')
    cr.execute('SAVEPOINT bench_warmup')
    env['res.partner'].with_context(active_test=False).search([
        ('id', 'not in', keep.ids), ('no_payment_reminders', '=', False),
    ]).write({'no_payment_reminders': True})
    env['account.invoice']._cron_process_late_payments(
        as_of=as_of, batch_size=batch_size, commit=False)
    cr.execute('ROLLBACK TO SAVEPOINT bench_warmup')
    env.cache.invalidate()


def count(cr, table, where='TRUE', args=()):
    cr.execute("SELECT COUNT(*), COALESCE(MAX(id), 0) FROM %s WHERE %s"
               % (table, where), args)
    return cr.fetchone()


def run(conf, db, as_of, batch_size, mode, report_url=None):
    registry = start(conf, db)
    batch_size = int(batch_size)
    if mode == 'html':
        # Odoo's own fallback: render_qweb_pdf returns the QWeb HTML
        odoo.tools.config['test_enable'] = True
    timer = {'calls': 0, 'seconds': 0.0}
    Report = registry['ir.actions.report']
    render = Report.render_qweb_pdf

    def timed_render(self, *args, **kwargs):
        start_time = time.time()
        try:
            return render(self, *args, **kwargs)
        finally:
            timer['calls'] += 1
            timer['seconds'] += time.time() - start_time
    Report.render_qweb_pdf = timed_render
    with api.Environment.manage(), registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if report_url:
            env['ir.config_parameter'].set_param('report.url', report_url)
        Invoice = env['account.invoice']
        opened = Invoice.search_count([('type', '=', 'out_invoice'),
                                       ('state', '=', 'open')])
        candidates = due_invoice_ids(env, as_of)
        if mode == 'pdf':
            # The first PDF after an install or update generates the report's
            # asset bundle, and Odoo 11 then commits the cursor
            # (commit_assetsbundle), which would end the savepoints below:
            # render one PDF first, outside them.
            env.ref('account.account_invoices').render_qweb_pdf(
                Invoice.search([('state', '=', 'open')], limit=1).ids)
        warm_up(env, as_of, candidates, batch_size)
        # the report.url above, in the scratch copy; nothing else is pending
        cr.commit()  # pylint: disable=invalid-commit
        env.cache.invalidate()
        timer.update(calls=0, seconds=0.0)
        _n, mail_max = count(cr, 'mail_mail')
        _n, activity_max = count(cr, 'mail_activity')
        _n, invoice_max = count(cr, 'account_invoice')
        _n, log_max = count(cr, 'payment_reminder_log')
        queries = cr.sql_log_count
        # the run's own peak, not the reading of every invoice above
        reset_peak_memory()
        rss_before = memory_mb('VmRSS')
        start_time = time.time()
        logs = Invoice._cron_process_late_payments(
            as_of=as_of, batch_size=batch_size)
        elapsed = time.time() - start_time
        rss_peak = memory_mb('VmHWM')
        # the largest wkhtmltopdf process (mode pdf)
        rss_children = resource.getrusage(
            resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
        queries = cr.sql_log_count - queries
        processed = len(set(logs.mapped('invoice_id').ids))
        emails = count(cr, 'mail_mail', 'id > %s', (mail_max,))[0]
        activities = count(cr, 'mail_activity', 'id > %s', (activity_max,))[0]
        fees = count(cr, 'account_invoice',
                     'id > %s AND late_fee_origin_id IS NOT NULL',
                     (invoice_max,))[0]
        errors = count(cr, 'payment_reminder_log',
                       "id > %s AND state = 'error'", (log_max,))[0]
        cr.execute("""SELECT stage.day_offset, COUNT(*)
                        FROM payment_reminder_log log
                        JOIN late_payment_policy_stage stage
                          ON stage.id = log.stage_id
                       WHERE log.id > %s GROUP BY 1 ORDER BY 1""", (log_max,))
        per_stage = ' '.join('%+d:%d' % row for row in cr.fetchall())
    per_invoice = queries / processed if processed else 0.0
    print("batch %4d %-4s | open %6d, candidates %5d, processed %5d (logs %5d:"
          " %s), emails %4d, activities %4d, fee invoices %4d, errors %d | "
          "%7.1f s (%5.1f ms/invoice), render_qweb_pdf %d calls %6.1f s | "
          "%7d queries, %5.1f/invoice | peak RSS %.0f MiB (%.0f before the "
          "run), largest child process %.0f MiB" % (
              batch_size, mode, opened, len(candidates), processed, len(logs),
              per_stage, emails, activities, fees, errors, elapsed,
              elapsed * 1000 / max(processed, 1), timer['calls'],
              timer['seconds'], queries, per_invoice, rss_peak, rss_before,
              rss_children))


STEPS = {'setup': setup, 'replicate': replicate, 'run': run}


class Bench:
    """The orchestration: scratch copies, one process per step, the PDF
    run's server, and the clean-up whatever happens."""

    def __init__(self, args):
        self.args = args
        self.scratch = []
        self.timings = cif_tools.Timings()

    def step(self, name, *step_args):
        with self.timings.step('%s %s' % (name, ' '.join(map(str, step_args)))):
            status = subprocess.call([sys.executable, os.path.abspath(__file__), '--step', name]
                                     + [str(arg) for arg in step_args])
        if status:
            raise SystemExit(status)

    def copy_db(self, source, target):
        cif_tools.copy_db(source, target)
        self.scratch.append(target)

    def kept_size(self, db):
        """The size of the set-up kept in ``db`` by --keep, or None."""
        if not cif_tools.db_exists(db):
            return None
        value = cif_tools.psql_value(
            "SELECT value FROM ir_config_parameter WHERE key = :'key'", db=db, key=SIZE_PARAM)
        return int(value) if value else None

    def prepare(self, n):
        """The scratch copy with ``n`` invoices: kept by --keep, or made."""
        args = self.args
        if args.prepared:
            if self.kept_size(args.db) != n:
                raise SystemExit('%s holds no set-up of %d invoices' % (args.db, n))
            return args.db
        base = '%s_bench_rem_%d' % (args.db, n)
        if args.keep and self.kept_size(base) == n:
            cif_tools.say('reusing %s (set-up kept by an earlier --keep run)' % base)
            self.scratch.append(base)
            return base
        # the first orm_n invoices through the ORM, the rest replicated in
        # SQL from them; a set-up of orm_n kept by --keep is the start
        orm_n = min(n, args.orm_invoices)
        seed = '%s_bench_rem_%d' % (args.db, orm_n)
        if orm_n != n and self.kept_size(seed) == orm_n:
            cif_tools.say('starting from %s (set-up of %d invoices kept by an earlier --keep run)'
                          % (seed, orm_n))
            self.copy_db(seed, base)
        else:
            self.copy_db(args.db, base)
            self.step('setup', base, orm_n, args.as_of)
        if orm_n != n:
            self.step('replicate', base, n, args.as_of)
        return base

    def measure(self, base, batch_size, mode):
        run_db = base + '_run'
        self.copy_db(base, run_db)
        try:
            if mode == 'pdf':
                # an Odoo server on the copy, for wkhtmltopdf to fetch the
                # report's CSS from (report.url): without one the PDFs come
                # out unstyled
                log_path = os.path.join(cif_tools.LOCAL, 'bench-reminders-server.log')
                with cif_tools.OdooServer(run_db, log_path, port=http_port(), log_level='warn',
                                          timeout=120) as server:
                    self.step('run', run_db, self.args.as_of, batch_size, mode, server.url)
            else:
                self.step('run', run_db, self.args.as_of, batch_size, mode)
        finally:
            cif_tools.drop_db(run_db)

    def main(self):
        args = self.args
        try:
            for n in args.sizes:
                base = self.prepare(n)
                for batch_size in args.batch_sizes:
                    self.measure(base, batch_size, 'html')
                if args.pdf and n == args.sizes[0]:
                    self.measure(base, 100, 'pdf')
                if not args.keep and base != args.db:
                    cif_tools.drop_db(base)
        finally:
            for name in self.scratch:
                if name.endswith('_run') or not args.keep:
                    cif_tools.drop_db(name)
        self.timings.report()


def int_list(text):
    """'5,20 100' -> [5, 20, 100]"""
    try:
        return [int(item) for item in text.replace(',', ' ').split()]
    except ValueError:
        raise argparse.ArgumentTypeError('not a list of numbers: %r' % text)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog='bin/bench-reminders',
        description="Benchmark of the daily payment-reminder run "
                    "(account.invoice._cron_process_late_payments) on N open invoices, "
                    "in scratch copies of DB: SQL queries per processed invoice and wall time, "
                    "per batch size. DB itself is never written.",
        epilog="Environment: BENCH_BATCH_SIZES and BENCH_ORM_INVOICES give the defaults of "
               "--batch-sizes and --orm-invoices. Run through bin/bench-reminders, which sets "
               "up the environment (database server, .local/odoo.conf, wkhtmltopdf).")
    parser.add_argument('db', metavar='DB',
                        help='a database with customer_invoicing_flow installed and nobody '
                             'connected to it (the template of the copies)')
    parser.add_argument('sizes', metavar='N', type=int, nargs='*', default=[1000, 10000],
                        help='numbers of open invoices to benchmark (default: 1000 10000)')
    parser.add_argument('--keep', action='store_true',
                        help='keep the DB_bench_rem_N set-ups, reused by the next call')
    parser.add_argument('--prepared', action='store_true',
                        help='DB already holds the N invoices (one N; e.g. bin/bench\'s '
                             'PREFIX_data_N kept by its --keep): measured in copies of it')
    parser.add_argument('--no-pdf', dest='pdf', action='store_false',
                        help='skip the run with real PDFs (wkhtmltopdf and an Odoo server), '
                             'made for the first N only')
    parser.add_argument('--batch-sizes', metavar='B,B,...', type=int_list,
                        default=int_list(os.environ.get('BENCH_BATCH_SIZES', '5 20 100 500')),
                        help='batch sizes of the runs without PDFs, separated by commas or '
                             'spaces (default: 5,20,100,500)')
    parser.add_argument('--orm-invoices', metavar='M', type=int,
                        default=int(os.environ.get('BENCH_ORM_INVOICES', 1000)),
                        help='beyond M invoices, the set-up makes M through the ORM and '
                             'replicates them in SQL up to N (default: 1000)')
    parser.add_argument('--as-of', default=AS_OF, metavar='DATE',
                        help='the day of the run (default: %s)' % AS_OF)
    args = parser.parse_args(argv)
    if not cif_tools.db_exists(args.db):
        parser.exit(1, 'database %s does not exist\n' % args.db)
    return args


def run_step(argv):
    """``--step NAME ARGS...``: one step, in this process."""
    parser = argparse.ArgumentParser(prog='bin/bench_reminders.py --step')
    parser.add_argument('name', choices=sorted(STEPS))
    parser.add_argument('step_args', nargs='+')
    args = parser.parse_args(argv)
    STEPS[args.name](cif_tools.ODOO_CONF, *args.step_args)


if __name__ == '__main__':
    if sys.argv[1:2] == ['--step']:
        run_step(sys.argv[2:])
    else:
        sys.stdout.reconfigure(line_buffering=True)
        Bench(parse_args()).main()
