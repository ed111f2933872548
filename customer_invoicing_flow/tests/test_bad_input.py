# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Bad input on every entry point (issue 14): refused with a clear,
translated message and nothing written.

- Odoo's importer as its Import button runs it (``base_import.import``
  with a CSV file, then ``do()``): a 100-row file whose 57th row is bad
  writes nothing at all.
- XML-RPC against a real HTTP server (Odoo's WSGI application served on a
  free port in a thread, so it runs the same in Odoo's runner and under
  pytest-odoo, where no server is started), in the registry's test mode as
  ``HttpCase`` has it: the server's requests share the test's cursor.
- The form (create/write and buttons as the web client calls them,
  ``call_kw``): the dates the user types (the hold wizard's, a button's).
- At run time, ``_cron_process_late_payments(as_of=...)``: a stage whose
  template or activity type was deleted, a customer without an email, an
  archived fee product: the invoice is logged in error with an activity
  for collections staff, the run goes on with the others, and the next
  run retries.

The policy rules' messages through the form and ``load()`` are tested in
test_late_payment_policy_input.py; the same rules are reached here through
the importer's file and XML-RPC."""
import csv
import io
import threading
import xmlrpc.client

from werkzeug.serving import make_server

import odoo
from odoo.api import call_kw
from odoo.exceptions import UserError
from odoo.tests.common import HttpCase, get_db_name
from odoo.tools import mute_logger

from .common import LatePaymentCase
from .test_late_payment_policy_input import IMPORT_FIELDS, import_row

RUN_LOGGER = 'odoo.addons.customer_invoicing_flow.models'
# the administrator of the demo and test databases
ADMIN = 'admin'


def money(env, amount):
    currency = env.user.company_id.currency_id
    if currency.position == 'after':
        return '%s %s' % (amount, currency.symbol)
    return '%s %s' % (currency.symbol, amount)


