from . import late_payment_hold_wizard  # noqa: F401
