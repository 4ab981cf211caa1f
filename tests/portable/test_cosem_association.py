# heapsize: 144k
# (code: axdr, storage, the server model, and the cosem base, register, clock, profile,
# association and table modules load ~100k of .mpy into the 64-bit unix heap; at 128k the
# whole module runs out after add_object has loaded the table module. The object list
# itself is streamed one element at a time.)
"""COSEM Association LN (15) and Association SN (12): what they report comes
from the association context the server engine passes (ctx)."""

from checks import raises, unhex
from microcosem import axdr
from microcosem.axdr import (ARRAY, BIT_STRING, DOUBLE_LONG_UNSIGNED, ENUM, INTEGER, LONG, LONG_UNSIGNED,
                             NULL_DATA, OCTET_STRING, STRUCTURE, UNSIGNED, VISIBLE_STRING)
from microcosem.cosem.association import AssociationLN, AssociationSN
from microcosem.cosem.base import sn_target
from microcosem.cosem.clock import Clock
from microcosem.cosem.profile import ProfileGeneric
from microcosem.cosem.register import Register
from microcosem.errors import AccessError
from microcosem.server.model import ObjectModel

READ_ONLY = 1


class AssociationConfig:
    # the fields of server.config.AssociationConfig the objects read (that module
    # pulls in the ACSE and initiate APDU codecs, too much code for this heap)
    def __init__(self, client_sap, mechanism=0, secret=None, conformance=0x001E1D, max_pdu=1024,
                 access=None):
        self.client_sap = client_sap
        self.context = 1
        self.mechanism = mechanism
        self.secret = secret
        self.conformance = conformance
        self.max_pdu = max_pdu
        self.access = access

    def attribute_access(self, obj, attribute):
        return 3 if self.access is None else self.access(obj, "a", attribute)

    def method_access(self, obj, method):
        return 1 if self.access is None else self.access(obj, "m", method)


def _code(fn, *args):
    return raises(AccessError, fn, *args).result


class _Server:
    def __init__(self):
        self.contexts = []
        self.hls = []

    def context(self, sap):
        for c in self.contexts:
            if c.client_sap == sap:
                return c
        return None

    def hls_reply(self, ctx, parameters):
        self.hls.append(parameters)
        return (OCTET_STRING, b"f(StoC)")


class _Ctx:
    def __init__(self, server, model, config, status=2, conformance=0x001E1D):
        self.server = server
        self.model = model
        self.config = config
        self.client_sap = config.client_sap
        self.status = status
        self.conformance = conformance
        self.context = config.context
        self.max_pdu = 512
        server.contexts.append(self)


def _setup():
    clock = Clock("0.0.1.0.0.255", time_source=lambda: 0, short_name=0x2000)
    energy = Register("1.0.1.8.0.255", value=(DOUBLE_LONG_UNSIGNED, 5), short_name=0x2100)
    lp = ProfileGeneric("1.0.99.1.0.255", capture_objects=((clock, 2, 0),), short_name=0x2200)
    aln = AssociationLN()
    model = ObjectModel((clock, energy, lp, aln))

    def access(obj, kind, index):
        if kind == "m":
            return 0 if obj.class_id == 8 else 1
        return READ_ONLY

    server = _Server()
    public = _Ctx(server, model, AssociationConfig(16, conformance=0x001E1D, max_pdu=1024))
    reader = _Ctx(server, model, AssociationConfig(32, mechanism=1, secret=b"12345678", access=access))
    return server, model, public, reader, (clock, energy, lp, aln)


def _decode(v):
    out = bytearray()
    v.encode_into(out)
    return axdr.decode(out)


def _elements(v):
    # element by element, as a client walks a long object list
    out = bytearray()
    v.encode_into(out)
    return axdr.ArrayReader(out)