def csv_file(header, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode('utf-8')


class TestImportBadInput(LatePaymentCase):
    """The Import button: a CSV file through ``base_import.import``."""

    @classmethod
    def setUpClass(cls):
        super(TestImportBadInput, cls).setUpClass()
        cls.Policy = cls.env['late.payment.policy']
        cls.Stage = cls.env['late.payment.policy.stage']
        cls.name = 'CIF imported 056'

    def counts(self):
        return (self.Policy.with_context(active_test=False).search_count([]),
                self.Stage.search_count([]),
                self.env['res.partner'].with_context(
                    active_test=False).search_count([]),
                self.env['late.payment.hold'].search_count([]))

    def import_file(self, model, header, rows, user=None, lang=None):
        """Import ``rows`` under ``header`` into ``model`` as the Import
        button does; returns the messages (empty when all was written)."""
        env = self.env(user=user or self.collections_manager)
        if lang:
            env = env(context=dict(env.context, lang=lang))
        wizard = env['base_import.import'].create({
            'res_model': model,
            'file': csv_file(header, rows),
            'file_name': 'import.csv',
            'file_type': 'text/csv',
        })
        options = {'headers': True, 'quoting': '"', 'separator': ',',
                   'encoding': 'utf-8', 'date_format': '%Y-%m-%d',
                   'float_thousand_separator': ',',
                   'float_decimal_separator': '.'}
        # the database's refusals (a missing value) are logged as errors
        with mute_logger('odoo.addons.base_import.models.base_import',
                         'odoo.sql_db'):
            return wizard.do(header, options)

    def assertImportRefused(self, message, bad_rows, model=None,
                            header=tuple(IMPORT_FIELDS), good_row=None,
                            user=None, lang=None):
        """100 rows, the 57th ``bad_rows`` (one row or a list of rows):
        refused with exactly ``message``, nothing written."""
        good_row = good_row or (lambda index: import_row(
            'CIF imported %03d' % index))
        rows = [good_row(index) for index in range(100)]
        rows[56:57] = bad_rows if isinstance(bad_rows[0], list) \
            else [bad_rows]
        counts = self.counts()
        messages = self.import_file(model or 'late.payment.policy',
                                    list(header), rows, user=user, lang=lang)
        if not isinstance(message, list):
            message = [message]
        self.assertEqual([m['message'] for m in messages
                          if m['type'] == 'error'], message)
        self.assertEqual(self.counts(), counts)

    def test_good_file_imports(self):
        # the control: the same file without a bad row is written
        counts = self.counts()
        messages = self.import_file('late.payment.policy', IMPORT_FIELDS, [
            import_row('CIF imported %03d' % index) for index in range(100)])
        self.assertEqual(messages, [])
        self.assertEqual(self.counts()[:2], (counts[0] + 100, counts[1] + 100))

    def test_negative_days_and_amounts(self):
        self.assertImportRefused(
            "Policy %s: the grace period cannot be negative (-1 days)."
            % self.name, import_row(self.name, grace_days='-1', **{
                'stage_ids/day_offset': '30'}))
        self.assertImportRefused(
            "Policy %s: the fixed fee cannot be negative (%s)." % (
                self.name, money(self.env, '-40.00')),
            import_row(self.name, fee_fixed='-40'))

    def test_percentages_out_of_range(self):
        self.assertImportRefused(
            "Policy %s: the percentage fee must be between 0 and 100 %% "
            "(120.00 %% given)." % self.name,
            import_row(self.name, fee_percent='120'))
        self.assertImportRefused(
            "Policy %s: the annual interest rate must be between 0 and 100 "
            "%% (-8.00 %% given)." % self.name,
            import_row(self.name, interest_rate='-8'))

    def test_duplicate_stage_offsets(self):
        second = [''] * (len(IMPORT_FIELDS) - 3) + ['Again', '11', 'False']
        self.assertImportRefused(
            "Policy %s: the stages Late notice, Again all fall on day 11; "
            "each stage needs a day of its own." % self.name,
            [import_row(self.name), second])

    def test_fee_stage_inside_grace(self):
        self.assertImportRefused(
            "Stage Late notice charges a fee on day 5, within the grace "
            "period of 10 days of policy %s: a fee-charging stage must lie "
            "after the grace period." % self.name,
            import_row(self.name, **{'stage_ids/day_offset': '5'}))

    def test_minimum_above_cap(self):
        self.assertImportRefused(
            "Policy %s: the minimum first charge (%s) is above the cap per "
            "invoice (%s). Lower the minimum or raise the cap (0 means no "
            "cap)." % (self.name, money(self.env, '50.00'),
                       money(self.env, '20.00')),
            import_row(self.name, fee_fixed='10', fee_min='50',
                       fee_max='20'))

    def test_template_on_the_wrong_model(self):
        header = IMPORT_FIELDS + ['stage_ids/send_email',
                                  'stage_ids/mail_template_id/id']
        good = 'customer_invoicing_flow.mail_template_reminder_due'
        wrong = self.env.ref('portal.mail_template_data_portal_welcome')
        self.assertImportRefused(
            "Stage Late notice: the email template %s must be on invoices "
            "(account.invoice), not on %s." % (wrong.name, wrong.model),
            import_row(self.name) + [
                'True', 'portal.mail_template_data_portal_welcome'],
            header=header, good_row=lambda index: import_row(
                'CIF imported %03d' % index) + ['True', good])

    def test_unknown_policy_reference(self):
        # a customer import naming a policy by an external id that does
        # not exist
        self.create_policy('CIF known')
        header = ['name', 'late_payment_policy_id/id']
        self.env['ir.model.data'].create({
            'module': '__import__', 'name': 'cif_known_policy',
            'model': 'late.payment.policy',
            'res_id': self.Policy.search([('name', '=', 'CIF known')]).id})
        self.assertImportRefused(
            "No matching record found for external id "
            "'__import__.cif_no_such_policy' in field 'Late-Payment Policy'",
            ['CIF imported customer 56', '__import__.cif_no_such_policy'],
            model='res.partner', header=header, user=self.env.user,
            good_row=lambda index: ['CIF imported customer %d' % index,
                                    '__import__.cif_known_policy'])

    def test_string_where_a_date_goes(self):
        # hold periods imported (e.g. disputes from another system)
        invoice = self.create_invoice(100.0)
        header = ['invoice_id/.id', 'date_start', 'reason']
        self.assertImportRefused(
            ["'next week' does not seem to be a valid date for field "
             "'From'", "Missing required value for the field 'From' "
             "(date_start)"],
            [str(invoice.id), 'next week', 'Disputed'],
            model='late.payment.hold', header=header,
            user=self.clerk, good_row=lambda index: [
                str(invoice.id), '2023-04-01', 'Disputed %d' % index])

    def test_messages_are_translated(self):
        # the same bad row, imported by a user working in French
        rows = [import_row('CIF imported %03d' % index)
                for index in range(100)]
        rows[56] = import_row(self.name, fee_percent='120')
        counts = self.counts()
        messages = self.import_file('late.payment.policy', IMPORT_FIELDS,
                                    rows, lang='fr_FR')
        self.assertEqual(len(messages), 1)
        self.assertTrue(messages[0]['message'].startswith(
            "Politique %s : la pénalité en pourcentage doit être comprise "
            "entre 0 et 100 %%" % self.name), messages[0]['message'])
        self.assertEqual(self.counts(), counts)


class XmlRpcServerMixin(object):
    """Odoo's WSGI application served on a free port for the class (Odoo's
    runner serves on its --http-port, pytest-odoo serves nothing): the
    test's XML-RPC proxies talk to it. The registry is in test mode (see
    HttpCase), so the server's requests use the test's cursor."""

    @classmethod
    def setUpClass(cls):
        super(XmlRpcServerMixin, cls).setUpClass()
        cls.server = make_server('127.0.0.1', 0,
                                 odoo.service.wsgi_server.application,
                                 threaded=True)
        cls.server_thread = threading.Thread(target=cls.server.serve_forever)
        cls.server_thread.daemon = True
        cls.server_thread.start()
        cls.rpc_url = 'http://127.0.0.1:%d/xmlrpc/2/' % cls.server.port

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()
        cls.server_thread.join()
        super(XmlRpcServerMixin, cls).tearDownClass()

    def setUp(self):
        super(XmlRpcServerMixin, self).setUp()
        self.xmlrpc_common = xmlrpc.client.ServerProxy(
            self.rpc_url + 'common', allow_none=True)
        self.xmlrpc_object = xmlrpc.client.ServerProxy(
            self.rpc_url + 'object', allow_none=True)


class TestXmlRpcBadInput(XmlRpcServerMixin, HttpCase):
    """XML-RPC: ``execute_kw`` as an integration calls the server. The
    server's requests run on the registry's test cursor, which the test
    cannot share from its own thread: everything, set-up and checks, goes
    through XML-RPC, and is rolled back when the test leaves test mode."""

    def setUp(self):
        super(TestXmlRpcBadInput, self).setUp()
        self.db = get_db_name()
        self.uid = self.xmlrpc_common.authenticate(self.db, ADMIN, ADMIN, {})
        self.assertTrue(self.uid)
        company = self.execute('res.users', 'read', [self.uid],
                               ['company_id'])[0]['company_id']
        self.company_id = company[0]
        self.fee_product_id = self.execute('product.product', 'create', {
            'name': 'CIF RPC fee', 'type': 'service'})
        self.policy_id = self.execute('late.payment.policy', 'create', {
            'name': 'CIF RPC policy', 'company_id': self.company_id,
            'grace_days': 10, 'fee_fixed': 40.0,
            'fee_product_id': self.fee_product_id,
            'stage_ids': [(0, 0, {'name': 'Fee', 'day_offset': 11,
                                  'charge_fee': True})]})
        self.customer_id = self.execute('res.partner', 'create', {
            'name': 'CIF RPC customer', 'email': 'rpc@example.com',
            'late_payment_policy_id': self.policy_id})
        account_id = self.execute('account.account', 'search', [
            ('company_id', '=', self.company_id),
            ('internal_type', '=', 'other')], limit=1)[0]
        self.invoice_id = self.execute('account.invoice', 'create', {
            'partner_id': self.customer_id,
            'date_invoice': '2023-03-01', 'date_due': '2023-03-31',
            'invoice_line_ids': [(0, 0, {
                'name': 'Consulting', 'quantity': 1, 'price_unit': 100.0,
                'account_id': account_id})]})
        self.execute('account.invoice', 'action_invoice_open',
                     [self.invoice_id])

    def execute(self, model, method, *args, **kwargs):
        return self.xmlrpc_object.execute_kw(
            self.db, self.uid, ADMIN, model, method, list(args), kwargs)

    def state(self):
        """What a refused call must leave as it was."""
        counts = tuple(self.execute(model, 'search_count', [], context={
            'active_test': False}) for model in (
                'late.payment.policy', 'late.payment.policy.stage',
                'late.payment.hold', 'late.fee.charge', 'account.invoice'))
        policy = self.execute('late.payment.policy', 'read',
                              [self.policy_id])
        invoice = self.execute('account.invoice', 'read', [self.invoice_id],
                               ['payment_hold', 'late_payment_policy_id'])
        partner = self.execute('res.partner', 'read', [self.customer_id],
                               ['late_payment_policy_id'])
        return counts, policy, invoice, partner

    def assertRefused(self, message, model, method, *args,
                      raw_cause=False, **kwargs):
        """The call fails with ``message`` and nothing is written. A
        UserError's fault is its message; a ValidationError travels as
        Odoo's traceback, whose last line holds the message: never a bare
        Python or database error."""
        before = self.state()
        with self.assertRaises(xmlrpc.client.Fault) as caught, \
                mute_logger('odoo.sql_db'):
            self.execute(model, method, *args, **kwargs)
        fault = caught.exception.faultString
        self.assertIn(message, fault)
        self.assertNotIn('ValueError', fault)
        self.assertNotIn('TypeError', fault)
        if not raw_cause:
            self.assertNotIn('psycopg2', fault)
        self.assertEqual(self.state(), before)

    def policy_values(self, **values):
        result = {'name': 'CIF RPC new', 'company_id': self.company_id,
                  'fee_product_id': self.fee_product_id}
        result.update(values)
        return result

    def test_control_a_good_call_writes(self):
        count = self.execute('late.payment.policy', 'search_count', [])
        self.execute('late.payment.policy', 'create',
                     self.policy_values(grace_days=5))
        self.assertEqual(
            self.execute('late.payment.policy', 'search_count', []),
            count + 1)

    def test_negative_days_and_amounts(self):
        self.assertRefused(
            "Policy CIF RPC new: the grace period cannot be negative (-3 "
            "days).", 'late.payment.policy', 'create',
            self.policy_values(grace_days=-3))
        self.assertRefused(
            "Policy CIF RPC policy: the fixed fee cannot be negative",
            'late.payment.policy', 'write', [self.policy_id],
            {'fee_fixed': -5.0})

    def test_percentages_out_of_range(self):
        self.assertRefused(
            "Policy CIF RPC policy: the percentage fee must be between 0 "
            "and 100 % (150.00 % given).", 'late.payment.policy', 'write',
            [self.policy_id], {'fee_percent': 150.0})
        self.assertRefused(
            "Policy CIF RPC new: the annual interest rate must be between 0 "
            "and 100 % (-1.00 % given).", 'late.payment.policy', 'create',
            self.policy_values(interest_rate=-1.0))

    def test_duplicate_stage_offsets(self):
        self.assertRefused(
            "Policy CIF RPC new: the stages A, B all fall on day 20; each "
            "stage needs a day of its own.", 'late.payment.policy', 'create',
            self.policy_values(stage_ids=[
                (0, 0, {'name': 'A', 'day_offset': 20}),
                (0, 0, {'name': 'B', 'day_offset': 20})]))

    def test_fee_stage_inside_grace(self):
        self.assertRefused(
            "Stage Early charges a fee on day 4, within the grace period of "
            "10 days of policy CIF RPC policy: a fee-charging stage must lie "
            "after the grace period.", 'late.payment.policy.stage', 'create',
            {'policy_id': self.policy_id, 'name': 'Early', 'day_offset': 4,
             'charge_fee': True})

    def test_minimum_above_cap(self):
        self.assertRefused(
            "Policy CIF RPC policy: the minimum first charge",
            'late.payment.policy', 'write', [self.policy_id],
            {'fee_min': 50.0, 'fee_max': 45.0})

    def test_template_on_the_wrong_model(self):
        self.assertRefused(
            "Stage Mail: the email template Portal: new user must be on "
            "invoices (account.invoice), not on portal.wizard.user.",
            'late.payment.policy.stage', 'create',
            {'policy_id': self.policy_id, 'name': 'Mail', 'day_offset': 2,
             'send_email': True, 'mail_template_id': self.execute(
                 'ir.model.data', 'xmlid_to_res_id',
                 'portal.mail_template_data_portal_welcome')})

    def test_string_where_a_date_goes(self):
        # the buttons' dates (Python API: keyword arguments)
        self.assertRefused(
            "Not a date: 'next week'", 'account.invoice',
            'action_payment_hold', [self.invoice_id], 'Disputed',
            date='next week')
        self.assertRefused(
            "Not a date: '31/04/2023'", 'account.invoice',
            'action_charge_late_fee', [self.invoice_id], as_of='31/04/2023')
        self.execute('account.invoice', 'action_payment_hold',
                     [self.invoice_id], 'Disputed', date='2023-04-01')
        self.assertRefused(
            "Not a date: 'tomorrow'", 'account.invoice',
            'action_payment_release', [self.invoice_id], date='tomorrow')
        # the hold wizard's date field
        self.assertRefused(
            "Not a date: 'soon'", 'late.payment.hold.wizard', 'create',
            {'invoice_ids': [(6, 0, [self.invoice_id])], 'release': True,
             'reason': 'Settled', 'date': 'soon'})

    def test_unknown_policy_reference(self):
        # Odoo's own answer to a reference to no record: its message,
        # after the database's error it caught (the fault's traceback
        # shows both)
        self.assertRefused(
            "The operation cannot be completed, probably due to the "
            "following:\\n- deletion: you may be trying to delete a record "
            "while other records still reference it\\n- creation/update: a "
            "mandatory field is not correctly set\\n\\n[object with "
            "reference: Late-payment policy - late.payment.policy]",
            'res.partner', 'write', [self.customer_id],
            {'late_payment_policy_id': 987654321}, raw_cause=True)


class TestFormBadDates(LatePaymentCase):
    """The dates typed in the forms, sent as the web client sends them."""

    def test_hold_wizard_date(self):
        invoice = self.create_invoice(100.0)
        Wizard = self.env['late.payment.hold.wizard'].sudo(self.clerk) \
            .with_context(active_model='account.invoice',
                          active_ids=invoice.ids)
        count = Wizard.search_count([])
        with self.assertRaises(UserError) as caught, self.cr.savepoint():
            call_kw(Wizard, 'create', [{
                'invoice_ids': [(6, 0, invoice.ids)], 'reason': 'Disputed',
                'date': '2023-02-30'}], {})
        self.assertEqual(caught.exception.name, "Not a date: '2023-02-30'")
        self.assertEqual(Wizard.search_count([]), count)
        wizard = Wizard.create({'reason': 'Disputed', 'date': '2023-04-01'})
        with self.assertRaises(UserError) as caught, self.cr.savepoint():
            call_kw(Wizard, 'write', [wizard.ids, {'date': 'soon'}], {})
        self.assertEqual(caught.exception.name, "Not a date: 'soon'")
        self.assertFalse(invoice.payment_hold)


class TestRunTimeFaults(LatePaymentCase):
    """The daily run meets what production does to the configuration:
    each bad invoice is logged in error with an activity for collections
    staff, the others go on, and the next run retries."""

    @classmethod
    def setUpClass(cls):
        super(TestRunTimeFaults, cls).setUpClass()
        cls.template = cls.env['mail.template'].create({
            'name': 'CIF fault reminder',
            'model_id': cls.env.ref('account.model_account_invoice').id,
            'subject': 'Reminder ${object.number}',
            'email_to': '${object.partner_id.email}',
            'body_html': '<p>Please pay ${object.number}.</p>'})
        cls.activity_type = cls.env['mail.activity.type'].create({
            'name': 'CIF fault call'})

    def policy_with(self, name, **stage):
        values = {'name': 'Stage', 'day_offset': 1}
        values.update(stage)
        return self.create_policy(name, grace_days=0, fee_fixed=25.0,
                                  stages=[]).write({
                                      'stage_ids': [(0, 0, values)]}) \
            and self.env['late.payment.policy'].search(
                [('name', '=', name)])

    def late_invoice(self, name, policy, **partner):
        customer = self.create_customer(name, **partner)
        return self.create_invoice(100.0, partner=customer, policy=policy)

    def run_day(self, as_of):
        with mute_logger(RUN_LOGGER + '.payment_reminder_log',
                         RUN_LOGGER + '.payment_reminder_run',
                         RUN_LOGGER + '.payment_reminder_run_stage'):
            self.env['account.invoice']._cron_process_late_payments(
                as_of=as_of, commit=False)
        self.env['account.invoice'].invalidate_cache()

    def assert_failed_and_retried(self, bad, good, repair, check_done):
        """The run of 1 April logs ``bad`` in error, with a message and an
        activity on it, and processes ``good``; after ``repair()``, the
        run of 2 April retries ``bad`` (``check_done(bad)``)."""
        activities = self.env['mail.activity'].search([
            ('res_model', '=', 'account.invoice'), ('res_id', '=', bad.id)])
        self.run_day('2023-04-01')
        self.assertEqual(good.reminder_log_ids.mapped('state'), ['done'])
        error = bad.reminder_log_ids
        self.assertEqual(error.mapped('state'), ['error'])
        self.assertTrue(error.error)
        self.assertTrue(bad.message_ids.filtered(
            lambda message: 'will be retried' in (message.body or '')))
        new = self.env['mail.activity'].search([
            ('res_model', '=', 'account.invoice'),
            ('res_id', '=', bad.id)]) - activities
        self.assertEqual(len(new), 1, 'an activity on the failed invoice')
        self.assertTrue(new.user_id)
        repair()
        self.run_day('2023-04-02')
        self.assertEqual(bad.reminder_log_ids.mapped('state'), ['done'])
        check_done(bad)

    def test_missing_template(self):
        template = self.template.copy()
        policy = self.policy_with('CIF no template', send_email=True,
                                  mail_template_id=template.id)
        bad = self.late_invoice('CIF Template Gone', policy)
        good_policy = self.policy_with('CIF template', send_email=True,
                                       mail_template_id=self.template.id)
        good = self.late_invoice('CIF Template Here', good_policy)
        template.unlink()
        self.assertTrue(policy.stage_ids.send_email)
        self.assertFalse(policy.stage_ids.mail_template_id)

        def repair():
            policy.stage_ids.mail_template_id = self.template

        def check_done(invoice):
            self.assertTrue(invoice.reminder_log_ids.email_sent)
        self.assert_failed_and_retried(bad, good, repair, check_done)

    def test_customer_without_email(self):
        policy = self.policy_with('CIF email', send_email=True,
                                  mail_template_id=self.template.id)
        bad = self.late_invoice('CIF No Email', policy, email=False)
        good = self.late_invoice('CIF Has Email', policy)

        def repair():
            bad.partner_id.email = 'cif.no.email@example.com'

        def check_done(invoice):
            self.assertTrue(invoice.reminder_log_ids.email_sent)
        self.assert_failed_and_retried(bad, good, repair, check_done)

    def test_deleted_activity_type(self):
        activity_type = self.activity_type.copy({'name': 'CIF gone'})
        policy = self.policy_with('CIF no type', create_activity=True,
                                  activity_type_id=activity_type.id)
        bad = self.late_invoice('CIF Type Gone', policy)
        good_policy = self.policy_with(
            'CIF type', create_activity=True,
            activity_type_id=self.activity_type.id)
        good = self.late_invoice('CIF Type Here', good_policy)
        activity_type.unlink()
        self.assertTrue(policy.stage_ids.create_activity)
        self.assertFalse(policy.stage_ids.activity_type_id)

        def repair():
            policy.stage_ids.activity_type_id = self.activity_type

        def check_done(invoice):
            self.assertEqual(invoice.reminder_log_ids.activity_id
                             .activity_type_id, self.activity_type)
        self.assert_failed_and_retried(bad, good, repair, check_done)

    def test_archived_fee_product(self):
        product = self.fee_product.copy({'name': 'CIF archived fee'})
        policy = self.policy_with('CIF archived', charge_fee=True)
        policy.fee_product_id = product
        bad = self.late_invoice('CIF Fee Archived', policy)
        good = self.late_invoice('CIF Fee Fine', self.policy_with(
            'CIF fine', charge_fee=True))
        product.active = False

        def repair():
            product.active = True

        def check_done(invoice):
            self.assertEqual(invoice.late_fee_invoice_ids.invoice_line_ids
                             .product_id, product)
        self.assert_failed_and_retried(bad, good, repair, check_done)
        # the button says so too
        product.active = False
        other = self.late_invoice('CIF Fee Button', policy)
        with self.assertRaises(UserError) as caught, self.cr.savepoint():
            other.sudo(self.clerk).action_charge_late_fee(as_of='2023-04-05')
        self.assertIn(product.name, caught.exception.name)
        self.assertFalse(other.late_fee_invoice_ids)
