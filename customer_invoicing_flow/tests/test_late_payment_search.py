# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The search on the late-payment status (issue 15): a domain over stored
columns, giving exactly the invoices whose computed status matches, on any
day."""
from datetime import date, timedelta

from lxml import etree

from .common import LatePaymentCase

STATES = ('not_due', 'in_grace', 'late', 'paid', 'on_hold', False)


class TestLatePaymentSearch(LatePaymentCase):

    @classmethod
    def setUpClass(cls):
        super(TestLatePaymentSearch, cls).setUpClass()
        cls.policy = cls.create_policy('CIF Search', grace_days=10)
        cls.short = cls.create_policy('CIF Search short', grace_days=0)
        cls.other = cls.create_customer('CIF Search Other')
        cls.other.late_payment_policy_id = cls.short
        cls.customer.late_payment_policy_id = cls.policy
        # payments and invoices cancelled below
        (cls.bank_journal | cls.sale_journal).write({'update_posted': True})
        new = cls.create_invoice
        Hold = cls.env['late.payment.hold']
        invoices = {}
        invoices['open'] = new(1000.0)
        invoices['short grace'] = new(300.0, partner=cls.other)
        invoices['due later'] = new(500.0, date_due='2023-04-15')
        invoices['partial'] = new(1000.0)
        cls.pay(invoices['partial'], 400.0, '2023-03-20')
        invoices['paid in two'] = new(1000.0)
        cls.pay(invoices['paid in two'], 500.0, '2023-03-20')
        cls.pay(invoices['paid in two'], 500.0, '2023-04-05')
        invoices['paid early'] = new(250.0)
        cls.pay(invoices['paid early'], 250.0, '2023-03-10')
        invoices['paid late'] = new(250.0, partner=cls.other)
        cls.pay(invoices['paid late'], 250.0, '2023-04-20')
        invoices['credit note'] = new(800.0)
        cls.credit_note(invoices['credit note'], 800.0, '2023-04-08')
        invoices['credit and payment'] = new(800.0)
        cls.credit_note(invoices['credit and payment'], 300.0, '2023-04-02')
        cls.pay(invoices['credit and payment'], 500.0, '2023-04-12')
        invoices['partial credit'] = new(800.0)
        cls.credit_note(invoices['partial credit'], 300.0, '2023-04-02')
        invoices['paid then undone'] = new(600.0)
        cls.pay(invoices['paid then undone'], 600.0, '2023-04-01').cancel()
        invoices['held and released'] = new(700.0)
        Hold.create({'invoice_id': invoices['held and released'].id,
                     'date_start': '2023-04-03', 'date_end': '2023-04-08',
                     'reason': 'Dispute'})
        invoices['held'] = new(700.0)
        invoices['held'].sudo(cls.clerk).action_payment_hold(
            'Dispute', date='2023-04-01')
        invoices['held before due'] = new(700.0, partner=cls.other)
        Hold.create({'invoice_id': invoices['held before due'].id,
                     'date_start': '2023-03-25', 'date_end': '2023-03-28',
                     'reason': 'Dispute'})
        invoices['released same day'] = new(700.0)
        Hold.create({'invoice_id': invoices['released same day'].id,
                     'date_start': '2023-04-04', 'date_end': '2023-04-03',
                     'reason': 'Dispute'})
        invoices['held and paid'] = new(700.0)
        Hold.create({'invoice_id': invoices['held and paid'].id,
                     'date_start': '2023-04-02', 'reason': 'Dispute'})
        cls.pay(invoices['held and paid'], 700.0, '2023-04-06')
        invoices['cancelled'] = new(900.0, validate=False)
        invoices['cancelled'].action_invoice_cancel()
        invoices['draft'] = new(900.0, validate=False)
        invoices['cancelled after validation'] = new(900.0)
        invoices['cancelled after validation'].action_invoice_cancel()
        invoices['no policy'] = new(900.0, partner=cls.create_customer(
            'CIF Search No Policy'))
        cls.invoices = invoices
        cls.all = cls.env['account.invoice'].search([(
            'partner_id', 'in',
            (cls.customer | cls.other | invoices['no policy'].partner_id)
            .ids)])

    def computed(self, as_of):
        """{state: invoices} from the computed field on ``as_of``."""
        invoices = self.as_of(self.all, as_of)
        invoices.invalidate_cache()
        return {state: invoices.filtered(
            lambda inv, state=state: inv.late_payment_state == state)
            for state in STATES}

    def searched(self, as_of, operator, value):
        Invoice = self.as_of(self.env['account.invoice'], as_of)
        return Invoice.search([('id', 'in', self.all.ids),
                               ('late_payment_state', operator, value)])

    def test_every_state_on_every_day_as_computed(self):
        """Every day from before the invoices to after the last payment:
        each state's search is the computed field's, and so are the
        negations and the sets of states."""
        seen = set()
        start = date(2023, 2, 25)
        for offset in range(0, 65):
            as_of = str(start + timedelta(days=offset))
            computed = self.computed(as_of)
            for state in STATES:
                expected = computed[state]
                seen |= {state} if expected else set()
                self.assertEqual(self.searched(as_of, '=', state), expected,
                                 (as_of, state))
                self.assertEqual(self.searched(as_of, '!=', state),
                                 self.all - expected, (as_of, state))
            pair = computed['late'] | computed['on_hold']
            self.assertEqual(self.searched(as_of, 'in', ['late', 'on_hold']),
                             pair, as_of)
            self.assertEqual(
                self.searched(as_of, 'not in', ('late', 'on_hold')),
                self.all - pair, as_of)
        self.assertEqual(seen, set(STATES))

    def test_the_invoices_cover_each_case(self):
        """The set is varied: on one day, each kind shows its state."""
        invoices = self.invoices
        states = {name: self.as_of(invoice, '2023-04-06').late_payment_state
                  for name, invoice in invoices.items()}
        self.assertEqual(states, {
            'open': 'in_grace', 'short grace': 'late',
            'due later': 'not_due', 'partial': 'in_grace',
            'paid in two': 'paid', 'paid early': 'paid',
            'paid late': 'late', 'credit note': 'in_grace',
            'credit and payment': 'in_grace', 'partial credit': 'in_grace',
            'paid then undone': 'in_grace', 'held and released': 'on_hold',
            'held': 'on_hold', 'held before due': 'late',
            'released same day': 'in_grace', 'held and paid': 'paid',
            'cancelled': False, 'draft': False,
            'cancelled after validation': False, 'no policy': False})

    def test_paid_in_full_date_follows_the_payments(self):
        invoices = self.invoices
        self.assertEqual(
            [invoices[name].late_payment_paid_date for name in (
                'paid in two', 'paid late', 'credit note',
                'credit and payment', 'partial', 'paid then undone')],
            ['2023-04-05', '2023-04-20', '2023-04-08', '2023-04-12', False,
             False])
        payment = self.pay(invoices['partial'], 600.0, '2023-04-25')
        self.assertEqual(invoices['partial'].late_payment_paid_date,
                         '2023-04-25')
        payment.cancel()
        self.assertFalse(invoices['partial'].late_payment_paid_date)

    def test_validated_without_dates(self):
        """Odoo's own sale tests validate with invoice_validate(), which
        sets neither the invoice date nor the due date: no status, no
        paid date, and no error."""
        invoice = self.create_invoice(100.0, date_invoice=False,
                                      date_due=False, validate=False)
        invoice.invoice_validate()
        self.assertIn(invoice.state, ('open', 'paid'))
        self.assertFalse(invoice.late_payment_paid_date)
        self.assertFalse(invoice.late_payment_state)

    def test_search_is_one_query_whatever_the_invoices(self):
        """The old search evaluated every invoice under a policy in Python
        (reading their payments, holds and charges): now the holds of the
        day, then the invoices, in SQL."""
        Invoice = self.as_of(self.env['account.invoice'], '2023-04-06')
        for _count in range(2):
            self.create_invoice(100.0)
            Invoice.invalidate_cache()
            before = self.env.cr.sql_log_count
            Invoice.search([('late_payment_state', '=', 'late')])
            self.assertEqual(self.env.cr.sql_log_count - before, 2)

    def test_follow_up_list_reads_without_a_query_per_invoice(self):
        """The columns of the Follow-up list (its view's fields, as the web
        client reads them): no more queries for 10 invoices than for 2, and
        the fee timeline, which the list does not show, not evaluated."""
        Invoice = self.env['account.invoice']
        view = self.env.ref(
            'customer_invoicing_flow.account_invoice_view_tree_follow_up')
        arch = Invoice.fields_view_get(view.id, 'tree')['arch']
        names = [node.get('name')
                 for node in etree.fromstring(arch).iter('field')]
        self.assertIn('late_payment_state', names)
        # alike: a partial payment, a hold released, a fee charged each
        policy = self.create_policy('CIF List', grace_days=10,
                                    fee_fixed=10.0, interest_rate=12.0,
                                    stages=[(20, True)])
        invoices = Invoice
        for index in range(10):
            invoice = self.create_invoice(1000.0 + index, policy=policy)
            self.pay(invoice, 100.0, '2023-04-05')
            self.env['late.payment.hold'].create({
                'invoice_id': invoice.id, 'date_start': '2023-04-02',
                'date_end': '2023-04-03', 'reason': 'Dispute'})
            self.assertTrue(invoice._charge_late_fee('2023-04-20'))
            invoices |= invoice
        invoices = self.as_of(invoices, '2023-04-25')
        self.assertEqual(set(invoices.mapped('late_payment_state')), {'late'})
        preview = Invoice._fields['late_fee_preview']

        def count(records):
            records.invalidate_cache()
            before = self.env.cr.sql_log_count
            records.read(names)
            self.assertFalse([record for record in records
                              if self.env.cache.contains(record, preview)])
            return self.env.cr.sql_log_count - before

        count(invoices)  # warm up
        # not more for 10 than for 2 (the 2 may cost one more: the
        # salesperson's partner, read apart from the customers')
        self.assertLessEqual(count(invoices), count(invoices[:2]))