def test_object_list_from_the_model_with_access_rights():
    server, model, public, reader, (clock, energy, lp, aln) = _setup()
    v = aln.get(2, None, public)
    assert type(v) is axdr.EncodedData
    r = _elements(v)
    assert r.count == 4
    n = 0
    for e in r:
        f = e[1]
        if n == 0:
            assert f[:3] == [(LONG_UNSIGNED, 8), (UNSIGNED, 0), (OCTET_STRING, clock.logical_name)]
            attrs, methods = f[3][1]
            assert len(attrs[1]) == 9 and len(methods[1]) == 6
            assert attrs[1][1] == (STRUCTURE, [(INTEGER, 2), (ENUM, 3), (NULL_DATA, None)])
            assert methods[1][0] == (STRUCTURE, [(INTEGER, 1), (ENUM, 1)])
        elif n == 2:  # the profile buffer lists its access selectors
            pattrs = f[3][1][0][1]
            # read-only although the association grants read-write: the buffer refuses a set
            assert pattrs[1] == (STRUCTURE, [(INTEGER, 2), (ENUM, 1), (ARRAY, [(INTEGER, 1), (INTEGER, 2)])])
            assert pattrs[0][1][1] == (ENUM, 1)  # logical_name
        elif n == 3:
            assert f[0] == (LONG_UNSIGNED, 15) and f[1] == (UNSIGNED, 2)
        n += 1
    assert n == 4
    # another client, another access table
    for e in _elements(aln.get(2, None, reader)):
        attrs, methods = e[1][3][1]
        assert attrs[1][1][1][1] == (ENUM, 1) and methods[1][0][1][1] == (ENUM, 0)
        break


def test_partners_context_mechanism_and_status():
    server, model, public, reader, objs = _setup()
    aln = objs[3]
    assert aln.get(3, None, reader) == (STRUCTURE, ((INTEGER, 32), (LONG_UNSIGNED, 1)))
    assert axdr.encode(aln.get(4, None, public)) == unhex("0207 1102 1110 1202F4 1105 1108 1101 1101")
    assert aln.get(6, None, reader)[1][6] == (UNSIGNED, 1)
    assert aln.get(8, None, public) == (ENUM, 2)
    reader.status = 1
    assert aln.get(8, None, reader) == (ENUM, 1)
    x = aln.get(5, None, public)[1]
    assert x[0] == (BIT_STRING, "000000000001111000011101")
    assert x[1] == (LONG_UNSIGNED, 1024) and x[2] == (LONG_UNSIGNED, 512) and x[3] == (UNSIGNED, 6)
    assert _code(aln.get, 2, None, None) == 11
    assert _code(aln.set, 8, (ENUM, 0), public) == 3


def test_an_instance_for_one_client_answers_for_it():
    server, model, public, reader, objs = _setup()
    other = AssociationLN("0.0.40.0.2.255", client_sap=32)
    assert other.get(3, None, public)[1][0] == (INTEGER, 32)
    reader.status = 0
    assert other.get(8, None, public) == (ENUM, 0)
    assert _code(AssociationLN("0.0.40.0.3.255", client_sap=48).get, 8, None, public) == 11


def test_secret_is_write_only_and_change_hls_secret():
    server, model, public, reader, objs = _setup()
    aln = objs[3]
    assert _code(aln.get, 7, None, reader) == 3
    aln.set(7, (OCTET_STRING, b"newpass1"), reader)
    assert reader.config.secret == b"newpass1"
    assert aln.action(2, (OCTET_STRING, b"hls-secret"), reader) is None
    assert reader.config.secret == b"hls-secret"
    assert _code(aln.action, 2, (UNSIGNED, 1), reader) == 12
    assert public.config.secret is None


def test_reply_to_hls_authentication_goes_to_the_engine():
    server, model, public, reader, objs = _setup()
    assert objs[3].action(1, (OCTET_STRING, b"f(CtoS)"), public) == (OCTET_STRING, b"f(StoC)")
    assert server.hls == [(OCTET_STRING, b"f(CtoS)")]


def _ole(class_id, version, ln):
    return (STRUCTURE, [(LONG_UNSIGNED, class_id), (UNSIGNED, version), (OCTET_STRING, ln),
                        (STRUCTURE, [(ARRAY, []), (ARRAY, [])])])


