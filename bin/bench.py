"""`make bench`: the addon side by side with Odoo's own route and the OCA
peers, on the same generated data (bin/bench runs this file in the Odoo
virtualenv with the project's environment; see --help and bench/README.md).

Contenders, each measured in its own copy of the same data, one process per
measured run (a cold start, as a cron worker after a restart):

* delivery invoicing: the addon in posted mode (validate the pickings, the
  invoices are created and posted), against the trigger off plus Odoo's own
  "Create Invoices" and posting, and against OCA sale_automatic_workflow
  (trigger off, its "Automatic Workflow Job" creating and validating the
  invoices), in a copy where it is installed;
* the daily run: the addon's run over N open invoices (with payments,
  partial payments and credit notes) against OCA account_credit_control
  with account_credit_control_dunning_fees, installed in a copy of the same
  data, generating its levels' lines for the same day and emailing them;
* the pure fee engine alone (late_fees.evaluate) over invoices with payment
  histories, no database;
* with --workers: the daily run through OCA queue_job (one job per batch)
  with 1, 2, 4 Odoo worker processes on copies of the same data, wall time
  until every job is done.

Each measured step prints one ``BENCH {json}`` line; the orchestrator keeps
them in .local/bench/<label>.json, prints the tables (medians of --runs
runs, ratios against each peer) and writes them to .local/bench/<label>.md.
Reuses bin/bench_reminders.py (the invoices, their history and the SQL
replication beyond 1,000), bin/bench_delivery_invoicing.py (orders and
pickings) and bin/cif_tools.py (copies, servers, timings).
"""
import argparse
import datetime
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time

from psycopg2 import sql

import cif_tools

HERE = os.path.dirname(os.path.abspath(__file__))
AS_OF = '2025-06-16'
OUT_DIR = os.path.join(cif_tools.LOCAL, 'bench')
# the OCA modules' folder, given to the processes that need them only
OCA_ADDONS = os.environ.get('CIF_OCA_ADDONS_PATH') or ','.join([
    cif_tools.ROOT, os.path.join(cif_tools.LOCAL, 'oca-addons', 'odoo', 'addons')])
# the credit-control levels on the days of the addon's default policy's
# stages after the due date (+1, +11 with the fee, +30, +45); its -3
# reminder before the due date has no counterpart
CC_LEVELS = ((1, 1, 0.0), (2, 11, 40.0), (3, 30, 0.0), (4, 45, 0.0))


def _status_mb(field):
    """A memory figure of this process's /proc status, in MiB (None
    where there is none)."""
    try:
        with open('/proc/self/status') as handle:
            lines = handle.readlines()
    except OSError:
        return None
    for line in lines:
        if line.startswith(field + ':'):
            return int(line.split()[1]) / 1024.0
    return None


def peak_rss_mb():
    """The process's peak resident memory, in MiB: since
    :func:`reset_peak_rss` where Linux allows it (VmHWM), else since the
    start."""
    peak = _status_mb('VmHWM')
    return peak if peak is not None else \
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def reset_peak_rss():
    """The peak RSS started afresh from the current RSS (Linux: 5 written
    to clear_refs resets VmHWM), so that the figure is the measured part's
    and not the benchmark's own reading of every invoice before it; the
    current RSS, in MiB."""
    try:
        with open('/proc/self/clear_refs', 'w') as handle:
            handle.write('5')
    except OSError:
        # not Linux: the peak since the process's start
        return peak_rss_mb()
    return _status_mb('VmRSS') or peak_rss_mb()


def emit(**values):
    print('BENCH ' + json.dumps(values, sort_keys=True), flush=True)


def start_odoo(db, addons=False, test_enable=False):
    import odoo
    sys.stdout.reconfigure(line_buffering=True)
    args = ['-c', cif_tools.ODOO_CONF, '-d', db, '--log-level=warn']
    if addons:
        args.append('--addons-path=%s' % OCA_ADDONS)
    odoo.tools.config.parse_config(args)
    if test_enable:
        # Odoo's own fallback: render_qweb_pdf returns the HTML, no
        # wkhtmltopdf (for every contender alike)
        odoo.tools.config['test_enable'] = True
    return odoo.registry(db)


def superuser_env(cr, context=None):
    from odoo import SUPERUSER_ID, api
    return api.Environment(cr, SUPERUSER_ID, dict(context or {}))


# --- data: payments, partial payments and credit notes ------------------------

