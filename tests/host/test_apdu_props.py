"""Property tests of the APDU codecs (CPython only: hypothesis).

1. Any bytes into `decode_apdu` raise DecodeError or decode; what decodes
   re-encodes to bytes that decode to the same APDU and encode to themselves.
   (Not always to the input bytes: the decoders accept what peers send that
   has one canonical form on output: non-minimal A-XDR and BER lengths, a
   BOOLEAN byte other than 00/01/FF, BER INTEGERs with a redundant leading
   octet, non-zero unused bits, ACSE elements out of order, Gurux's 09 marker
   before an EventNotificationRequest's time.)
2. Every APDU class, built from random field values, encodes, decodes to an
   equal APDU, and re-encodes byte for byte; every truncation is a DecodeError.
"""

from hypothesis import HealthCheck, given, settings, strategies as st

from microcosem import apdu as apdu_pkg
from microcosem.apdu import APDU_TABLE, apdu_class, decode_apdu
from microcosem.axdr import (ARRAY, BOOLEAN, DOUBLE_LONG, DOUBLE_LONG_UNSIGNED, INTEGER,
                             LONG_UNSIGNED, NULL_DATA, OCTET_STRING, STRUCTURE, UNSIGNED,
                             VISIBLE_STRING)
from microcosem.errors import DecodeError

CLASSES = [apdu_class(t, c) for t, c, _, _ in APDU_TABLE]

u8 = st.integers(0, 0xFF)
u16 = st.integers(0, 0xFFFF)
u32 = st.integers(0, 0xFFFFFFFF)
raw = st.binary(max_size=40)
leaves = st.one_of(
    st.just((NULL_DATA, None)), st.booleans().map(lambda v: (BOOLEAN, v)),
    st.integers(-2**31, 2**31 - 1).map(lambda v: (DOUBLE_LONG, v)),
    u32.map(lambda v: (DOUBLE_LONG_UNSIGNED, v)), u8.map(lambda v: (UNSIGNED, v)),
    st.integers(-128, 127).map(lambda v: (INTEGER, v)), u16.map(lambda v: (LONG_UNSIGNED, v)),
    st.binary(max_size=20).map(lambda v: (OCTET_STRING, v)),
    st.text("abcXYZ 019", max_size=10).map(lambda v: (VISIBLE_STRING, v)))
data = st.recursive(leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=4).map(lambda v: (ARRAY, v)),
    st.lists(inner, max_size=4).map(lambda v: (STRUCTURE, v))), max_leaves=8)
descriptor = st.tuples(u16, st.binary(min_size=6, max_size=6), st.integers(-128, 127))
selection = st.one_of(st.none(), st.tuples(u8, data))
get_result = st.one_of(data, u8)
opt_time = st.one_of(st.none(), st.binary(min_size=1, max_size=12))
variable_access = st.one_of(
    st.tuples(st.just(2), u16), st.tuples(st.just(4), u16, u8, data), st.tuples(st.just(5), u16),
    st.tuples(st.just(6), st.booleans(), u16, raw), st.tuples(st.just(7), st.booleans(), u16))
oid_value = st.one_of(st.integers(0, 200), st.tuples(st.integers(0, 2), st.integers(0, 39),
                                                      st.integers(0, 2**20)))
ber_int = st.integers(-2**40, 2**40)
bits = st.text("01", max_size=12)
auth = st.one_of(raw, st.tuples(st.integers(1, 3), raw))


def opt(s):
    return st.one_of(st.none(), s)


