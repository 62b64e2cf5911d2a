"""TAP lines for the Python driver tests (numbered by test/drivers/run.sh)."""
import sys

failed = 0


def check(desc, want, fn):
    """ok when fn() returns want; not ok with what it returned or raised."""
    global failed
    try:
        got = fn()
    except Exception as e:  # the error is the result to compare
        state = getattr(e, 'sqlstate', None) or getattr(e, 'pgcode', None)
        orig = getattr(e, 'orig', None)
        if orig is not None:
            state = getattr(orig, 'sqlstate', None) or getattr(orig, 'pgcode', None)
        got = f'{type(e).__name__} {state}: {str(e).splitlines()[0]}'
    if got == want:
        print(f'ok - {desc}')
    else:
        failed += 1
        print(f'not ok - {desc}')
        print(f'#   want: {want!r}')
        print(f'#   got:  {got!r}')


def note(msg):
    print(f'# {msg}')


def sqlstate_of(fn):
    """The SQLSTATE fn raises, or 'no error'."""
    try:
        fn()
    except Exception as e:
        orig = getattr(e, 'orig', e)
        return getattr(orig, 'sqlstate', None) or getattr(orig, 'pgcode', None) or type(e).__name__
    return 'no error'


def done():
    sys.exit(1 if failed else 0)
