# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Every view, action and QWeb template of the addon loads, for the
collections staff and for salespeople. The views are found through
``ir.model.data``, so a new view is checked without touching this file."""
import datetime

from lxml import etree, html

from odoo import fields
from odoo.osv import expression
from odoo.tools.safe_eval import safe_eval

from .common import LatePaymentCase

MODULE = 'customer_invoicing_flow'
COLLECTIONS_GROUP = 'customer_invoicing_flow.group_collections_user'

# Templates that are web pages (they call the portal layout, which needs
# an HTTP request): test_portal_report renders them through their routes.
PAGES_RENDERED_OVER_HTTP = {
    'account.portal_my_invoices',
    'account.portal_invoice_page',
}


class TestViews(LatePaymentCase):

    @classmethod
    def setUpClass(cls):
        super(TestViews, cls).setUpClass()
        cls.collections = cls.clerk
        cls.salesman = cls.salesperson
        cls.users = cls.collections | cls.salesman
        policy = cls.create_policy(
            grace_days=10, note='Late payments bear interest.')
        cls.invoice = cls.create_invoice(100.0, policy=policy)

    def module_records(self, model):
        data = self.env['ir.model.data'].search([
            ('module', '=', MODULE), ('model', '=', model)])
        return self.env[model].browse(data.mapped('res_id')).exists()

    def module_views(self):
        views = self.module_records('ir.ui.view')
        self.assertTrue(views)
        return views

    @staticmethod
    def root_view(view):
        """The view that fields_view_get/render starts from: the view
        itself when primary, else the primary view it extends."""
        while view.mode == 'extension' and view.inherit_id:
            view = view.inherit_id
        return view

    def assert_parses(self, arch, label):
        try:
            return etree.fromstring(arch.encode('utf-8')
                                    if isinstance(arch, str) else arch)
        except etree.XMLSyntaxError as error:
            self.fail("%s does not parse: %s" % (label, error))

    def test_fields_view_get_as_collections_user_and_salesman(self):
        views = self.module_views().filtered(lambda v: v.type != 'qweb')
        self.assertTrue(views)
        for view in views:
            root = self.root_view(view)
            for user in self.users:
                with self.subTest(view=view.xml_id, user=user.login):
                    result = self.env[root.model].sudo(user).fields_view_get(
                        view_id=root.id, view_type=root.type)
                    self.assertEqual(result['view_id'], root.id)
                    arch = self.assert_parses(
                        result['arch'], '%s as %s' % (view.xml_id,
                                                      user.login))
                    self.assertEqual(arch.tag, root.type)
                    for name in result['fields']:
                        self.assertIn(name, self.env[root.model]._fields)

    def test_actions_load_their_views(self):
        actions = self.module_records('ir.actions.act_window')
        self.assertTrue(actions)
        for action in actions:
            views = [(view_id or False, mode)
                     for view_id, mode in action.views]
            views.append((action.search_view_id.id, 'search'))
            for user in self.users:
                with self.subTest(action=action.xml_id, user=user.login):
                    result = self.env[action.res_model].sudo(
                        user).load_views(views, options={'toolbar': True})
                    self.assertEqual(
                        set(result['fields_views']),
                        set(mode for _view_id, mode in views))
                    for mode, fvg in result['fields_views'].items():
                        self.assertEqual(
                            self.assert_parses(fvg['arch'], mode).tag, mode)

    def test_collections_buttons_only_for_collections_staff(self):
        """The buttons that the addon's invoice views reserve to the
        collections staff show in their form, not in a salesman's."""
        names = set()
        for view in self.module_views().filtered(
                lambda v: v.model == 'account.invoice' and v.type == 'form'):
            arch = etree.fromstring(view.arch_db.encode('utf-8'))
            names.update(arch.xpath(
                "//button[@groups='%s']/@name" % COLLECTIONS_GROUP))
        self.assertIn('action_charge_late_fee', names)
        form = self.env.ref('account.invoice_form')
        Invoice = self.env['account.invoice']
        collections_arch = etree.fromstring(Invoice.sudo(
            self.collections).fields_view_get(form.id, 'form')['arch'])
        salesman_arch = etree.fromstring(Invoice.sudo(
            self.salesman).fields_view_get(form.id, 'form')['arch'])
        for name in names:
            self.assertTrue(self.shown_buttons(collections_arch, name), name)
            self.assertFalse(self.shown_buttons(salesman_arch, name), name)

    @staticmethod
    def shown_buttons(arch, name):
        """The buttons ``name`` of a fields_view_get ``arch`` that may
        show: Odoo 11 keeps a button of a group the user lacks, forced
        invisible (``invisible="1"``, its ``attrs`` dropped)."""
        buttons = arch.xpath("//button[@name=$name]", name=name)
        return [button for button in buttons
                if button.get('invisible') != '1']

    def test_qweb_templates_render(self):
        """Every QWeb template of the addon (or the template it extends)
        renders on an invoice; the web pages are left to the HTTP tests,
        the parts another template calls (with the values it sets) to
        their callers."""
        views = self.module_views().filtered(lambda v: v.type == 'qweb')
        self.assertTrue(views)
        called = set()
        for view in views:
            called.update(etree.fromstring(view.arch_db.encode('utf-8'))
                          .xpath('//@t-call'))
        Report = self.env['ir.actions.report']
        invoice = self.invoice
        for view in views:
            root = self.root_view(view)
            key = root.xml_id or root.key
            if key in PAGES_RENDERED_OVER_HTTP or key in called:
                continue
            combined = root.read_combined(['arch'])['arch']
            self.assertNotIn('portal.portal_layout', combined,
                             "%s is a web page: render it over HTTP in "
                             "test_portal_report and list it in "
                             "PAGES_RENDERED_OVER_HTTP" % key)
            with self.subTest(template=key):
                values = {
                    'o': invoice, 'doc': invoice, 'docs': invoice,
                    'doc_ids': invoice.ids, 'doc_model': invoice._name,
                    'invoice': invoice, 'invoices': invoice,
                    # what an asset bundle's template asks of its renderer
                    'get_modules_order': lambda: '[]',
                }
                output = Report.render_template(key, values)
                self.assertTrue(output.strip(), key)
                html.fromstring(output)