def step_money(db, as_of, limit):
    """Payments (full and partial) and partial credit notes on the first
    ``limit`` bench invoices (the ORM-made ones): one in 6 paid in full, one in 6 paid 40 %,
    one in 9 credited 25 % by a credit note, dated between the invoice and
    as_of. Committed."""
    from odoo import api, fields
    registry = start_odoo(db)
    rng = random.Random(7)
    with api.Environment.manage(), registry.cursor() as cr:
        env = superuser_env(cr, {'tracking_disable': True,
                                 'mail_create_nolog': True})
        journal = env['account.journal'].search([('type', '=', 'bank')], limit=1)
        invoices = env['account.invoice'].search([
            ('type', '=', 'out_invoice'), ('state', '=', 'open'),
            ('partner_id.name', '=like', 'Bench customer %')], order='id',
            limit=int(limit))
        started = time.time()
        paid = partial = credited = 0
        for i, invoice in enumerate(invoices):
            start = fields.Date.from_string(invoice.date_invoice)
            end = fields.Date.from_string(as_of)
            day = fields.Date.to_string(start + datetime.timedelta(
                days=rng.randint(0, max((end - start).days - 1, 0))))
            if i % 6 in (0, 1):
                amount = invoice.residual if i % 6 == 0 else round(
                    invoice.residual * 0.4, 2)
                payment = env['account.payment'].create({
                    'payment_type': 'inbound', 'partner_type': 'customer',
                    'partner_id': invoice.partner_id.id, 'amount': amount,
                    'payment_date': day, 'journal_id': journal.id,
                    'currency_id': invoice.currency_id.id,
                    'invoice_ids': [(6, 0, invoice.ids)],
                    'payment_difference_handling': 'open',
                    'payment_method_id': env.ref(
                        'account.account_payment_method_manual_in').id})
                payment.post()
                paid += i % 6 == 0
                partial += i % 6 == 1
            elif i % 9 == 2:
                refund = invoice.refund(day, day, 'Bench credit note')
                refund.invoice_line_ids.write({'quantity': 1})
                refund.invoice_line_ids[:1].price_unit = round(
                    invoice.amount_untaxed * 0.25, 2)
                refund.invoice_line_ids[1:].unlink()
                refund.compute_taxes()
                refund.action_invoice_open()
                line = refund.move_id.line_ids.filtered(
                    lambda aml: aml.account_id == invoice.account_id)
                invoice.assign_outstanding_credit(line.id)
                credited += 1
        cr.commit()  # pylint: disable=invalid-commit
    print("payments on %s: %d paid, %d partly paid, %d credited, %.0f s" % (
        db, paid, partial, credited, time.time() - started))


def prepare_data(args, n, timings, scratch):
    """``<prefix>_data_<n>``: the template, the bench invoices (through
    bin/bench_reminders.py: ORM up to --orm-invoices, SQL replicas beyond),
    then the payments; kept (and reused) while --keep."""
    db = '%s_data_%d' % (args.prefix, n)
    if args.keep and cif_tools.db_exists(db):
        cif_tools.say('reusing %s' % db)
        if not args.template_ready:
            # made from an older template: the current code's schema
            with timings.step('update %s' % db):
                update(db)
        return db
    cif_tools.copy_db(args.template, db)
    if not args.keep:
        scratch.append(db)
    orm_n = min(n, args.orm_invoices)
    reminders = os.path.join(HERE, 'bench_reminders.py')
    with timings.step('data %d: invoices' % n):
        run([sys.executable, reminders, '--step', 'setup', db, str(orm_n), args.as_of])
        if n > orm_n:
            run([sys.executable, reminders, '--step', 'replicate', db, str(n), args.as_of])
    with timings.step('data %d: payments and credit notes' % n):
        step(args, 'money', db, args.as_of, orm_n)
    return db


# --- the addon's daily run -----------------------------------------------------

def new_rows(cr, table, since, where='TRUE'):
    """The rows of ``table`` made after id ``since`` (``where``: a
    condition of this file's, never input)."""
    cr.execute(sql.SQL("SELECT COUNT(*) FROM {} WHERE id > %s AND {}").format(
        sql.Identifier(table), sql.SQL(where)), (since,))
    return cr.fetchone()[0]


def max_ids(cr, tables):
    result = {}
    for table in tables:
        cr.execute(sql.SQL("SELECT COALESCE(MAX(id), 0) FROM {}").format(
            sql.Identifier(table)))
        result[table] = cr.fetchone()[0]
    return result


def step_candidates(db, as_of):
    """The benchmark's own count of the invoices due on as_of (every open
    invoice and its logs read through the ORM), in a process of its own:
    the measured run's process does not carry that memory (hundreds of MiB
    at 10,000 invoices). Emits the count and the first ones (the warm-up's)."""
    import bench_reminders
    from odoo import api
    registry = start_odoo(db)
    with api.Environment.manage(), registry.cursor() as cr:
        candidates = bench_reminders.due_invoice_ids(superuser_env(cr), as_of)
    emit(bench='candidates', count=len(candidates), first=candidates[:5])


