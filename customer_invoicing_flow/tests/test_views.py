# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Every view, action and QWeb template of the addon loads, for the
collections staff and for salespeople. The views are found through
``ir.model.data``, so a new view is checked without touching this file."""
from lxml import etree, html

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
        cls.collections = cls.env['res.users'].create({
            'name': 'Vic Views Collections',
            'login': 'cif_views_collections',
            'groups_id': [(6, 0, [
                cls.env.ref('base.group_user').id,
                cls.env.ref(COLLECTIONS_GROUP).id,
                cls.env.ref('account.group_account_invoice').id])],
        })
        cls.salesman = cls.env['res.users'].create({
            'name': 'Sid Views Salesman',
            'login': 'cif_views_salesman',
            'groups_id': [(6, 0, [
                cls.env.ref('base.group_user').id,
                cls.env.ref('sales_team.group_sale_salesman').id])],
        })
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

    def test_every_arch_parses(self):
        for view in self.module_views():
            self.assert_parses(view.arch_db, view.xml_id)

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
        renders on an invoice; the web pages are left to the HTTP tests."""
        views = self.module_views().filtered(lambda v: v.type == 'qweb')
        self.assertTrue(views)
        Report = self.env['ir.actions.report']
        invoice = self.invoice
        for view in views:
            root = self.root_view(view)
            key = root.xml_id or root.key
            if key in PAGES_RENDERED_OVER_HTTP:
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
                }
                output = Report.render_template(key, values)
                self.assertTrue(output.strip(), key)
                html.fromstring(output)
