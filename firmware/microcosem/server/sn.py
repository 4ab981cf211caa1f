"""Short-name referencing on the server: Read, Write, UnconfirmedWrite (Green Book 9.4).

Loaded by the engine on the first SN request only, so an LN-only meter never
holds it.  A short name maps through ObjectModel.find_sn to an attribute or
a method; a method is invoked by Write (no return data) or by Read, whose
parameterized-access carries the method's parameters and whose answer
carries its return data (Green Book 9.4.4, mapping ACTION to Read/Write).

A Read answer too long for the negotiated PDU goes out as
ReadResponse data-block-result blocks; the client asks for each next block
with block-number-access holding the number of the last block it received.
The raw data is the Data of a one-item Read, the whole SEQUENCE OF
Read-Response CHOICE items of a longer one.
"""

from ..apdu.common import (
    DATA_BLOCK_NUMBER_INVALID, NO_LONG_GET_IN_PROGRESS, OBJECT_UNDEFINED, OTHER_REASON,
)
from ..apdu.initiate import CONFORMANCE_BLOCK_TRANSFER_WITH_GET_OR_READ
from ..apdu.sn import BLOCK_NUMBER_ACCESS, PARAMETERIZED_ACCESS, VARIABLE_NAME
from ..axdr import EncodedData, encode_data, encode_length
from .engine import OUT_READ, PDU_TOO_LONG, SERVICE, SERVICE_NOT_ALLOWED, WRITE, exception_response


def _read_one(server, ctx, spec):
    choice = spec[0]
    if choice != VARIABLE_NAME and choice != PARAMETERIZED_ACCESS:
        return OTHER_REASON
    found = ctx.model.find_sn(spec[1])
    if found is None:
        return OBJECT_UNDEFINED
    obj, kind, index = found
    if kind == "a":
        code = server.check_attribute(ctx, obj, index, False)
        if code:
            return code
        selection = None if choice == VARIABLE_NAME else (spec[2], spec[3])
        return server.read_value(ctx, obj, index, selection)
    code = server.check_method(ctx, obj, index)
    if code:
        return code
    code, ret = server.invoke(ctx, obj, index, None if choice == VARIABLE_NAME else spec[3])
    if code:
        return code
    return (0, None) if ret is None else ret


def read(server, ctx, req):
    specs = req.variable_access_specifications
    if len(specs) == 1 and specs[0][0] == BLOCK_NUMBER_ACCESS:
        out = ctx._out
        n = specs[0][1]
        if out is None or out[0] != OUT_READ:
            return bytes((0x0C, 1, 1, NO_LONG_GET_IN_PROGRESS))
        if n != out[2].block_number:
            ctx._out = None
            return bytes((0x0C, 1, 1, DATA_BLOCK_NUMBER_INVALID))
        return server.next_block(ctx)
    ctx.abort_transfers()
    bit = CONFORMANCE_BLOCK_TRANSFER_WITH_GET_OR_READ
    if len(specs) == 1:
        value = _read_one(server, ctx, specs[0])
        if type(value) is int:
            return bytes((0x0C, 1, 1, value))
        reply = server.start_long(ctx, OUT_READ, 0, (0x0C, 1, 0), value, bit)
        if reply is False:
            return bytes((0x0C, 1, 1, OTHER_REASON))
        return reply or exception_response(SERVICE_NOT_ALLOWED, PDU_TOO_LONG)
    values = []
    for spec in specs:
        v = _read_one(server, ctx, spec)
        if type(v) is not int and type(v) is not EncodedData:
            try:
                v = bytes(encode_data(bytearray(), v))
            except Exception as e:
                server.last_error = e
                v = OTHER_REASON
        values.append(v)
    reply = server.start_long(ctx, OUT_READ, 0, (0x0C,), EncodedData(_items(values)), bit)
    if reply is False:
        return bytes((0x0E, 5, SERVICE, 0))  # confirmed-service-error read, service, other
    return reply or exception_response(SERVICE_NOT_ALLOWED, PDU_TOO_LONG)


def _items(values):
    head = bytearray()
    encode_length(head, len(values))
    yield head
    for v in values:
        if type(v) is int:
            yield bytes((1, v))
        elif type(v) is EncodedData:
            yield b"\x00"
            for c in v.chunks:
                yield c
        else:
            yield b"\x00"
            yield v


def _write_one(server, ctx, spec, value):
    if spec[0] != VARIABLE_NAME:
        return OTHER_REASON  # write-data-block-access: not supported (yet)
    found = ctx.model.find_sn(spec[1])
    if found is None:
        return OBJECT_UNDEFINED
    obj, kind, index = found
    if kind == "a":
        return (server.check_attribute(ctx, obj, index, True)
                or server.write_value(ctx, obj, index, value))
    return server.check_method(ctx, obj, index) or server.invoke(ctx, obj, index, value)[0]


def write(server, ctx, req):
    """WriteResponse bytes (an UnconfirmedWrite's caller drops them)."""
    specs = req.variable_access_specifications
    values = req.values
    if len(specs) != len(values):
        return bytes((0x0E, WRITE, SERVICE, 0))
    ctx.abort_transfers()
    out = bytearray((0x0D,))
    encode_length(out, len(specs))
    for i in range(len(specs)):
        code = _write_one(server, ctx, specs[i], values[i])
        if code:
            out.append(1)
            out.append(code)
        else:
            out.append(0)
    return bytes(out)
