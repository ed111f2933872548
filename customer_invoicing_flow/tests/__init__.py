from . import test_late_fees_engine
from . import test_delivery_invoicing
from . import test_late_payment_policy
from . import test_delivery_invoicing_concurrency
from . import test_invoice_lifecycle
from . import test_payment_reminders
from . import test_payment_reminders_concurrency
from . import test_reminder_plan
