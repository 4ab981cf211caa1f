"""Security setup's key and certificate methods (IEC 62056-6-2, class 64
version 1, methods 2-8), for cosem.setup.SecuritySetup, which calls
`action(setup, m, parameters, ctx)` and is imported only when a method
comes: a meter that never changes keys never loads this.

What the object holds (plain attributes, set by the firmware):
    setup.security       the ServerSecurity the object is bound to (ek, ak,
                         broadcast_key are replaced in it)
    setup.master_key     the KEK (key_transfer unwraps with it; else the
                         ServerSecurity's master_key; a new one goes to both)
    setup.key_pairs      {0: signature, 1: key agreement, 2: TLS} -> (private, X||Y)
    setup.trusted        DER certificates of the CAs an imported certificate
                         must be signed by (one level)
    setup.stored         the DER certificates imported (attribute 6 lists them)

    2 key_transfer (array of {key_id, key_wrapped}): RFC 3394 unwrap with the
      master key; all or nothing.  key_id 0 global unicast encryption key, 1
      broadcast, 2 authentication key, 3 the master key itself.
    3 key_agreement (array of {key_id, key_ciphered_data}): the Ephemeral
      Unified Model C(2e,0s): the client's ephemeral key Qe_U || its signature
      of key_id || Qe_U under the client's signing key (from its certificate,
      entity client, type digital signature, the association's client system
      title; the signed bytes as gurux-dlms forms them); the answer is the
      server's Qe_V || its signature of key_id || Qe_V under key_pairs[0].  The
      key comes from security.agreement (U = client, V = server).
    4 generate_key_pair (enum), 5 generate_certificate_request (enum) ->
      PKCS#10 DER with CN = the server system title in hex, 6
      import_certificate (octet-string), 7 export_certificate / 8
      remove_certificate (certificate_identification: by entity {entity, type,
      system title} or by serial {serial_number, issuer}).
"""

from ..axdr import ARRAY, ENUM, OCTET_STRING, STRUCTURE
from ..errors import AccessError, DlmsError

_OTHER_REASON = 250
_TYPE_UNMATCHED = 12
_READ_WRITE_DENIED = 3

ENTITY_SERVER = 0
ENTITY_CLIENT = 1
ENTITY_CA = 2
ENTITY_OTHER = 3
TYPE_SIGNATURE = 0
TYPE_AGREEMENT = 1
TYPE_TLS = 2
TYPE_OTHER = 3


def _refuse(why, code=_OTHER_REASON):
    raise AccessError(why, code)


def _items(parameters, n):
    # array of structure {enum, octet-string} (n == 2), checked by hand
    if type(parameters) is not tuple or len(parameters) != 2 or parameters[0] != ARRAY:
        _refuse("array expected", _TYPE_UNMATCHED)
    out = []
    try:
        for item in parameters[1]:
            if (item[0] != STRUCTURE or len(item[1]) != n or item[1][0][0] != ENUM
                    or item[1][1][0] != OCTET_STRING or type(item[1][0][1]) is not int):
                raise TypeError
            out.append((item[1][0][1], bytes(item[1][1][1])))
    except (TypeError, IndexError, KeyError, ValueError):
        _refuse("structure {enum, octet-string} expected", _TYPE_UNMATCHED)
    if not out:
        _refuse("no keys")
    return out


def _curve(setup):
    from . import agreement

    try:
        return agreement.curve(setup.security_suite[1])
    except DlmsError:
        _refuse("key pairs exist in security suites 1 and 2 only")


def _security(setup):
    sec = getattr(setup, "security", None)
    if sec is None:
        _refuse("no ciphering layer bound to this security setup", _READ_WRITE_DENIED)
    return sec


def _install(setup, key_id, key):
    sec = _security(setup)
    if key_id == 0:
        sec.ek = key
    elif key_id == 1:
        sec.broadcast_key = key
    elif key_id == 2:
        sec.ak = key
    else:
        setup.master_key = key
        sec.master_key = key  # general-ciphering's wrapped keys follow the new KEK