# the form of each field, by name; CLASS_FIELDS below overrides where a name means more than one thing
FIELD = {
    "invoke_id_and_priority": u8, "attribute_descriptor": descriptor, "access_selection": selection,
    "block_number": u32, "attribute_descriptors": st.lists(st.tuples(descriptor, selection), max_size=3),
    "last_block": st.booleans(), "raw_data": raw, "value": data, "values": st.lists(data, max_size=3),
    "method_descriptor": descriptor, "method_descriptors": st.lists(descriptor, max_size=3),
    "return_parameters": opt(get_result), "long_invoke_id_and_priority": u32, "date_time": opt_time,
    "body": data, "time": opt(raw), "variable_access_specifications": st.lists(variable_access, max_size=3),
    "current_time": opt_time,
    # ACSE
    "protocol_version": opt(bits), "application_context_name": opt(oid_value),
    "mechanism_name": opt(oid_value), "sender_acse_requirements": opt(bits),
    "responder_acse_requirements": opt(bits), "implementation_information": opt(raw),
    "user_information": opt(raw), "calling_authentication_value": opt(auth),
    "responding_authentication_value": opt(auth),
    "result_source_diagnostic": opt(st.tuples(st.integers(1, 2), ber_int)), "reason": opt(ber_int),
    # initiate
    "dedicated_key": opt(raw), "response_allowed": st.sampled_from([None, True, False]),
    "proposed_quality_of_service": opt(st.integers(-128, 127)),
    "negotiated_quality_of_service": opt(st.integers(-128, 127)),
    "proposed_dlms_version_number": u8, "negotiated_dlms_version_number": u8,
    "proposed_conformance": st.integers(0, 0xFFFFFF), "negotiated_conformance": st.integers(0, 0xFFFFFF),
    "client_max_receive_pdu_size": u16, "server_max_receive_pdu_size": u16, "vaa_name": u16,
    # errors
    "service": st.integers(1, 19), "error_type": st.integers(0, 10), "error": u8,
    "state_error": st.integers(1, 2), "service_error": st.integers(1, 6), "invocation_counter": u32,
}
for _n in ("called_ap_title", "called_ae_qualifier", "calling_ap_title", "calling_ae_qualifier",
           "responding_ap_title", "responding_ae_qualifier"):
    FIELD[_n] = opt(raw)
for _n in ("called_ap_invocation_id", "called_ae_invocation_id", "calling_ap_invocation_id",
           "calling_ae_invocation_id", "responding_ap_invocation_id", "responding_ae_invocation_id"):
    FIELD[_n] = opt(ber_int)

CLASS_FIELDS = {
    "GetResponseNormal": {"result": get_result},
    "GetResponseWithDatablock": {"result": st.one_of(raw, u8)},
    "GetResponseWithList": {"results": st.lists(get_result, max_size=3)},
    "SetResponseNormal": {"result": u8}, "SetResponseLastDatablock": {"result": u8},
    "SetResponseLastDatablockWithList": {"results": st.lists(u8, max_size=3)},
    "SetResponseWithList": {"results": st.lists(u8, max_size=3)},
    "ActionRequestNormal": {"parameters": opt(data)},
    "ActionRequestWithList": {"parameters": st.lists(data, max_size=3)},
    "ActionResponseNormal": {"result": u8},
    "ActionResponseWithList": {"results": st.lists(st.tuples(u8, opt(get_result)), max_size=3)},
    "ReadResponse": {"results": st.lists(st.one_of(
        st.tuples(st.just(0), data), st.tuples(st.just(1), u8),
        st.tuples(st.just(2), st.tuples(st.booleans(), u16, raw)), st.tuples(st.just(3), u16)),
        max_size=3)},
    "WriteResponse": {"results": st.lists(st.one_of(
        st.tuples(st.just(0), st.none()), st.tuples(st.just(1), u8), st.tuples(st.just(2), u16)),
        max_size=3)},
    "AARE": {"result": opt(ber_int)},
    "EventNotificationRequest": {"time": opt(raw)},
}


def _fields_of(cls):
    over = CLASS_FIELDS.get(cls.__name__, {})
    kw = {n: over.get(n, FIELD.get(n)) for n in cls.FIELDS}
    missing = [n for n, s in kw.items() if s is None]
    assert not missing, (cls.__name__, missing)
    return st.fixed_dictionaries(kw)


