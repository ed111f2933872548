from . import test_late_fees_engine
