"""Association SN (12, version 2: in association_sn.py, importable from here too)
and Association LN (15, version 2).

IEC 62056-6-2 4.4.3 and 4.4.4.  An association object holds almost nothing
of its own: what it reports (the object list and access rights, the client
and its mechanism, the context negotiated, the association status) comes
from the server engine's context for the association (`ctx`, MODEL.md) and
its AssociationConfig.  The logical name 0.0.40.0.0.255 ("current
association") answers for whichever client asks; an instance with a
`client_sap` answers for that client's association.

The object list is produced as an axdr.EncodedData, one element at a time,
so that a meter with hundreds of objects never builds it whole.
"""

from ..axdr import (ARRAY, BIT_STRING, ENUM, INTEGER, LONG_UNSIGNED, NULL_DATA, OCTET_STRING,
                    STRUCTURE, UNSIGNED, VISIBLE_STRING, EncodedData, encode_data, encode_length)
from ..errors import AccessError
from .base import ANY, OBJECT_UNAVAILABLE, OBJECT_UNDEFINED, OTHER_REASON, CosemObject, check, grow

# association_status (attribute 8)
NON_ASSOCIATED = 0
ASSOCIATION_PENDING = 1
ASSOCIATED = 2

_OLE_TD = (STRUCTURE, (LONG_UNSIGNED, UNSIGNED, OCTET_STRING, ANY))  # object_list_element
_USER_TD = (STRUCTURE, (UNSIGNED, VISIBLE_STRING))
_LN_ATTR_TD = (STRUCTURE, (LONG_UNSIGNED, OCTET_STRING, INTEGER))


def _oid(kind, n):
    # {joint-iso-ctt(2) country(16) country-name(756) identified-organization(5)
    #  DLMS-UA(8) application-context(1) | authentication-mechanism-name(2), id}
    return (STRUCTURE, ((UNSIGNED, 2), (UNSIGNED, 16), (LONG_UNSIGNED, 756), (UNSIGNED, 5),
                        (UNSIGNED, 8), (UNSIGNED, kind), (UNSIGNED, n)))


def _bits24(v):
    out = bytearray(24)
    for n in range(24):
        out[n] = 0x31 if v & (1 << (23 - n)) else 0x30
    return out.decode()


def _access_rights(obj, cfg, method_enum):
    attrs = []
    for i in range(1, obj.ATTRIBUTE_COUNT + 1):
        mode = 3 if cfg is None else cfg.attribute_access(obj, i)
        # what the class itself refuses is no right either: a write-only secret
        # is not readable, a computed value or the logical name not writable
        bit = 1 << i
        if obj.WRITE_ONLY & bit:
            mode &= 2
        if obj.READ_ONLY & bit or i == 1:
            mode &= 1
        if obj.SELECTIVE & (1 << i):
            sel = (ARRAY, tuple((INTEGER, s) for s in obj.SELECTORS))
        else:
            sel = (NULL_DATA, None)
        attrs.append((STRUCTURE, ((INTEGER, i), (ENUM, mode), sel)))
    methods = []
    for j in range(1, obj.METHOD_COUNT + 1):
        m = 1 if cfg is None else cfg.method_access(obj, j)
        methods.append((STRUCTURE, ((INTEGER, j), (ENUM, m) if method_enum else (3, bool(m)))))
    return (STRUCTURE, ((ARRAY, attrs), (ARRAY, methods)))


def _stream(objs, element):
    """An EncodedData of the array of element(obj) for each object, made one by one."""
    n = len(objs)

    def chunks():
        out = bytearray()
        out.append(ARRAY)
        encode_length(out, n)
        yield bytes(out)
        for obj in objs:
            out[:] = b""
            encode_data(out, element(obj))
            yield bytes(out)

    return EncodedData(chunks())


class _Association(CosemObject):
    client_sap = None
    security_setup_reference = (OCTET_STRING, b"\x00\x00\x2b\x00\x00\xff")

    def __init__(self, logical_name, short_name=None, client_sap=None, **values):
        CosemObject.__init__(self, logical_name, short_name, **values)
        if client_sap is not None:
            self.client_sap = client_sap

    def _context(self, ctx):
        """The engine's context of the association this object stands for."""
        if ctx is None:
            raise AccessError("no association context", OBJECT_UNAVAILABLE)
        if self.client_sap is None or self.client_sap == ctx.client_sap:
            return ctx
        other = ctx.server.context(self.client_sap)
        if other is None:
            raise AccessError("no association for client %d" % self.client_sap, OBJECT_UNAVAILABLE)
        return other

    def _secret(self, ctx, parameters):
        check(parameters, OCTET_STRING)
        self._context(ctx).config.secret = bytes(parameters[1])


