"""Association SN (class 12, version 2), IEC 62056-6-2 4.4.3: see association.py.

Apart from Association LN so that a meter that speaks LN referencing only
leaves it out; `from microcosem.cosem.association import AssociationSN` still
works.
"""

from ..axdr import ARRAY, LONG, LONG_UNSIGNED, OCTET_STRING, STRUCTURE, UNSIGNED
from ..errors import AccessError
from .association import _LN_ATTR_TD, _Association, _access_rights, _stream
from .base import (ANY, OBJECT_UNAVAILABLE, OBJECT_UNDEFINED, READ_WRITE_DENIED, CosemObject,
                   check)


class AssociationSN(_Association):
    """Association SN, class 12 version 2: the object list with base names."""

    class_id = 12
    version = 2
    ATTRIBUTE_COUNT = 4
    METHOD_COUNT = 8
    SN_METHOD_OFFSET = 0x20
    ATTRS = ("object_list", "access_rights_list", "security_setup_reference")
    TYPES = (ANY, ANY, OCTET_STRING)
    READ_ONLY = 1 << 2 | 1 << 3

    def __init__(self, logical_name="0.0.40.0.0.255", short_name=0xFA00, client_sap=None, **values):
        _Association.__init__(self, logical_name, short_name, client_sap, **values)

    def _get(self, i, selection, ctx):
        if i == 4:
            return CosemObject._get(self, i, selection, ctx)
        a = self._context(ctx)
        objs = [o for o in a.model.objects() if o.short_name is not None]
        if i == 2:
            return _stream(objs, lambda o: (STRUCTURE, (
                (LONG, _long(o.short_name)), (LONG_UNSIGNED, o.class_id), (UNSIGNED, o.version),
                (OCTET_STRING, o.logical_name))))
        cfg = a.config
        return _stream(objs, lambda o: (STRUCTURE, ((LONG, _long(o.short_name)),)
                                        + _access_rights(o, cfg, True)[1]))

    def _action(self, m, parameters, ctx):
        if m == 3:    # read_by_logicalname: array of {class_id, logical_name, attribute_index}
            check(parameters, (ARRAY, _LN_ATTR_TD))
            model = self._context(ctx).model
            out = []
            for p in parameters[1]:
                f = p[1]
                obj = model.find(f[0][1], bytes(f[1][1]))
                if obj is None:
                    raise AccessError("no such object", OBJECT_UNDEFINED)
                out.append(obj.get(f[2][1], None, ctx))
            return (ARRAY, out)
        if m == 5 or m == 6:  # change_LLS_secret / change_HLS_secret
            self._secret(ctx, parameters)
            return None
        if m == 8:    # reply_to_HLS_authentication
            if ctx is None:
                raise AccessError("no association context", OBJECT_UNAVAILABLE)
            return ctx.server.hls_reply(ctx, parameters)
        raise AccessError("method %d not supported" % m, READ_WRITE_DENIED)


def _long(sn):
    # base_name is a long (Integer16) in the object list; names above 0x7FFF wrap
    return sn - 0x10000 if sn >= 0x8000 else sn
