# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""11.0.1.1.0: the reminder emails state what the stage did.

The five reminder templates are data loaded once (noupdate), so a database
installed before keeps the 11.0.1.0.0 wording, which claimed a fee charged
when none was and threatened a credit hold the policy did not have. Those
claims reach customers: the templates are reloaded once, here. Their old
translations go with them; the update loads the new ones from the module's
.po files right after this script."""
from odoo.addons.customer_invoicing_flow.hooks import reload_reminder_templates


def migrate(cr, version):
    if version:
        reload_reminder_templates(cr)