def key_transfer(setup, parameters):
    from .keywrap import unwrap

    kek = getattr(setup, "master_key", None)
    if kek is None:  # the ServerSecurity's, when the firmware gave it there only
        kek = getattr(getattr(setup, "security", None), "master_key", None)
    if kek is None:
        _refuse("no master key")
    n = 32 if setup.security_suite[1] == 2 else 16
    new = []
    for key_id, wrapped in _items(parameters, 2):
        if not 0 <= key_id <= 3:
            _refuse("key_id %d unknown" % key_id)
        try:
            key = unwrap(kek, wrapped)
        except DlmsError:
            _refuse("key unwrap failed")
        if len(key) != n:
            _refuse("the suite needs %d-byte keys" % n)
        new.append((key_id, key))
    _security(setup)
    for key_id, key in new:  # all unwrapped: now installed
        _install(setup, key_id, key)
    return None


def _pair(setup, which):
    pairs = getattr(setup, "key_pairs", None)
    if pairs is None:
        setup.key_pairs = pairs = {}
    p = pairs.get(which)
    if p is None:
        _refuse("no key pair %d: generate_key_pair first" % which)
    return p


def _certs(setup):
    from .x509 import Certificate

    out = []
    for der in getattr(setup, "stored", None) or ():
        out.append(Certificate(der))
    return out


def _hex_title(title):
    return "".join("%02X" % b for b in bytes(title)).encode()


def _info(setup, c):
    """(entity, type) of a certificate, from its CA flag, its subject CN
    (the system title in hex) and its KeyUsage."""
    from . import x509

    if c.is_ca:
        entity = ENTITY_CA
    elif c.subject_cn == _hex_title(setup.server_system_title[1]):
        entity = ENTITY_SERVER
    else:
        entity = ENTITY_CLIENT
    ku = c.key_usage or 0
    if ku & x509.KU_DIGITAL_SIGNATURE and ku & x509.KU_KEY_AGREEMENT:
        kind = TYPE_TLS
    elif ku & x509.KU_DIGITAL_SIGNATURE:
        kind = TYPE_SIGNATURE
    elif ku & x509.KU_KEY_AGREEMENT:
        kind = TYPE_AGREEMENT
    else:
        kind = TYPE_OTHER
    return entity, kind


def _refresh(setup):
    items = []
    for c in _certs(setup):
        entity, kind = _info(setup, c)
        items.append((STRUCTURE, ((ENUM, entity), (ENUM, kind), (OCTET_STRING, c.serial),
                                  (OCTET_STRING, c.issuer), (OCTET_STRING, c.subject),
                                  (OCTET_STRING, b""))))
    setup.certificates = (ARRAY, tuple(items))


def _signing_key_of(setup, title):
    # the client's signature key: its certificate, by entity and system title
    want = _hex_title(title)
    for c in _certs(setup):
        e, k = _info(setup, c)
        if e == ENTITY_CLIENT and k in (TYPE_SIGNATURE, TYPE_TLS) and c.subject_cn == want:
            return c.curve, c.public_key
    _refuse("no signature certificate for the client")


def key_agreement(setup, parameters, ctx):
    from . import agreement, ec, ecdsa, kdf

    suite = setup.security_suite[1]
    curve = _curve(setup)
    title_u = None if ctx is None else getattr(ctx, "client_system_title", None)
    if title_u is None:
        _refuse("no client system title")
    title_v = setup.server_system_title[1]
    ccurve, qsign_u = _signing_key_of(setup, title_u)
    sign_v = _pair(setup, 0)[0]
    n = 2 * curve.size
    new = []
    answer = []
    for key_id, data in _items(parameters, 2):
        if not 0 <= key_id <= 3:
            _refuse("key_id %d unknown" % key_id)
        if len(data) != 2 * n or ccurve is not curve:
            _refuse("key_ciphered_data is Qe || signature on the suite's curve")
        qe_u = data[0:n]
        if not ecdsa.verify(curve, qsign_u, bytes((key_id,)) + qe_u, data[n:]):
            _refuse("the client's ephemeral key is not signed by its certificate's key")
        e_v, qe_v = ec.generate_keypair(curve)
        if key_id == 3:
            alg = kdf.AES_WRAP_256 if suite == 2 else kdf.AES_WRAP_128
        else:
            alg = None
        try:
            key = agreement.ephemeral_unified(suite, e_v, qe_u, title_u, title_v, alg)
        except DlmsError:
            _refuse("key agreement failed")
        new.append((key_id, key))
        answer.append((STRUCTURE, ((ENUM, key_id),
                                   (OCTET_STRING, qe_v + ecdsa.sign(curve, sign_v,
                                                                    bytes((key_id,)) + qe_v)))))
    _security(setup)
    for key_id, key in new:
        _install(setup, key_id, key)
    return (ARRAY, answer)


