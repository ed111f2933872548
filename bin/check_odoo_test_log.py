"""Read the log of Odoo's own test runner (``odoo --test-enable``) and say
whether it passed: every test failure or error not in the baseline fails,
so does a module that ran no test, and a log line saying the modules did
not load.

Usage (any Python 3):
    python bin/check_odoo_test_log.py LOG --modules account,stock,... \\
        [--baseline tests/odoo_core_baseline.txt]

The log must be written at --log-level=info (or lower), so that the
"Ran N tests" lines are in it. A baseline file lists, one a line, the ids
of the tests allowed to fail (``addon.test_module.Class.method``); ``#``
starts a comment.
"""
import argparse
import collections
import re
import sys

# 2026-12-03 20:34:16,184 24130 ERROR db odoo.addons.x.tests.test_y: text
LINE = re.compile(
    r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) \S+ '
    r'(?P<logger>[\w.]+): (?P<text>.*)$')
TEST_LOGGER = re.compile(r'^odoo\.addons\.(?P<addon>\w+)\.tests\b')
RESULT = re.compile(
    r'^(?P<kind>FAIL|ERROR): (?P<method>\w+) \((?P<where>[\w.]+)\)')
RAN = re.compile(r'^Ran (?P<count>\d+) tests? in ')
MODULE_SUMMARY = re.compile(
    r'^Module (?P<addon>\w+): (?P<failures>\d+) failures, '
    r'(?P<errors>\d+) errors')
SOME_TEST_FAILED = 'At least one test failed when loading the modules.'
# loggers whose errors mean the run itself went wrong (not a test)
LOADING_LOGGERS = ('odoo.modules.loading', 'odoo.modules.registry',
                   'odoo.service.server', 'odoo.tools.convert')


def test_id(where, method):
    """``odoo.addons.account.tests.test_x.Class`` + ``method`` ->
    ``account.test_x.Class.method``."""
    parts = where.split('.')
    if parts[:2] == ['odoo', 'addons'] and 'tests' in parts:
        addon = parts[2]
        rest = parts[parts.index('tests') + 1:]
        parts = [addon] + rest
    return '.'.join(parts + [method])


def parse(lines):
    """The results in the log's lines: {'ran': {addon: count},
    'failed': {test id: 'FAIL'|'ERROR'}, 'problems': [line, ...]}."""
    ran = collections.Counter()
    failed = collections.OrderedDict()
    problems = []
    summaries = []
    for raw in lines:
        match = LINE.match(raw.rstrip('\n'))
        if not match:
            continue
        level, logger, text = match.group('level', 'logger', 'text')
        in_tests = TEST_LOGGER.match(logger)
        if in_tests:
            count = RAN.match(text)
            if count:
                ran[in_tests.group('addon')] += int(count.group('count'))
                continue
            result = RESULT.match(text)
            if result and level == 'ERROR':
                where = result.group('where')
                # "ERROR: setUpClass (odoo.addons.x.tests.test_y.Class)"
                # names the class in "where" already
                failed[test_id(where, result.group('method'))] = \
                    result.group('kind')
            continue
        if MODULE_SUMMARY.match(text) or text == SOME_TEST_FAILED:
            # summaries of the failures listed one by one above; they
            # are problems only if none was listed
            summaries.append(raw.rstrip('\n'))
            continue
        if level == 'CRITICAL' or (
                level == 'ERROR' and logger.startswith(LOADING_LOGGERS)):
            problems.append(raw.rstrip('\n'))
    if summaries and not failed:
        problems.extend(summaries)
    return {'ran': dict(ran), 'failed': failed, 'problems': problems}


def read_baseline(path):
    if not path:
        return set()
    with open(path) as baseline:
        return {line.split('#', 1)[0].strip() for line in baseline
                if line.split('#', 1)[0].strip()}


def verdict(results, modules, baseline):
    """(ok, report lines)."""
    report, ok = [], True
    for addon in modules:
        count = results['ran'].get(addon, 0)
        failed = [test for test in results['failed']
                  if test.split('.', 1)[0] == addon]
        report.append('%-26s %4d tests, %d failed or in error%s' % (
            addon, count, len(failed),
            '' if count else '  <- no test ran'))
        ok = ok and count > 0
    unexpected = [test for test in results['failed'] if test not in baseline]
    known = [test for test in results['failed'] if test in baseline]
    for test in known:
        report.append('known failure (baseline): %s %s'
                      % (results['failed'][test], test))
    for test in sorted(baseline - set(results['failed'])):
        report.append('baseline failure that passed this time: %s' % test)
    for test in unexpected:
        report.append('NEW FAILURE: %s %s' % (results['failed'][test], test))
    for line in results['problems']:
        report.append('RUN ERROR: %s' % line)
    ok = ok and not unexpected and not results['problems']
    return ok, report


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('log')
    parser.add_argument('--modules', required=True,
                        help='comma-separated addons whose tests must run')
    parser.add_argument('--baseline', help='file of tests allowed to fail')
    args = parser.parse_args(argv)
    with open(args.log, errors='replace') as log:
        results = parse(log)
    ok, report = verdict(results, args.modules.split(','),
                         read_baseline(args.baseline))
    print('\n'.join(report))
    print('PASSED' if ok else 'FAILED (log: %s)' % args.log)
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
