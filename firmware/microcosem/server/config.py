"""What a server allows one client: the settings behind an Association object.

One AssociationConfig per client SAP (IEC 62056-6-2, Association LN/SN):
which application context, which authentication mechanism and secret, which
services (conformance), how large a PDU, and which attributes and methods the
client may reach.
"""

from ..apdu.acse import CONTEXT_LN, MECHANISM_NONE
from ..apdu.initiate import (
    CONFORMANCE_ACTION, CONFORMANCE_ATTRIBUTE0_SUPPORTED_WITH_GET,
    CONFORMANCE_BLOCK_TRANSFER_WITH_ACTION, CONFORMANCE_BLOCK_TRANSFER_WITH_GET_OR_READ,
    CONFORMANCE_BLOCK_TRANSFER_WITH_SET_OR_WRITE, CONFORMANCE_DATA_NOTIFICATION, CONFORMANCE_GET,
    CONFORMANCE_MULTIPLE_REFERENCES, CONFORMANCE_PARAMETERIZED_ACCESS, CONFORMANCE_READ,
    CONFORMANCE_SELECTIVE_ACCESS, CONFORMANCE_SET, CONFORMANCE_UNCONFIRMED_WRITE,
    CONFORMANCE_WRITE, CONFORMANCE_INFORMATION_REPORT,
)
from ..compat import const

# attribute_access_mode (IEC 62056-6-2, Association LN object_list)
NO_ACCESS = const(0)
READ_ONLY = const(1)
WRITE_ONLY = const(2)
READ_WRITE = const(3)

# What a server offers unless told otherwise: what the engine does, no more (attribute 0
# with GET, not with SET).
LN_CONFORMANCE = (CONFORMANCE_ATTRIBUTE0_SUPPORTED_WITH_GET
                  | CONFORMANCE_GET | CONFORMANCE_SET | CONFORMANCE_ACTION | CONFORMANCE_SELECTIVE_ACCESS
                  | CONFORMANCE_MULTIPLE_REFERENCES | CONFORMANCE_BLOCK_TRANSFER_WITH_GET_OR_READ
                  | CONFORMANCE_BLOCK_TRANSFER_WITH_SET_OR_WRITE | CONFORMANCE_BLOCK_TRANSFER_WITH_ACTION
                  | CONFORMANCE_DATA_NOTIFICATION)
SN_CONFORMANCE = (CONFORMANCE_READ | CONFORMANCE_WRITE | CONFORMANCE_UNCONFIRMED_WRITE
                  | CONFORMANCE_PARAMETERIZED_ACCESS | CONFORMANCE_MULTIPLE_REFERENCES
                  | CONFORMANCE_BLOCK_TRANSFER_WITH_GET_OR_READ
                  | CONFORMANCE_BLOCK_TRANSFER_WITH_SET_OR_WRITE | CONFORMANCE_INFORMATION_REPORT)


class AssociationConfig:
    """The association a server grants one client SAP.

    context        application context: CONTEXT_LN, CONTEXT_SN (or a ciphered one)
    mechanism      authentication mechanism 0..7 the client must use
    secret         the LLS password (mechanism 1) or HLS secret, bytes
    conformance    the services offered; the AARE grants the AND with the proposal
    max_pdu        server-max-receive-pdu-size
    access         None (everything read-write) or a callable
                   access(obj, kind, index) -> mode, kind 'a' for an attribute
                   (mode NO_ACCESS..READ_WRITE) or 'm' for a method (0 or 1)
    pre_established  True: the association exists without AARQ (Green Book 7.2.4)
    authenticator  the HLS hook (mechanisms 2..7), None for 0 and 1
    security       the ciphering hook for protected APDUs, None for none
    block_limit    the most bytes a SET / ACTION request may gather over blocks
                   (a bound, so that a client cannot fill the heap)
    inactivity_ms  None, or the idle time after which the association is released
                   (the engine compares the now_ms of two APDUs, or of Server.tick)
    """

    def __init__(self, client_sap, context=CONTEXT_LN, mechanism=MECHANISM_NONE, secret=None,
                 conformance=None, max_pdu=1024, access=None, pre_established=False,
                 authenticator=None, security=None, name=None, block_limit=4096,
                 inactivity_ms=None):
        self.client_sap = client_sap
        self.context = context
        self.mechanism = mechanism
        self.secret = secret.encode() if isinstance(secret, str) else secret
        if conformance is None:
            conformance = SN_CONFORMANCE if context in (2, 4) else LN_CONFORMANCE
        self.conformance = conformance
        self.max_pdu = max_pdu
        self.access = access
        self.pre_established = pre_established
        self.authenticator = authenticator
        self.security = security
        self.name = name
        self.block_limit = block_limit
        self.inactivity_ms = inactivity_ms

    def attribute_access(self, obj, attribute):
        if self.access is None:
            return READ_WRITE
        return self.access(obj, "a", attribute)

    def method_access(self, obj, method):
        if self.access is None:
            return 1
        return self.access(obj, "m", method)