def step_run_addon(db, as_of, batch_size, n, count, first):
    """The addon's daily run, as the cron does it (commit per batch);
    ``count`` and ``first``: :func:`step_candidates`'s."""
    import bench_reminders
    from odoo import api
    registry = start_odoo(db, test_enable=True)
    with api.Environment.manage(), registry.cursor() as cr:
        env = superuser_env(cr)
        Invoice = env['account.invoice']
        opened = Invoice.search_count([('type', '=', 'out_invoice'),
                                       ('state', '=', 'open')])
        candidates = [int(ident) for ident in first.split(',') if ident]
        bench_reminders.warm_up(env, as_of, candidates, int(batch_size))
        cr.commit()  # pylint: disable=invalid-commit
        env.cache.invalidate()
        since = max_ids(cr, ('mail_mail', 'account_invoice', 'mail_activity'))
        queries = cr.sql_log_count
        rss = reset_peak_rss()
        started = time.time()
        logs = Invoice._cron_process_late_payments(as_of=as_of, batch_size=int(batch_size))
        seconds = time.time() - started
        queries = cr.sql_log_count - queries
        processed = len(set(logs.mapped('invoice_id').ids))
        emit(bench='daily_run', contender='addon', n=int(n), open=opened,
             candidates=int(count), processed=processed, seconds=seconds,
             queries=queries, peak_rss_mb=peak_rss_mb(), rss_before_mb=rss,
             emails=new_rows(cr, 'mail_mail', since['mail_mail']),
             activities=new_rows(cr, 'mail_activity', since['mail_activity']),
             fee_documents=new_rows(cr, 'account_invoice', since['account_invoice'],
                                    'late_fee_origin_id IS NOT NULL'))


# --- OCA account_credit_control (+ dunning fees) ----------------------------------

def step_cc_setup(db, as_of):
    """A credit-control policy of four email levels on the addon's days (the
    second with a 40.00 dunning fee, the addon's fee), the company's and
    the bench receivable's; the levels already sent before as_of written as
    'sent' lines (the history the addon's bench writes as logs)."""
    from odoo import api
    registry = start_odoo(db, addons=True)
    with api.Environment.manage(), registry.cursor() as cr:
        env = superuser_env(cr, {'tracking_disable': True})
        company = env.user.company_id
        receivable = env['account.invoice'].search([
            ('partner_id.name', '=like', 'Bench customer %')], limit=1).account_id
        template = env.ref('account_credit_control.email_template_credit_control_base')
        fee_product = company.late_payment_policy_id.fee_product_id
        policy = env['credit.control.policy'].create({
            'name': 'Bench policy', 'company_id': company.id,
            'account_ids': [(6, 0, receivable.ids)],
            'level_ids': [(0, 0, {
                'name': 'Level %d' % level, 'level': level, 'delay_days': days,
                'computation_mode': 'net_days', 'channel': 'email',
                'email_template_id': template.id,
                'custom_text': 'Reminder', 'custom_mail_text': '<p>Reminder</p>',
                'dunning_fees_type': 'fixed', 'dunning_fixed_amount': fee,
                'dunning_product_id': fee_product.id if fee else False,
                'dunning_currency_id': company.currency_id.id,
            }) for level, days, fee in CC_LEVELS]})
        company.credit_policy_id = policy
        env['res.partner'].search([('name', '=like', 'Bench customer %')]).write(
            {'credit_policy_id': policy.id})
        cr.execute("""
            UPDATE account_invoice SET credit_policy_id = %s
             WHERE type = 'out_invoice'""", (policy.id,))
        cr.execute("""
            INSERT INTO credit_control_line
                   (date, date_due, date_entry, date_sent, state, channel,
                    invoice_id, partner_id, amount_due, balance_due,
                    move_line_id, account_id, currency_id, company_id,
                    policy_level_id, policy_id, level, manually_overridden,
                    dunning_fees_amount,
                    create_uid, create_date, write_uid, write_date)
            SELECT aml.date_maturity + lvl.delay_days,
                   aml.date_maturity, aml.date, aml.date_maturity + lvl.delay_days,
                   'sent', 'email', inv.id, aml.partner_id, inv.amount_total,
                   inv.residual, aml.id, aml.account_id, aml.currency_id,
                   aml.company_id, lvl.id, lvl.policy_id, lvl.level, FALSE,
                   0, 1, now() at time zone 'UTC',
                   1, now() at time zone 'UTC'
              FROM account_invoice inv
              JOIN account_move_line aml
                ON aml.move_id = inv.move_id AND aml.account_id = inv.account_id
              JOIN credit_control_policy_level lvl ON lvl.policy_id = %s
             WHERE inv.type = 'out_invoice' AND inv.state = 'open'
               AND aml.debit > 0
               AND aml.date_maturity + lvl.delay_days < %s
        """, (policy.id, as_of))
        history = cr.rowcount
        cr.commit()  # pylint: disable=invalid-commit
    print("credit control on %s: policy %d, %d lines of earlier levels" % (
        db, policy.id, history))


