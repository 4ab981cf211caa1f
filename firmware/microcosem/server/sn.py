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

A request too long for the server's PDU comes the other way (Green Book
9.4.4, transfer of long service parameters): a ReadRequest whose one
specification is read-data-block-access carries a slice of the encoded
SEQUENCE OF Variable-Access-Specification; a WriteRequest whose one
specification is write-data-block-access carries, as its one Data (an
octet-string), a slice of the encoded two lists of the WriteRequest.  Blocks
are numbered from 1; each one but the last is acknowledged with the
block-number choice of ReadResponse [3] / WriteResponse [2], and the last is
answered as the whole request would have been (a long Read answer then goes
out in data-block-result blocks as above).
"""

from ..apdu.common import (
    DATA_BLOCK_NUMBER_INVALID, LONG_GET_ABORTED, LONG_SET_ABORTED, NO_LONG_GET_IN_PROGRESS,
    OBJECT_UNDEFINED, OTHER_REASON, decode_data_list,
)
from ..apdu.initiate import (
    CONFORMANCE_BLOCK_TRANSFER_WITH_GET_OR_READ, CONFORMANCE_BLOCK_TRANSFER_WITH_SET_OR_WRITE,
)
from ..apdu.sn import (
    BLOCK_NUMBER_ACCESS, PARAMETERIZED_ACCESS, READ_DATA_BLOCK_ACCESS, VARIABLE_NAME,
    WRITE_DATA_BLOCK_ACCESS, decode_variable_access_list,
)
from ..axdr import OCTET_STRING, EncodedData, encode_data, encode_length
from ..blocks import BlockSink
from ..compat import const
from ..errors import DecodeError
from .engine import (
    OUT_READ, PDU_TOO_LONG, READ, SERVICE, SERVICE_NOT_ALLOWED, SERVICE_NOT_SUPPORTED, WRITE,
    exception_response, result_chunks,
)

# ctx._in kinds of a long SN request (the engine's LN ones are 1..4)
_IN_READ = const(5)
_IN_WRITE = const(6)


def _request_block(ctx, kind, last, n, raw):
    """One block of a long Read / Write request: the gathered encoding (a
    memoryview) once the last block is in, None while more are due, or an int
    data-access-result that ends the transfer."""
    pending = ctx._in
    if n == 1:
        ctx.abort_transfers()  # block 1 starts afresh, whatever was under way
        sink = BlockSink(ctx.config.block_limit)
        ctx._in = (kind, 0, None, sink)
    elif pending is None or pending[0] != kind:
        ctx.abort_transfers()
        return DATA_BLOCK_NUMBER_INVALID  # block n where block 1 was due
    else:
        sink = pending[3]
    try:
        sink.add(n, raw, last)
    except DecodeError:
        ctx._in = None
        if n != sink.block_number + 1:
            return DATA_BLOCK_NUMBER_INVALID
        return LONG_GET_ABORTED if kind == _IN_READ else LONG_SET_ABORTED  # over block_limit
    if not sink.done:
        return None
    ctx._in = None
    return sink.data


def _service_error(service):
    # ConfirmedServiceError read | write, ServiceError service [3], other (0)
    return bytes((0x0E, service, SERVICE, 0))


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
    if len(specs) == 1 and specs[0][0] == READ_DATA_BLOCK_ACCESS:
        if not ctx.conformance & CONFORMANCE_BLOCK_TRANSFER_WITH_GET_OR_READ:
            return exception_response(SERVICE_NOT_ALLOWED, SERVICE_NOT_SUPPORTED)
        _, last, n, raw = specs[0]
        data = _request_block(ctx, _IN_READ, last, n, raw)
        if data is None:
            return bytes((0x0C, 1, 3, n >> 8, n & 0xFF))  # block-number: block n is in
        if type(data) is int:
            return bytes((0x0C, 1, 1, data))
        try:
            specs, pos = decode_variable_access_list(data, 0, len(data))
            if pos != len(data):
                raise DecodeError("bytes after the specifications", pos)
        except DecodeError:
            return _service_error(READ)
        data = None
        return _read(server, ctx, specs)
    if len(specs) == 1 and specs[0][0] == BLOCK_NUMBER_ACCESS:
        out = ctx._out
        n = specs[0][1]
        if out is None or out[0] != OUT_READ:
            return bytes((0x0C, 1, 1, NO_LONG_GET_IN_PROGRESS))
        if n != out[2].block_number:
            ctx._out = None
            return bytes((0x0C, 1, 1, DATA_BLOCK_NUMBER_INVALID))
        return server.next_block(ctx)
    return _read(server, ctx, specs)


def _read(server, ctx, specs):
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
    reply = server.start_long(ctx, OUT_READ, 0, (0x0C,), EncodedData(result_chunks(values)), bit)
    if reply is False:
        return _service_error(READ)
    return reply or exception_response(SERVICE_NOT_ALLOWED, PDU_TOO_LONG)


def _write_one(server, ctx, spec, value):
    if spec[0] != VARIABLE_NAME:
        return OTHER_REASON  # a block access among others, or nested in a long request
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
        return _service_error(WRITE)
    if len(specs) == 1 and specs[0][0] == WRITE_DATA_BLOCK_ACCESS and req.TAG == 0x06:
        if not ctx.conformance & CONFORMANCE_BLOCK_TRANSFER_WITH_SET_OR_WRITE:
            return exception_response(SERVICE_NOT_ALLOWED, SERVICE_NOT_SUPPORTED)
        _, last, n = specs[0]
        if values[0][0] != OCTET_STRING:
            ctx.abort_transfers()
            return bytes((0x0D, 1, 1, LONG_SET_ABORTED))
        data = _request_block(ctx, _IN_WRITE, last, n, values[0][1])
        if data is None:
            return bytes((0x0D, 1, 2, n >> 8, n & 0xFF))  # block-number: block n is in
        if type(data) is int:
            return bytes((0x0D, 1, 1, data))
        try:
            specs, pos = decode_variable_access_list(data, 0, len(data))
            values, pos = decode_data_list(data, pos, len(data))
            if pos != len(data) or len(specs) != len(values):
                raise DecodeError("the two lists do not match", pos)
        except DecodeError:
            return _service_error(WRITE)
        data = None
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
