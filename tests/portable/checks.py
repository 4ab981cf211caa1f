"""Small assertion helpers that work under pytest and under tools/runtests.py."""


class SkipTest(Exception):
    pass


def skip(reason):
    try:
        import pytest
    except ImportError:
        raise SkipTest(reason)
    pytest.skip(reason)


def raises(exc_type, fn, *args, **kwargs):
    """Call fn and return the exception it raised, which must be an exc_type."""
    try:
        fn(*args, **kwargs)
    except exc_type as e:
        return e
    raise AssertionError("%s not raised by %r%r" % (exc_type.__name__, fn, args))


def unhex(s):
    """Bytes from hex with spaces, as the standard prints examples."""
    return bytes.fromhex(s.replace(" ", "").replace("\n", ""))