def step_run_cc(db, as_of, n):
    """account_credit_control's day: a run generating the lines of every
    level due on as_of (dunning fees computed on them), the lines set
    ready, then emailed (one email per customer and level)."""
    from odoo import api
    registry = start_odoo(db, addons=True, test_enable=True)
    with api.Environment.manage(), registry.cursor() as cr:
        env = superuser_env(cr)
        opened = env['account.invoice'].search_count([
            ('type', '=', 'out_invoice'), ('state', '=', 'open')])
        policy = env['credit.control.policy'].search([('name', '=', 'Bench policy')])
        since = max_ids(cr, ('mail_mail', 'account_invoice', 'credit_control_line'))
        # warm-up: the email template rendered once, rolled back
        cr.execute('SAVEPOINT bench_warmup')
        line = env['credit.control.line'].search([], limit=1)
        if line:
            comms = env['credit.control.communication']._generate_comm_from_credit_lines(line)
            comms._generate_emails()
        cr.execute('ROLLBACK TO SAVEPOINT bench_warmup')
        env.cache.invalidate()
        queries = cr.sql_log_count
        rss = reset_peak_rss()
        started = time.time()
        ccrun = env['credit.control.run'].create({'date': as_of,
                                                 'policy_ids': [(6, 0, policy.ids)]})
        ccrun.generate_credit_lines()
        ccrun.set_to_ready_lines()
        ccrun.run_channel_action()
        cr.commit()  # pylint: disable=invalid-commit
        seconds = time.time() - started
        queries = cr.sql_log_count - queries
        lines = ccrun.line_ids
        emit(bench='daily_run', contender='credit_control', n=int(n), open=opened,
             candidates=len(lines), processed=len(lines.mapped('invoice_id')),
             lines=len(lines), seconds=seconds, queries=queries,
             peak_rss_mb=peak_rss_mb(), rss_before_mb=rss,
             emails=new_rows(cr, 'mail_mail', since['mail_mail']), activities=0,
             fee_documents=new_rows(cr, 'account_invoice', since['account_invoice']),
             fee_lines=len(lines.filtered('dunning_fees_amount')))


# --- delivery invoicing -----------------------------------------------------------

def step_delivery(db, contender, n):
    """N pickings (N orders, N customers) validated in one action_done call,
    invoiced by ``contender``; rolled back."""
    import bench_delivery_invoicing as bdi
    from odoo import api
    registry = start_odoo(db, addons=contender == 'saw')
    with api.Environment.manage(), registry.cursor() as cr:
        env = superuser_env(cr, {'mail_notify_force_send': False})
        n = int(n)
        try:
            env.user.company_id.auto_invoice_on_delivery = 'posted'
            bdi.setup_data(env, 3, 'warmup')[1].action_done()
            if contender == 'addon':
                env.user.company_id.auto_invoice_on_delivery = 'posted'
                orders, pickings = bdi.setup_data(env, n, 'posted')
                parts = [bdi.measure(env, 'addon posted: action_done', n,
                                     pickings.action_done)]
            elif contender == 'manual':
                env.user.company_id.auto_invoice_on_delivery = 'off'
                orders, pickings = bdi.setup_data(env, n, 'off')
                parts = [bdi.measure(env, 'off: action_done', n, pickings.action_done)]

                def create_invoices():
                    env['sale.advance.payment.inv'].with_context(
                        active_ids=orders.ids, active_model='sale.order',
                        open_invoices=True).create({
                            'advance_payment_method': 'delivered'}).create_invoices()
                parts.append(bdi.measure(env, "  Odoo's Create Invoices", n,
                                         create_invoices))
                parts.append(bdi.measure(env, '  posting', n, lambda: orders.mapped(
                    'invoice_ids').action_invoice_open()))
            else:
                env.user.company_id.auto_invoice_on_delivery = 'off'
                workflow = env.ref('sale_automatic_workflow.automatic_validation')
                workflow.write({'validate_order': False, 'validate_picking': False,
                                'create_invoice': True, 'validate_invoice': True,
                                'sale_done': False})
                orders, pickings = bdi.setup_data(env, n, 'saw')
                orders.write({'workflow_process_id': workflow.id})
                parts = [bdi.measure(env, 'off: action_done', n, pickings.action_done)]
                parts.append(bdi.measure(env, '  automatic workflow job', n,
                                         env['automatic.workflow.job'].run))
            bdi.check(orders, n, 'open')
            emit(bench='delivery', contender=contender, n=n,
                 queries=sum(q for q, _t in parts), seconds=sum(t for _q, t in parts),
                 peak_rss_mb=peak_rss_mb())
        finally:
            cr.rollback()


# --- the pure fee engine -----------------------------------------------------------

def step_fee_engine(n):
    """late_fees.evaluate over n invoices with 0-3 payments (partial, on
    dates after the due date) and some holds, at one as_of."""
    sys.path.insert(0, os.path.join(cif_tools.ROOT, 'tests'))
    import pure_module
    late_fees = pure_module.load('customer_invoicing_flow/late_fees.py')
    n = int(n)
    rng = random.Random(11)
    as_of = datetime.date(2025, 6, 16)
    terms = late_fees.PolicyTerms(grace_days=10, fee_fixed='40', fee_percent='1.5',
                                  interest_rate='8', fee_max='200')
    facts = []
    for i in range(n):
        due = as_of - datetime.timedelta(days=rng.randint(-10, 365))
        amount = 100 + i % 7 * 25
        payments = [(due + datetime.timedelta(days=rng.randint(0, 60)),
                     round(amount * rng.choice((0.1, 0.25, 0.4)), 2))
                    for _p in range(rng.randint(0, 3))]
        holds = [(due + datetime.timedelta(days=5), due + datetime.timedelta(days=12))] \
            if i % 13 == 0 else []
        facts.append(late_fees.InvoiceFacts(amount=amount, due_date=due,
                                            payments=payments, holds=holds))
    started = time.time()
    late = 0
    for fact in facts:
        late += late_fees.evaluate(terms, fact, as_of, '0.01').state == 'late'
    seconds = time.time() - started
    emit(bench='fee_engine', contender='addon', n=n, seconds=seconds,
         per_second=n / seconds, late=late, peak_rss_mb=peak_rss_mb())