class AssociationLN(_Association):
    """Association LN, class 15 version 2."""

    class_id = 15
    version = 2
    ATTRIBUTE_COUNT = 11
    METHOD_COUNT = 6
    SN_METHOD_OFFSET = 0x60
    ATTRS = ("object_list", "associated_partners_id", "application_context_name",
             "xdlms_context_info", "authentication_mechanism_name", "secret",
             "association_status", "security_setup_reference", "user_list", "current_user")
    TYPES = (ANY, ANY, ANY, ANY, ANY, OCTET_STRING, ANY, OCTET_STRING, (ARRAY, _USER_TD), ANY)
    READ_ONLY = 0b101111100 | 1 << 11  # 2-6, 8 and 11 describe the association
    WRITE_ONLY = 1 << 7               # the secret is never read back
    server_sap = 1
    user_list = (ARRAY, ())
    current_user = (STRUCTURE, ((UNSIGNED, 0), (VISIBLE_STRING, "")))

    def __init__(self, logical_name="0.0.40.0.0.255", short_name=None, client_sap=None,
                 server_sap=None, **values):
        _Association.__init__(self, logical_name, short_name, client_sap, **values)
        if server_sap is not None:
            self.server_sap = server_sap

    def _get(self, i, selection, ctx):
        if i == 9 or i == 10 or i == 11:
            return CosemObject._get(self, i, selection, ctx)
        a = self._context(ctx)
        cfg = a.config
        if i == 2:
            return _stream(a.model.objects(), lambda o: (STRUCTURE, (
                (LONG_UNSIGNED, o.class_id), (UNSIGNED, o.version), (OCTET_STRING, o.logical_name),
                _access_rights(o, cfg, True))))
        if i == 3:
            return (STRUCTURE, ((INTEGER, a.client_sap), (LONG_UNSIGNED, self.server_sap)))
        if i == 4:
            return _oid(1, a.context)
        if i == 5:
            conf = a.conformance if a.status == ASSOCIATED else cfg.conformance
            send = getattr(a, "max_pdu", cfg.max_pdu)
            return (STRUCTURE, ((BIT_STRING, _bits24(conf)), (LONG_UNSIGNED, cfg.max_pdu),
                                (LONG_UNSIGNED, send), (UNSIGNED, 6), (INTEGER, 0),
                                (OCTET_STRING, b"")))
        if i == 6:
            return _oid(2, cfg.mechanism)
        return (ENUM, a.status)  # 8

    def _set(self, i, value, ctx):
        if i == 7:
            self._secret(ctx, value)
            return
        CosemObject._set(self, i, value, ctx)

    def _action(self, m, parameters, ctx):
        if m == 1:    # reply_to_HLS_authentication: the engine holds the challenges
            if ctx is None:
                raise AccessError("no association context", OBJECT_UNAVAILABLE)
            return ctx.server.hls_reply(ctx, parameters)
        if m == 2:    # change_HLS_secret
            self._secret(ctx, parameters)
            return None
        if m == 3 or m == 4:  # add_object / remove_object (object_list_element)
            check(parameters, _OLE_TD)
            f = parameters[1]
            model = self._context(ctx).model
            obj = model.find(f[0][1], bytes(f[2][1]))
            if m == 4:
                if obj is None:
                    raise AccessError("object not in the list", OBJECT_UNDEFINED)
                model.remove(obj)
                return None
            if obj is None:
                from .table import make
                obj = make(f[0][1], bytes(f[2][1]))
                if obj is None or obj.version != f[1][1]:
                    raise AccessError("class %d version %d not available" % (f[0][1], f[1][1]),
                                      OTHER_REASON)
                model.add(obj)
            return None
        # add_user / remove_user ({user_id, user_name})
        check(parameters, _USER_TD)
        uid = parameters[1][0][1]
        users = [u for u in self.user_list[1] if u[1][0][1] != uid]
        if m == 5:
            users = list(grow(users, parameters))
        elif len(users) == len(self.user_list[1]):
            raise AccessError("no such user", OTHER_REASON)
        self.user_list = (ARRAY, tuple(users))
        return None


def __getattr__(name):
    # Association SN lives in association_sn.py: an LN meter leaves it out
    if name == "AssociationSN":
        from .association_sn import AssociationSN
        return AssociationSN
    raise AttributeError(name)
