"""Stand-in COSEM objects for the engine tests (the MODEL.md contract, nothing more)."""

from microcosem.axdr import (ARRAY, DOUBLE_LONG_UNSIGNED, EncodedData, LONG_UNSIGNED, NULL_DATA,
                             OCTET_STRING, STRUCTURE, encode_length)
from microcosem.errors import AccessError

REGISTER_LN = bytes((1, 0, 1, 8, 0, 255))
PROFILE_LN = bytes((1, 0, 99, 1, 0, 255))
DATA_LN = bytes((0, 0, 96, 1, 0, 255))
ASSOCIATION_LN = bytes((0, 0, 40, 0, 0, 255))


class StandIn:
    """class_id, logical_name, attributes 2.. as a list of Data, methods as callables."""

    def __init__(self, class_id, ln, values, methods=(), short_name=None, sn_method_offset=None):
        self.class_id = class_id
        self.version = 0
        self.logical_name = ln
        self.short_name = short_name
        self.values = list(values)
        self.methods = list(methods)
        self.ATTRIBUTE_COUNT = 1 + len(self.values)
        self.METHOD_COUNT = len(self.methods)
        self.SN_METHOD_OFFSET = sn_method_offset
        self.selection = None  # the selection the last get was given, for the tests
        self.ctx = None

    def get(self, attribute_id, selection, ctx):
        self.ctx = ctx
        self.selection = selection
        if attribute_id == 1:
            return (OCTET_STRING, self.logical_name)
        if not 2 <= attribute_id <= self.ATTRIBUTE_COUNT:
            raise AccessError("no such attribute", 4)
        v = self.values[attribute_id - 2]
        return v(selection) if callable(v) else v

    def set(self, attribute_id, value, ctx):
        if not 2 <= attribute_id <= self.ATTRIBUTE_COUNT:
            raise AccessError("no such attribute", 4)
        old = self.values[attribute_id - 2]
        if not callable(old) and old[0] != value[0]:
            raise AccessError("wrong type", 12)
        self.values[attribute_id - 2] = value

    def action(self, method_id, parameters, ctx):
        if not 1 <= method_id <= self.METHOD_COUNT:
            raise AccessError("no such method", 4)
        return self.methods[method_id - 1](parameters, ctx)


def register(value=1234, short_name=None):
    def reset(params, ctx):
        reg.values[0] = (DOUBLE_LONG_UNSIGNED, 0)
        return None

    reg = StandIn(3, REGISTER_LN, [(DOUBLE_LONG_UNSIGNED, value), (STRUCTURE, [(15, -1), (22, 30)])],
                  [reset], short_name=short_name, sn_method_offset=0x28)
    return reg


def row(i):
    """One profile row: (date-time octet string, a counter, a status)."""
    return (STRUCTURE, [(OCTET_STRING, bytes((7, 234, 1, 1, 4, i // 60 % 24, i % 60, 0, 0, 0x80, 0, 0))),
                        (DOUBLE_LONG_UNSIGNED, 100000 + i), (LONG_UNSIGNED, i & 0xFFFF)])


def profile_rows(first, last):
    """The buffer rows first..last as an EncodedData produced row by row."""
    from microcosem.axdr import encode_data

    def chunks():
        head = bytearray((ARRAY,))
        encode_length(head, last - first + 1)
        yield head
        buf = bytearray()
        for i in range(first, last + 1):
            buf[:] = b""
            encode_data(buf, row(i))
            yield buf
    return EncodedData(chunks())


def profile(rows=1000, short_name=None):
    def buffer(selection):
        if selection is None:
            return profile_rows(1, rows)
        selector, params = selection
        if selector != 2:  # entry descriptor only
            raise AccessError("selector", 13)
        first = params[1][0][1]
        last = params[1][1][1] or rows
        return profile_rows(first, min(last, rows))

    def echo(params, ctx):
        return params

    def blob(params, ctx):
        return (OCTET_STRING, bytes(range(256)) * params[1])

    return StandIn(7, PROFILE_LN, [buffer, (ARRAY, [])], [echo, blob], short_name=short_name,
                   sn_method_offset=0x58)


def data_object(short_name=None):
    def fail(params, ctx):
        raise ValueError("a bug in the object")  # the engine must not let it through
    return StandIn(1, DATA_LN, [(LONG_UNSIGNED, 7)], [fail], short_name=short_name,
                   sn_method_offset=0x10)


def entry_selector(first, last):
    return (2, (STRUCTURE, [(DOUBLE_LONG_UNSIGNED, first), (DOUBLE_LONG_UNSIGNED, last),
                            (LONG_UNSIGNED, 1), (LONG_UNSIGNED, 0)]))


NULL = (NULL_DATA, None)


class Wire:
    """server.handle as a client's send function, remembering every APDU
    that went each way (the security tests look at what was on the wire)."""

    def __init__(self, server, client_sap=1):
        self.server = server
        self.client_sap = client_sap
        self.apdus = []

    def __call__(self, apdu):
        self.apdus.append(bytes(apdu))
        reply = self.server.handle(apdu, self.client_sap)
        if reply is not None:
            self.apdus.append(bytes(reply))
        return reply