# --- queue_job workers ---------------------------------------------------------

def step_enqueue(db, as_of, batch_size):
    """The addon's daily run with queue_job installed: it enqueues its
    batches and returns; committed."""
    from odoo import api
    registry = start_odoo(db, addons=True, test_enable=True)
    with api.Environment.manage(), registry.cursor() as cr:
        env = superuser_env(cr)
        started = time.time()
        env['account.invoice']._cron_process_late_payments(
            as_of=as_of, batch_size=int(batch_size))
        cr.commit()  # pylint: disable=invalid-commit
        cr.execute("SELECT COUNT(*) FROM queue_job WHERE state = 'pending'")
        print("enqueued %d jobs in %.1f s" % (cr.fetchone()[0], time.time() - started))


def queue_state(db):
    return cif_tools.psql_value(
        "SELECT COUNT(*) FILTER (WHERE state IN ('pending', 'enqueued', 'started')) "
        "|| ' ' || COUNT(*) FILTER (WHERE state = 'failed') || ' ' || COUNT(*) "
        "FROM queue_job", db=db).split()


def measure_workers(args, data_db, workers, timings):
    """Copies of the data with queue_job; the run enqueues, then an Odoo
    server with ``workers`` worker processes and queue_job's job runner
    (channel root of capacity ``workers``) runs the jobs: the wall time from
    the server's start to the last job done."""
    import bench_reminders
    base = '%s_queue_%s' % (args.prefix, data_db.rsplit('_', 1)[1])
    cif_tools.copy_db(data_db, base)
    run([sys.executable, '-c', 'import odoo; odoo.cli.main()', '-c', cif_tools.ODOO_CONF,
         '-d', base, '--addons-path=%s' % OCA_ADDONS, '-i', 'queue_job',
         '--stop-after-init', '--log-level=warn', '--http-port=%d' % cif_tools.free_port()])
    results = []
    try:
        for count in workers:
            db = base + '_w%d' % count
            cif_tools.copy_db(base, db)
            try:
                step(args, 'enqueue', db, args.as_of, args.batch_size)
                jobs = int(queue_state(db)[2])
                log_path = os.path.join(OUT_DIR, 'queue-%s.log' % db)

                server = HtmlDocumentsServer(
                    db, log_path, log_level='warn', timeout=300, args=[
                        '--addons-path=%s' % OCA_ADDONS, '--workers=%d' % count,
                        '--load=web,queue_job', '--limit-time-real=3600',
                        '--limit-time-cpu=3600', '--limit-memory-soft=4294967296',
                        '--limit-memory-hard=5368709120'])
                started = time.time()
                server.port = server.port or bench_reminders.http_port()
                # the job runner calls this server's own port
                process_env = dict(os.environ, ODOO_QUEUE_JOB_CHANNELS='root:%d' % count,
                                   ODOO_QUEUE_JOB_PORT=str(server.port))
                with timings.step('queue_job, %d workers' % count):
                    with _environ(process_env):
                        server.start()
                    try:
                        while True:
                            left, failed, _total = map(int, queue_state(db))
                            if not left:
                                break
                            if time.time() - started > args.queue_timeout:
                                # a time window: what was done by then
                                cif_tools.say('queue_job: %d jobs left after %d s, stopped'
                                              % (left, args.queue_timeout))
                                break
                            time.sleep(0.5)
                        seconds = time.time() - started
                        # before the server's graceful stop lets a job finish
                        processed = int(cif_tools.psql_value(
                            "SELECT COUNT(DISTINCT invoice_id) FROM payment_reminder_log "
                            "WHERE state != 'error' AND date = :'day'", db=db,
                            day=args.as_of))
                    finally:
                        server.stop()
                # the jobs' own span: first started to last done (the
                # server's start and the runner's 5 s delay left out)
                span = float(cif_tools.psql_value(
                    "SELECT EXTRACT(EPOCH FROM MAX(date_done) - MIN(date_started)) "
                    "FROM queue_job", db=db) or 0)
                twice = int(cif_tools.psql_value(
                    "SELECT COUNT(*) FROM (SELECT invoice_id, stage_id FROM payment_reminder_log "
                    "GROUP BY 1, 2 HAVING COUNT(*) > 1) dup", db=db))
                record = dict(bench='queue_workers', contender='addon+queue_job',
                              n=int(data_db.rsplit('_', 1)[1]), workers=count, jobs=jobs,
                              failed=failed, processed=processed, duplicates=twice,
                              seconds=seconds, jobs_span=span, jobs_left=left,
                              per_minute=processed * 60.0 / seconds)
                emit(**record)
                results.append(record)
            finally:
                cif_tools.drop_db(db)
    finally:
        cif_tools.drop_db(base)
    return results