def test_add_and_remove_object():
    server, model, public, reader, (clock, energy, lp, aln) = _setup()
    aln.action(4, _ole(3, 0, energy.logical_name), public)
    assert model.find(3, energy.logical_name) is None and len(_decode(aln.get(2, None, public))[1]) == 3
    assert _code(aln.action, 4, _ole(3, 0, energy.logical_name), public) == 4
    ln = b"\x01\x00\x02\x08\x00\xff"
    aln.action(3, _ole(3, 0, ln), public)           # a new register, with default values
    made = model.find(3, ln)
    assert made is not None and made.get(2, None, None) == (DOUBLE_LONG_UNSIGNED, 0)
    aln.action(3, _ole(3, 0, ln), public)           # already there: nothing to do
    assert len(model) == 4
    assert _code(aln.action, 3, _ole(3, 7, b"\x01\x00\x03\x08\x00\xff"), public) == 250
    assert _code(aln.action, 3, _ole(250, 0, b"\x01\x00\x03\x08\x00\xff"), public) == 250
    assert _code(aln.action, 3, (STRUCTURE, [(UNSIGNED, 1)]), public) == 12


def test_user_list():
    server, model, public, reader, objs = _setup()
    aln = objs[3]
    aln.action(5, (STRUCTURE, [(UNSIGNED, 7), (VISIBLE_STRING, "operator")]), public)
    aln.action(5, (STRUCTURE, [(UNSIGNED, 9), (VISIBLE_STRING, "reader")]), public)
    assert [u[1][0][1] for u in aln.get(10, None, public)[1]] == [7, 9]
    aln.action(6, (STRUCTURE, [(UNSIGNED, 7), (VISIBLE_STRING, "operator")]), public)
    assert [u[1][0][1] for u in aln.get(10, None, public)[1]] == [9]
    assert _code(aln.action, 6, (STRUCTURE, [(UNSIGNED, 7), (VISIBLE_STRING, "x")]), public) == 250
    assert aln.get(11, None, public)[0] == STRUCTURE


def test_association_sn_object_list_with_base_names():
    server, model, public, reader, (clock, energy, lp, aln) = _setup()
    asn = AssociationSN()
    model.add(asn)
    ol = _decode(asn.get(2, None, public))
    names = [(e[1][0][1], e[1][1][1]) for e in ol[1]]
    assert names == [(0x2000, 8), (0x2100, 3), (0x2200, 7), (0xFA00 - 0x10000, 12)]
    assert ol[1][1][1][3] == (OCTET_STRING, energy.logical_name)
    ar = _decode(asn.get(3, None, reader))
    assert ar[1][1][1][0] == (LONG, 0x2100) and len(ar[1][1][1][1][1]) == 3
    assert sn_target(asn, 0xFA20) == ("m", 1) and sn_target(asn, 0xFA30) == ("m", 3)
    assert sn_target(asn, 0xFA58) == ("m", 8)


def test_association_sn_read_by_logicalname():
    server, model, public, reader, (clock, energy, lp, aln) = _setup()
    asn = AssociationSN()
    req = (ARRAY, [(STRUCTURE, [(LONG_UNSIGNED, 3), (OCTET_STRING, energy.logical_name), (INTEGER, 2)]),
                   (STRUCTURE, [(LONG_UNSIGNED, 3), (OCTET_STRING, energy.logical_name), (INTEGER, 1)])])
    assert asn.action(3, req, public) == (ARRAY, [(DOUBLE_LONG_UNSIGNED, 5), (OCTET_STRING, energy.logical_name)])
    bad = (ARRAY, [(STRUCTURE, [(LONG_UNSIGNED, 4), (OCTET_STRING, energy.logical_name), (INTEGER, 2)])])
    assert _code(asn.action, 3, bad, public) == 4
    assert asn.action(8, (OCTET_STRING, b"x"), public) == (OCTET_STRING, b"f(StoC)")
    asn.action(5, (OCTET_STRING, b"lls"), reader)
    assert reader.config.secret == b"lls"
    assert _code(asn.action, 1, None, public) == 3