def _build(cls, kw):
    if cls.__name__ == "ExceptionResponse":
        if kw["service_error"] != 6:
            kw["invocation_counter"] = None
    return cls(**kw)


def _apdus():
    strategies = []
    for cls in CLASSES:
        strategies.append(_fields_of(cls).map(lambda kw, cls=cls: _build(cls, kw)))
    return st.one_of(strategies)


def test_every_class_has_a_strategy_and_honest_names():
    assert len(CLASSES) == len(APDU_TABLE) == 42
    for cls in CLASSES:
        _fields_of(cls)
        assert cls.__doc__, cls.__name__
        for field, table in cls.NAMES:
            assert field in cls.FIELDS, (cls.__name__, field)
            assert table and all(type(c) is int and type(n) is str for c, n in table)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_apdus())
def test_every_apdu_round_trips_byte_for_byte(a):
    b = a.to_bytes()
    back = decode_apdu(b)
    assert type(back) is type(a) and back == a, (a, back)
    assert back.to_bytes() == b
    for i in range(0, len(b), max(1, len(b) // 16)):
        try:
            decode_apdu(b[:i])
        except DecodeError:
            continue
        raise AssertionError("truncation to %d bytes decoded: %s" % (i, b.hex()))


def _check_decodes_or_refuses(b):
    try:
        a = decode_apdu(b)
    except DecodeError as e:
        assert e.offset is None or 0 <= e.offset <= len(b), (e, b.hex())
        return None
    again = a.to_bytes()
    back = decode_apdu(again)
    assert back == a, (b.hex(), a, back)
    assert back.to_bytes() == again
    return a


# first bytes that reach each decoder, then its CHOICE byte, then noise
_heads = st.sampled_from(sorted(set(
    bytes((t,)) if c is None else bytes((t, c)) for t, c, _, _ in APDU_TABLE)))


@settings(max_examples=2000, deadline=None)
@given(st.one_of(st.binary(max_size=64), st.tuples(_heads, st.binary(max_size=64)).map(b"".join)))
def test_random_bytes_raise_only_decode_error(b):
    _check_decodes_or_refuses(b)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_apdus(), st.data())
def test_mutated_encodings_raise_only_decode_error(a, draw):
    b = bytearray(a.to_bytes())
    for _ in range(draw.draw(st.integers(1, 3))):
        i = draw.draw(st.integers(0, len(b) - 1))
        b[i] = draw.draw(u8)
    cut = draw.draw(st.integers(0, len(b)))
    _check_decodes_or_refuses(bytes(b[:cut]))
    _check_decodes_or_refuses(bytes(b))


def test_the_lenient_forms_are_the_documented_ones():
    # each decodes, and re-encodes to the one canonical form
    for given_hex, canonical in (
        ("60 05 80 03 00 80 00", "60 05 80 03 00 80 00"),     # 16 bits: canonical already
        ("60 04 80 02 07 FF", "60 04 80 02 07 80"),           # non-zero unused bits
        ("62 04 80 02 00 01", "62 03 80 01 01"),              # INTEGER with a redundant octet
        ("62 81 03 80 01 00", "62 03 80 01 00"),              # non-minimal BER length
        ("C4 01 C1 00 03 02", "C4 01 C1 00 03 01"),           # BOOLEAN 02 is TRUE
        ("C4 02 C1 05 00000001 00 00", "C4 02 C1 01 00000001 00 00"),  # last-block BOOLEAN
        ("C2 09 01 AA 0001 0000600100FF 02 00", "C2 01 01 AA 0001 0000600100FF 02 00"),  # Gurux's time marker
    ):
        a = decode_apdu(bytes.fromhex(given_hex.replace(" ", "")))
        assert a.to_bytes().hex() == canonical.replace(" ", "").lower(), (given_hex, a)
    assert apdu_pkg.decode_apdu is decode_apdu