class HtmlDocumentsServer(cif_tools.OdooServer):
    """An Odoo server whose workers render the invoices' documents as HTML
    (test_enable, as the other measured runs), set once the database is
    loaded: with --test-enable itself, Odoo would run every module's tests
    at start-up. Started through ``bench.py --serve``."""

    def start(self):
        import bench_reminders
        self.port = self.port or bench_reminders.http_port()
        # the prefork server's longpolling process: not Odoo's fixed 8072
        longpolling = bench_reminders.http_port(taken=(self.port,))
        command = [sys.executable, os.path.abspath(__file__), '--serve',
                   '-d', self.db, '--db-filter=^%s$' % self.db,
                   '--http-port=%d' % self.port, '--longpolling-port=%d' % longpolling,
                   '--max-cron-threads=0',
                   '--log-level=%s' % (self.log_level or 'info'),
                   '--log-handler=odoo.modules.loading:INFO'] + self.args
        with open(self.log_path, 'w') as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        return self


def serve_html_documents(argv):
    """``--serve ARGS``: odoo-bin ARGS, test_enable set after the preload
    (the prefork workers inherit it)."""
    import odoo
    from odoo.service import server
    preload = server.preload_registries

    def preload_then_html(dbnames):
        result = preload(dbnames)
        odoo.tools.config['test_enable'] = True
        return result
    server.preload_registries = preload_then_html
    sys.argv = ['odoo', '-c', cif_tools.ODOO_CONF] + list(argv)
    odoo.cli.main()


class _environ:
    """Temporarily this process's environment (inherited by the server)."""

    def __init__(self, values):
        self.values = values

    def __enter__(self):
        self.saved = os.environ.copy()
        os.environ.clear()
        os.environ.update(self.values)

    def __exit__(self, *_exc):
        os.environ.clear()
        os.environ.update(self.saved)


# --- orchestration ------------------------------------------------------------------

STEPS = {
    'money': step_money, 'candidates': step_candidates, 'run_addon': step_run_addon,
    'cc_setup': step_cc_setup, 'run_cc': step_run_cc, 'delivery': step_delivery, 'fee_engine': step_fee_engine,
    'enqueue': step_enqueue,
}


def run(command):
    status = subprocess.call(command)
    if status:
        raise SystemExit('failed (%d): %s' % (status, ' '.join(command)))


def step(args, name, *step_args):
    """One step in its own process; its BENCH lines, parsed."""
    command = [sys.executable, os.path.abspath(__file__), '--step', name] + [
        str(arg) for arg in step_args]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, universal_newlines=True)
    records = []
    for line in process.stdout:
        if line.startswith('BENCH '):
            records.append(json.loads(line[6:]))
        sys.stdout.write(line)
        sys.stdout.flush()
    if process.wait():
        raise SystemExit('step %s failed' % name)
    return records


def install(db, modules, *extra):
    run([sys.executable, '-c', 'import odoo; odoo.cli.main()', '-c', cif_tools.ODOO_CONF,
         '-d', db, '--addons-path=%s' % OCA_ADDONS, '-i', modules, '--stop-after-init',
         '--log-level=warn', '--http-port=%d' % cif_tools.free_port()] + list(extra))


def ensure_template(args, timings):
    """The template: the addon and a chart of accounts, no demo data,
    updated with the current code. Made once; --template names another."""
    if cif_tools.db_exists(args.template) and args.template_ready:
        return
    with timings.step('template %s' % args.template):
        if not cif_tools.db_exists(args.template):
            install(args.template, 'customer_invoicing_flow,l10n_generic_coa',
                    '--without-demo=all')
        else:
            update(args.template)


def update(db):
    """The addon in ``db`` updated with the current code."""
    run([sys.executable, '-c', 'import odoo; odoo.cli.main()', '-c',
         cif_tools.ODOO_CONF, '-d', db, '-u', 'customer_invoicing_flow',
         '--stop-after-init', '--log-level=warn',
         '--http-port=%d' % cif_tools.free_port()])


def load_avg():
    with open('/proc/loadavg') as handle:
        return ' '.join(handle.read().split()[:3])


def median_of(records, key):
    return statistics.median(record[key] for record in records)