class FakeTime(object):
    """``time`` in a search-view domain, on a fixed day (Odoo's own Overdue
    filter reads ``time.strftime``)."""

    def __init__(self, day):
        self.day = day

    def strftime(self, _fmt):
        return self.day


class TestCollectionsScreens(LatePaymentCase):
    """The screens of the collections clerk as the web client gets them:
    the Follow-up list, its filters and grouping, the invoice's badges,
    the customer's settings in force and the addon's settings block."""

    @classmethod
    def setUpClass(cls):
        super(TestCollectionsScreens, cls).setUpClass()
        cls.salesman = cls.salesperson
        cls.users = cls.clerk | cls.salesman
        cls.policy = cls.create_policy(
            name='CIF Screens policy', grace_days=10,
            stages=((1, False), (20, True)))
        # due 2023-03-31, grace ends 2023-04-10
        cls.invoice_late = cls.create_invoice(100.0, policy=cls.policy)
        cls.invoice_grace = cls.create_invoice(
            200.0, date_invoice='2023-03-25', date_due='2023-04-05')
        cls.invoice_not_due = cls.create_invoice(
            300.0, date_invoice='2023-04-01', date_due='2023-05-01')
        cls.invoices = cls.invoice_late | cls.invoice_grace \
            | cls.invoice_not_due
        cls.action = cls.env.ref(
            'customer_invoicing_flow.account_invoice_follow_up_action')

    # helpers: the search view as the web client reads it
    def search_arch(self, user):
        result = self.env['account.invoice'].sudo(user).fields_view_get(
            view_id=self.action.search_view_id.id, view_type='search')
        return etree.fromstring(result['arch'])

    @staticmethod
    def filter_groups(arch):
        """The filter groups of the web client (search_view.js,
        prepare_search_inputs): consecutive filters of one category (filter
        or group-by), broken by a separator, a field or a change of
        category. Odoo ORs the filters of a group and ANDs the groups."""
        items = []
        for child in arch:
            items.extend(child if child.tag == 'group' else [child])
        groups, current, category = [], [], None
        for item in items:
            context = item.get('context') or ''
            item_category = 'group_by' if 'group_by' in context \
                else 'filters'
            if item.tag == 'filter' and (
                    not current or item_category == category):
                current.append(item)
                category = item_category
                continue
            if current:
                groups.append((category, current))
            current, category = [], None
            if item.tag == 'filter':
                current, category = [item], item_category
        if current:
            groups.append((category, current))
        return groups

    def filter_group_of(self, groups, name):
        for index, (_category, items) in enumerate(groups):
            if name in [item.get('name') for item in items]:
                return index
        self.fail("no filter %s in the search view" % name)

    @staticmethod
    def eval_domain(item, today):
        return safe_eval(item.get('domain'), {
            'time': FakeTime(today),
            'context_today': lambda: fields.Date.from_string(today),
            'datetime': datetime, 'uid': 1})

    def search_with(self, names, today, user=None):
        """The invoices of the Follow-up action with the filters ``names``
        on, combined as the web client combines them, on ``today``."""
        arch = self.search_arch(user or self.clerk)
        groups = self.filter_groups(arch)
        domain = safe_eval(self.action.domain)
        for _category, items in groups:
            chosen = [self.eval_domain(item, today) for item in items
                      if item.get('name') in names and item.get('domain')]
            if chosen:
                domain = expression.AND(
                    [domain, expression.OR(chosen)])
        return self.env['account.invoice'].with_context(
            late_payment_as_of=today).search(
                domain + [('id', 'in', self.invoices.ids)])

    def action_defaults(self):
        context = safe_eval(self.action.context)
        return {key[len('search_default_'):] for key, value
                in context.items()
                if key.startswith('search_default_') and value}

    # the Follow-up list
    def test_follow_up_list_has_nine_columns(self):
        """14 columns overflowed at 1400 px: the list shows nine, the last
        one the fees charged."""
        view = self.env.ref(
            'customer_invoicing_flow.account_invoice_view_tree_follow_up')
        for user in self.users:
            with self.subTest(user=user.login):
                arch = etree.fromstring(self.env['account.invoice'].sudo(
                    user).fields_view_get(view.id, 'tree')['arch'])
                shown = [field.get('name') for field in arch.xpath('//field')
                         if field.get('invisible') != '1']
                self.assertEqual(shown, [
                    'number', 'partner_id', 'date_due', 'days_late',
                    'late_payment_state', 'reminder_stage_id', 'user_id',
                    'residual_signed', 'late_fee_charged'])
                stage = arch.xpath("//field[@name='reminder_stage_id']")[0]
                self.assertEqual(stage.get('string'), 'Last Reminder')

    def test_follow_up_defaults_overdue_grouping_by_customer_offered(self):
        """By default Odoo's own Overdue filter (no duplicate 'Past Due'),
        not grouped: at a company's volume the groups of every customer
        would be the first page (20,000 customers: 7 s, and as many rows
        for the browser), where a page of invoices takes half a second
        (bench/results.md). Grouping by customer is one click: a single
        level, the customer, no 'Undefined' group of the invoices not
        reminded yet."""
        defaults = self.action_defaults()
        self.assertEqual(defaults, {'late'})
        defaults = {'late', 'group_by_partner_id'}
        for user in self.users:
            with self.subTest(user=user.login):
                arch = self.search_arch(user)
                self.assertFalse(arch.xpath("//filter[@name='past_due']"))
                overdue = arch.xpath("//filter[@name='late']")[0]
                self.assertEqual(overdue.get('string'), 'Overdue')
                grouping = [
                    safe_eval(item.get('context'))['group_by']
                    for item in arch.xpath('//filter[@context]')
                    if item.get('name') in defaults]
                self.assertEqual(grouping, ['commercial_partner_id'])
                self.assertFalse(arch.xpath(
                    "//filter[contains(@context, 'reminder_stage_id')]"))
        # overdue on 2023-04-12: the late and the in-grace invoices
        found = self.search_with(defaults, '2023-04-12')
        self.assertEqual(found, self.invoice_late | self.invoice_grace)
        groups = self.env['account.invoice'].read_group(
            [('id', 'in', found.ids)],
            ['residual_signed', 'commercial_partner_id'],
            ['commercial_partner_id'])
        self.assertEqual(len(groups), 1)
        self.assertEqual(groups[0]['commercial_partner_id'][0],
                         self.customer.id)
        self.assertEqual(groups[0]['commercial_partner_id_count'], 2)
        # neither invoice reminded yet: grouped all the same
        self.assertFalse(found.mapped('reminder_stage_id'))

    def test_follow_up_filters_narrow_the_overdue_list(self):
        """'In Grace Period' and 'Late' were ORed with the default filter,
        so choosing one changed nothing: each now narrows it."""
        groups = self.filter_groups(self.search_arch(self.clerk))
        overdue = self.filter_group_of(groups, 'late')
        states = self.filter_group_of(groups, 'in_grace')
        self.assertEqual(states, self.filter_group_of(groups, 'late_payment'))
        self.assertEqual(states, self.filter_group_of(groups, 'payment_hold'))
        separate = {overdue, states,
                    self.filter_group_of(groups, 'credit_hold'),
                    self.filter_group_of(groups, 'reminded')}
        self.assertEqual(len(separate), 4)
        self.assertEqual(self.filter_group_of(groups, 'reminded'),
                         self.filter_group_of(groups, 'not_reminded'))
        day = '2023-04-12'
        self.assertEqual(self.search_with({'late', 'in_grace'}, day),
                         self.invoice_grace)
        self.assertEqual(self.search_with({'late', 'late_payment'}, day),
                         self.invoice_late)
        self.assertEqual(
            self.search_with({'late', 'in_grace', 'late_payment'}, day),
            self.invoice_late | self.invoice_grace)
        self.assertEqual(self.search_with({'in_grace'}, '2023-04-20'),
                         self.env['account.invoice'])
        self.assertEqual(
            self.search_with({'late', 'not_reminded'}, day),
            self.invoice_late | self.invoice_grace)
        self.assertFalse(self.search_with({'late', 'reminded'}, day))
        self.assertFalse(self.search_with({'late', 'credit_hold'}, day))

    def test_late_filter_after_hold_release(self):
        """Released from its hold, a late invoice is in the Late filter and
        out of On Payment Hold from the release day on."""
        invoice = self.invoice_late
        invoice.action_payment_hold('Disputed', date='2023-04-20')
        held = '2023-04-25'
        self.assertEqual(self.search_with({'payment_hold'}, held), invoice)
        for name in ('late_payment', 'in_grace'):
            self.assertNotIn(invoice, self.search_with({name}, held))
        invoice.action_payment_release(date='2023-05-05', reason='Settled')
        for day in ('2023-05-05', '2023-05-06'):
            with self.subTest(day=day):
                self.assertIn(invoice, self.search_with(
                    {'late_payment'}, day))
                self.assertIn(invoice, self.search_with(
                    {'late', 'late_payment'}, day))
                self.assertFalse(self.search_with({'payment_hold'}, day))

    # the invoice form
    def test_invoice_badges_under_the_title_not_in_the_status_bar(self):
        form = self.env.ref('account.invoice_form')
        for user in self.users:
            with self.subTest(user=user.login):
                arch = etree.fromstring(self.env['account.invoice'].sudo(
                    user).fields_view_get(form.id, 'form')['arch'])
                for name in ('late_payment_state', 'lifecycle_state'):
                    self.assertFalse(arch.xpath(
                        "//header//field[@name=$name]", name=name), name)
                    badge = arch.xpath(
                        "//sheet/div[@name='invoice_badges']"
                        "//field[@name=$name]", name=name)
                    self.assertEqual(len(badge), 1, name)
                    self.assertEqual(badge[0].get('widget'),
                                     'label_selection')
                row = arch.xpath("//sheet/div[@name='invoice_badges']")[0]
                self.assertEqual(row.getprevious().tag, 'h1')

    # the customer form
    def test_partner_shows_the_settings_in_force_in_read_mode(self):
        self.company.late_payment_policy_id = self.create_policy(
            name='CIF Standard')
        self.company.auto_invoice_on_delivery = 'posted'
        own = self.create_customer('CIF Own Settings')
        own.write({'late_payment_policy_id': self.policy.id,
                   'auto_invoice_on_delivery': 'draft'})
        plain = self.create_customer('CIF Company Default')
        plain.late_payment_policy_id = False
        contact = self.env['res.partner'].create({
            'name': 'CIF Contact', 'parent_id': own.id, 'type': 'invoice'})
        fields_ = ['late_payment_policy_in_force',
                   'auto_invoice_on_delivery_in_force',
                   'late_payment_policy_id', 'auto_invoice_on_delivery']
        for user in self.users:
            with self.subTest(user=user.login):
                partners = self.env['res.partner'].sudo(user).browse(
                    (plain | own | contact).ids)
                values = {row['id']: row for row in partners.read(fields_)}
                self.assertFalse(values[plain.id]['late_payment_policy_id'])
                self.assertEqual(
                    values[plain.id]['late_payment_policy_in_force'],
                    'Company default: CIF Standard')
                self.assertEqual(
                    values[plain.id]['auto_invoice_on_delivery_in_force'],
                    'Company default: Posted invoice')
                for partner in (own, contact):
                    self.assertEqual(
                        values[partner.id]['late_payment_policy_in_force'],
                        'CIF Screens policy')
                    self.assertEqual(
                        values[partner.id][
                            'auto_invoice_on_delivery_in_force'],
                        'Draft invoice')
        self.company.late_payment_policy_id = False
        plain.invalidate_cache()
        self.assertEqual(plain.late_payment_policy_in_force,
                         'Company default: none')

    def test_partner_in_force_values_batch_their_reads(self):
        def read_cost(partners):
            partners.invalidate_cache()
            before = self.cr.sql_log_count
            partners.read(['late_payment_policy_in_force',
                           'auto_invoice_on_delivery_in_force'])
            return self.cr.sql_log_count - before

        policy = self.create_policy(name='CIF Other')
        partners = self.env['res.partner']
        for index in range(8):
            partners |= self.create_customer(
                'CIF Batch %d' % index,
                late_payment_policy_id=(policy if index % 2
                                        else self.policy).id)
        read_cost(partners)
        small = read_cost(partners[:2])
        large = read_cost(partners)
        self.assertEqual(small, large)
        # 5 for any number of partners: whether they exist, the user, the
        # partners, their company (its defaults) and their policies
        self.assertEqual(large, 5)

    def test_partner_form_fields_for_collections_and_sales(self):
        """The in-force fields come with the Invoicing page: the clerk sees
        them, a salesman (no invoicing right) gets a form without them."""
        form = self.env.ref('base.view_partner_form')
        Partner = self.env['res.partner']
        clerk = Partner.sudo(self.clerk).fields_view_get(form.id, 'form')
        for name in ('late_payment_policy_in_force',
                     'auto_invoice_on_delivery_in_force'):
            self.assertIn(name, clerk['fields'])
            field = etree.fromstring(clerk['arch']).xpath(
                "//field[@name=$name]", name=name)[0]
            self.assertIn('late_payment_policy_id'
                          if 'policy' in name else 'auto_invoice_on_delivery',
                          field.get('modifiers'))
        salesman = Partner.sudo(self.salesman).fields_view_get(
            form.id, 'form')
        self.assertNotIn('late_payment_policy_in_force', salesman['fields'])

    # the settings
    def test_settings_block_of_its_own(self):
        form = self.env.ref('base.res_config_settings_view_form')
        arch = etree.fromstring(self.env['res.config.settings'].fields_view_get(
            form.id, 'form')['arch'])
        block = arch.xpath("//div[@id='customer_invoicing_flow_settings']")
        self.assertEqual(len(block), 1)
        title = block[0].getprevious()
        self.assertEqual(title.tag, 'h2')
        self.assertEqual(title.text, 'Invoicing on Delivery & Collections')
        for name in ('auto_invoice_on_delivery', 'late_payment_policy_id',
                     'collections_user_id'):
            self.assertEqual(len(block[0].xpath(
                ".//field[@name=$name]", name=name)), 1, name)
            self.assertFalse(arch.xpath(
                "//div[@id='invoicing_settings']//field[@name=$name]",
                name=name), name)
        # a block beside Odoo's blocks, not inside one of them
        self.assertFalse(block[0].xpath(
            "ancestor::div[contains(@class, 'o_settings_container')]"))
        self.assertEqual(block[0].getparent(), arch.xpath(
            "//div[@id='invoicing_settings']")[0].getparent())
        label = self.env['res.config.settings'].fields_get(
            ['collections_user_id'])['collections_user_id']
        self.assertEqual(label['string'], 'Collections Fallback User')
        self.assertIn('reminder stages', label['help'])
