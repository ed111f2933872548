# Copyright 2026 customer_invoicing_flow contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""11.0.1.2.0: the reminder emails mention the early-payment discount still
available and the customer's open promise to pay, and no longer ask for
money promised and not yet due.

The reminder templates are data loaded once (noupdate): a database
installed before would keep asking for promised money. They are reloaded
once, here."""
from odoo.addons.customer_invoicing_flow.hooks import reload_reminder_templates


def migrate(cr, version):
    if version:
        reload_reminder_templates(cr)