def main(args):
    os.makedirs(OUT_DIR, exist_ok=True)
    timings = cif_tools.Timings()
    results = {'label': args.label, 'as_of': args.as_of, 'runs': args.runs,
               'started': time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime()),
               'load_before': load_avg(), 'nproc': os.cpu_count(), 'records': []}
    records = results['records']
    scratch = []
    try:
        ensure_template(args, timings)
        if args.fee_engine:
            with timings.step('fee engine %d' % args.fee_engine):
                records += step(args, 'fee_engine', args.fee_engine)
        if args.delivery:
            saw_db = '%s_saw' % args.prefix
            cif_tools.copy_db(args.template, saw_db)
            scratch.append(saw_db)
            with timings.step('install sale_automatic_workflow in %s' % saw_db):
                install(saw_db, 'sale_automatic_workflow')
            for _run in range(args.runs):
                for contender, db in (('addon', args.template), ('manual', args.template),
                                      ('saw', saw_db)):
                    with timings.step('delivery %s %d' % (contender, args.delivery)):
                        records += step(args, 'delivery', db, contender, args.delivery)
        for n in args.sizes:
            data_db = prepare_data(args, n, timings, scratch)
            if args.workers and n == args.sizes[-1]:
                records += measure_workers(args, data_db, args.workers, timings)
            if not args.daily:
                continue
            cc_db = '%s_cc_%d' % (args.prefix, n)
            if 'credit_control' in args.contenders:
                cif_tools.copy_db(data_db, cc_db)
                scratch.append(cc_db)
                with timings.step('install account_credit_control in %s' % cc_db):
                    install(cc_db, 'account_credit_control_dunning_fees')
                    step(args, 'cc_setup', cc_db, args.as_of)
            for _run in range(args.runs):
                for contender, source in (('addon', data_db), ('credit_control', cc_db)):
                    if contender not in args.contenders:
                        continue
                    run_db = source + '_run'
                    cif_tools.copy_db(source, run_db)
                    try:
                        with timings.step('daily run %s %d' % (contender, n)):
                            if contender == 'addon':
                                found = step(args, 'candidates', run_db, args.as_of)[0]
                                records += step(args, 'run_addon', run_db, args.as_of,
                                                args.batch_size, n, found['count'],
                                                ','.join(map(str, found['first'])))
                            else:
                                records += step(args, 'run_cc', run_db, args.as_of, n)
                    finally:
                        cif_tools.drop_db(run_db)
            cif_tools.drop_db(cc_db)
    finally:
        for db in scratch:
            cif_tools.drop_db(db)
        results['load_after'] = load_avg()
        results['steps'] = timings.steps
        path = os.path.join(OUT_DIR, '%s.json' % args.label)
        with open(path, 'w') as handle:
            json.dump(results, handle, indent=1)
        text = tables(results)
        with open(os.path.join(OUT_DIR, '%s.md' % args.label), 'w') as handle:
            handle.write(text)
        print(text)
        cif_tools.say('results in %s and .md' % path)
        timings.report()


def tables(results):
    """The results as markdown tables: medians of the runs, ratios."""
    records = results['records']
    lines = ['# %s (%s, %d run(s) each, load %s before, %s after, %s cores)' % (
        results['label'], results['started'], results['runs'], results['load_before'],
        results.get('load_after', '?'), results['nproc']), '']

    def group(bench, contender, n, **extra):
        return [r for r in records if r['bench'] == bench and r['contender'] == contender
                and r['n'] == n and all(r.get(k) == v for k, v in extra.items())]

    sizes = sorted({r['n'] for r in records if r['bench'] == 'delivery'})
    if sizes:
        lines += ['## Delivery invoicing (pickings validated in one call, invoices posted)', '',
                  '| orders | contender | ms/order | queries/order | peak RSS MiB | '
                  'time vs manual | time vs sale_automatic_workflow |',
                  '|---|---|---|---|---|---|---|']
        for n in sizes:
            med = {c: group('delivery', c, n) for c in ('addon', 'manual', 'saw')}
            for contender, label in (('addon', 'addon (posted)'),
                                     ('manual', "Odoo's Create Invoices + posting"),
                                     ('saw', 'OCA sale_automatic_workflow')):
                rows = med[contender]
                if not rows:
                    continue
                seconds = median_of(rows, 'seconds')
                ratio = [('%.2f' % (seconds / median_of(med[peer], 'seconds'))
                          if med[peer] and peer != contender else '')
                         for peer in ('manual', 'saw')]
                lines.append('| %d | %s | %.0f | %.1f | %.0f | %s | %s |' % (
                    n, label, seconds * 1000 / n, median_of(rows, 'queries') / n,
                    median_of(rows, 'peak_rss_mb'), ratio[0], ratio[1]))
        lines.append('')
    sizes = sorted({r['n'] for r in records if r['bench'] == 'daily_run'})
    if sizes:
        lines += ['## The daily run (HTML documents: no wkhtmltopdf, either contender)', '',
                  '| open invoices | contender | processed | s | ms/processed | '
                  'queries/processed | peak RSS MiB | emails | fee documents | activities | '
                  'time vs credit_control |',
                  '|---|---|---|---|---|---|---|---|---|---|---|']
        for n in sizes:
            cc = group('daily_run', 'credit_control', n)
            for contender in ('addon', 'credit_control'):
                rows = group('daily_run', contender, n)
                if not rows:
                    continue
                seconds = median_of(rows, 'seconds')
                processed = max(median_of(rows, 'processed'), 1)
                fees = median_of(rows, 'fee_documents')
                fee_text = '%d' % fees if contender == 'addon' else '%d (+%d fee lines)' % (
                    fees, median_of(rows, 'fee_lines'))
                lines.append('| %d (%d open) | %s | %d | %.1f | %.0f | %.1f | %.0f | %d | %s '
                             '| %d | %s |' % (
                                 n, median_of(rows, 'open'), contender, processed, seconds,
                                 seconds * 1000 / processed,
                                 median_of(rows, 'queries') / processed,
                                 median_of(rows, 'peak_rss_mb'), median_of(rows, 'emails'),
                                 fee_text, median_of(rows, 'activities'),
                                 '%.2f' % (seconds / median_of(cc, 'seconds'))
                                 if cc and contender == 'addon' else ''))
        lines.append('')
    engine = [r for r in records if r['bench'] == 'fee_engine']
    if engine:
        lines += ['## The pure fee engine', '', '| invoices | s | invoices/s | late |',
                  '|---|---|---|---|']
        for n in sorted({r['n'] for r in engine}):
            rows = [r for r in engine if r['n'] == n]
            lines.append('| %d | %.2f | %.0f | %d |' % (
                n, median_of(rows, 'seconds'), median_of(rows, 'per_second'),
                median_of(rows, 'late')))
        lines.append('')
    queue = [r for r in records if r['bench'] == 'queue_workers']
    if queue:
        one = [r for r in queue if r['workers'] == 1]
        lines += ['## The daily run through queue_job', '',
                  '| open invoices | workers | jobs | jobs left | processed | twice | '
                  'failed jobs | wall s (server start to last job or stop) | '
                  'jobs s (first start to last done) | invoices/min | '
                  'throughput vs 1 worker |', '|---|---|---|---|---|---|---|---|---|---|---|']
        for r in queue:
            lines.append('| %d | %d | %d | %d | %d | %d | %d | %.1f | %.1f | %.1f | %s |' % (
                r['n'], r['workers'], r['jobs'], r.get('jobs_left', 0), r['processed'],
                r['duplicates'], r['failed'], r['seconds'], r['jobs_span'],
                r.get('per_minute', 0),
                '%.2f' % (r['per_minute'] / one[0]['per_minute'])
                if one and one[0].get('per_minute') else ''))
        lines.append('')
    return '\n'.join(lines) + '\n'


