from . import late_payment_hold_wizard  # noqa: F401
from . import collections_dashboard  # noqa: F401
from . import collections_result_wizard  # noqa: F401
from . import payment_reminder_send_wizard  # noqa: F401
from . import invoicing_health_check  # noqa: F401
from . import collections_dashboard_health  # noqa: F401
from . import payment_promise_wizard  # noqa: F401
from . import collections_dashboard_early_discount  # noqa: F401