def _enum(parameters):
    if type(parameters) is not tuple or len(parameters) != 2 or parameters[0] != ENUM:
        _refuse("enum expected", _TYPE_UNMATCHED)
    if not 0 <= parameters[1] <= 2:
        _refuse("key pair %d unknown" % parameters[1])
    return parameters[1]


def generate_key_pair(setup, parameters):
    from . import ec

    which = _enum(parameters)
    curve = _curve(setup)
    if getattr(setup, "key_pairs", None) is None:
        setup.key_pairs = {}
    setup.key_pairs[which] = ec.generate_keypair(curve)
    return None


def generate_certificate_request(setup, parameters):
    from . import x509

    which = _enum(parameters)
    curve = _curve(setup)
    private = _pair(setup, which)[0]
    csr = x509.certification_request(curve, private, _hex_title(setup.server_system_title[1]))
    return (OCTET_STRING, csr)


def import_certificate(setup, parameters):
    from .x509 import Certificate

    if type(parameters) is not tuple or len(parameters) != 2 or parameters[0] != OCTET_STRING:
        _refuse("octet-string expected", _TYPE_UNMATCHED)
    der = bytes(parameters[1])
    try:
        c = Certificate(der)
        ok = False
        for t in getattr(setup, "trusted", None) or ():
            ca = Certificate(t)
            if ca.subject == c.issuer and c.verify(ca.public_key, ca.curve):
                ok = True
                break
    except DlmsError:
        _refuse("not a certificate this meter can use")
    if not ok:
        _refuse("certificate not signed by a trusted CA")
    stored = list(getattr(setup, "stored", None) or ())
    for i in range(len(stored)):
        old = Certificate(stored[i])
        if old.serial == c.serial and old.issuer == c.issuer:
            stored[i] = der  # the same certificate again replaces it in place
            break
    else:
        stored.append(der)
    setup.stored = stored
    _refresh(setup)
    return None


def _find(setup, parameters):
    # certificate_identification ::= structure { type: enum, options }
    try:
        if parameters[0] != STRUCTURE or parameters[1][1][0] != STRUCTURE:
            raise TypeError
        kind = parameters[1][0][1]
        opts = parameters[1][1][1]
        if kind == 0:
            entity, ctype, title = opts[0][1], opts[1][1], bytes(opts[2][1])
        elif kind == 1:
            serial, issuer = bytes(opts[0][1]), bytes(opts[1][1])
        else:
            raise TypeError
    except (TypeError, IndexError, KeyError, ValueError):
        _refuse("certificate_identification expected", _TYPE_UNMATCHED)
    stored = getattr(setup, "stored", None) or ()
    certs = _certs(setup)
    for i in range(len(certs)):
        c = certs[i]
        if kind == 0:
            e, t = _info(setup, c)
            if e == entity and t == ctype and c.subject_cn == _hex_title(title):
                return i, stored[i]
        elif c.serial == serial and c.issuer == issuer:
            return i, stored[i]
    _refuse("no such certificate")


def export_certificate(setup, parameters):
    return (OCTET_STRING, _find(setup, parameters)[1])


def remove_certificate(setup, parameters):
    i, _ = _find(setup, parameters)
    stored = list(setup.stored)
    stored.pop(i)
    setup.stored = stored
    _refresh(setup)
    return None


def action(setup, m, parameters, ctx):
    if m == 2:
        return key_transfer(setup, parameters)
    if m == 3:
        return key_agreement(setup, parameters, ctx)
    if m == 4:
        return generate_key_pair(setup, parameters)
    if m == 5:
        return generate_certificate_request(setup, parameters)
    if m == 6:
        return import_certificate(setup, parameters)
    if m == 7:
        return export_certificate(setup, parameters)
    if m == 8:
        return remove_certificate(setup, parameters)
    raise AccessError("security setup method %d not provided" % m, _READ_WRITE_DENIED)