def parse_args(argv=None):
    scale = os.environ.get('SCALE') or 'small'
    presets = {'small': ('100', 3, 2000), 'medium': ('1000', 20, 100000),
               'large': ('1000 10000 100000', 50, 100000)}
    sizes, delivery, engine = presets.get(scale, (scale, 20, 100000))
    parser = argparse.ArgumentParser(
        prog='bin/bench', description="The addon against Odoo's own route and the OCA "
        "peers on the same generated data: delivery invoicing, the daily run, the pure "
        "fee engine, and the run through queue_job with several workers (bench/README.md).",
        epilog="SCALE=small (default: 100 invoices, 3 orders, 2,000 for the engine), "
               "medium (1,000 / 20 / 100,000), large (1,000 10,000 100,000 / 50 / 100,000) "
               "or a list of invoice counts ('1000 10000').")
    parser.add_argument('--prefix', default=os.environ.get('BENCH_DB', 'cif_bench'),
                        help='name of the scratch databases (default cif_bench, or $BENCH_DB)')
    parser.add_argument('--template', help='the database with the addon to copy '
                        '(default PREFIX_tmpl, made once, updated with the code)')
    parser.add_argument('--template-ready', action='store_true',
                        help='use the template as it is (no update)')
    parser.add_argument('--label', default='bench-%s' % scale.replace(' ', '-'))
    parser.add_argument('--sizes', type=lambda text: [int(x) for x in text.split()],
                        default=[int(x) for x in sizes.split()])
    parser.add_argument('--delivery', type=int, default=delivery,
                        help='orders per delivery-invoicing run (0: skip)')
    parser.add_argument('--fee-engine', type=int, default=engine,
                        help='invoices for the pure fee engine (0: skip)')
    parser.add_argument('--runs', type=int, default=int(os.environ.get('BENCH_RUNS', 3)))
    parser.add_argument('--batch-size', type=int, default=100)
    parser.add_argument('--orm-invoices', type=int, default=1000)
    parser.add_argument('--workers', type=lambda text: [int(x) for x in text.split(',')],
                        default=[], help='e.g. 1,2,4: the run through queue_job with that '
                        'many Odoo workers, on the largest size')
    parser.add_argument('--no-daily', dest='daily', action='store_false',
                        help='skip the daily run against credit control (e.g. with --workers)')
    parser.add_argument('--contenders', type=lambda text: text.split(','),
                        default=['addon', 'credit_control'],
                        help='of the daily run (default addon,credit_control)')
    parser.add_argument('--queue-timeout', type=int, default=7200)
    parser.add_argument('--keep', action='store_true',
                        help='keep the data databases (PREFIX_data_N), reused next time')
    parser.add_argument('--as-of', default=AS_OF)
    args = parser.parse_args(argv)
    args.template = args.template or '%s_tmpl' % args.prefix
    return args


if __name__ == '__main__':
    if sys.argv[1:2] == ['--serve']:
        serve_html_documents(sys.argv[2:])
    elif sys.argv[1:2] == ['--step']:
        STEPS[sys.argv[2]](*sys.argv[3:])
    else:
        sys.stdout.reconfigure(line_buffering=True)
        main(parse_args())
