"""The readable names of the codes the APDUs carry, for whatever prints them.

A meter never needs these: the engines work with the codes, and a board that
loads its code as .mpy pays heap for every table and every public name a
module it imports holds.  So the tables live here, imported only where a
name is printed (the CLI, an error message, `names()`), and each APDU module
serves its tables and its CLI-only constants from here as before, through a
module __getattr__: `acse.RESULT_NAMES`, `from .acse import RESULT_NAMES` and
`common.data_access_result_name(4)` all still work.

Each table is a tuple of (code, name), the names those of the ASN.1 of the
Green Book (IEC 62056-5-3) and of ACSE (ISO/IEC 8650-1); CONFORMANCE_NAMES is
indexed by bit number, SERVICE_ERROR_TYPES holds (code, name, enumeration).
conformance_names() and conformance_from_names() (initiate) live here too.
"""

from ..errors import EncodeError

# ---------------------------------------------------------------- acse

CONTEXT_NAMES = (
    (1, "logical-name"),
    (2, "short-name"),
    (3, "logical-name-with-ciphering"),
    (4, "short-name-with-ciphering"),
)
MECHANISM_HIGH = 2
MECHANISM_HIGH_MD5 = 3
MECHANISM_HIGH_SHA1 = 4
MECHANISM_HIGH_GMAC = 5
MECHANISM_HIGH_SHA256 = 6
MECHANISM_HIGH_ECDSA = 7
MECHANISM_NAMES = (
    (0, "none"),
    (1, "low"),
    (2, "high"),
    (3, "high-md5"),
    (4, "high-sha1"),
    (5, "high-gmac"),
    (6, "high-sha256"),
    (7, "high-ecdsa"),
)
PROTOCOL_VERSION_1 = "1"
ACSE_AUTHENTICATION = "1"
RESULT_REJECTED_TRANSIENT = 2
RESULT_NAMES = (
    (0, "accepted"),
    (1, "rejected-permanent"),
    (2, "rejected-transient"),
)
DIAGNOSTIC_SOURCE_NAMES = (
    (1, "acse-service-user"),
    (2, "acse-service-provider"),
)
USER_CALLING_AP_TITLE_NOT_RECOGNIZED = 3
USER_CALLING_AP_INVOCATION_IDENTIFIER_NOT_RECOGNIZED = 4
USER_CALLING_AE_QUALIFIER_NOT_RECOGNIZED = 5
USER_CALLING_AE_INVOCATION_IDENTIFIER_NOT_RECOGNIZED = 6
USER_CALLED_AP_TITLE_NOT_RECOGNIZED = 7
USER_CALLED_AP_INVOCATION_IDENTIFIER_NOT_RECOGNIZED = 8
USER_CALLED_AE_QUALIFIER_NOT_RECOGNIZED = 9
USER_CALLED_AE_INVOCATION_IDENTIFIER_NOT_RECOGNIZED = 10
USER_DIAGNOSTIC_NAMES = (
    (0, "null"),
    (1, "no-reason-given"),
    (2, "application-context-name-not-supported"),
    (3, "calling-AP-title-not-recognized"),
    (4, "calling-AP-invocation-identifier-not-recognized"),
    (5, "calling-AE-qualifier-not-recognized"),
    (6, "calling-AE-invocation-identifier-not-recognized"),
    (7, "called-AP-title-not-recognized"),
    (8, "called-AP-invocation-identifier-not-recognized"),
    (9, "called-AE-qualifier-not-recognized"),
    (10, "called-AE-invocation-identifier-not-recognized"),
    (11, "authentication-mechanism-name-not-recognised"),
    (12, "authentication-mechanism-name-required"),
    (13, "authentication-failure"),
    (14, "authentication-required"),
)
PROVIDER_NULL = 0
PROVIDER_NO_REASON_GIVEN = 1
PROVIDER_DIAGNOSTIC_NAMES = (
    (0, "null"),
    (1, "no-reason-given"),
    (2, "no-common-acse-version"),
)
RLRQ_NORMAL = 0
RLRQ_URGENT = 1
RLRQ_USER_DEFINED = 30
RLRQ_REASON_NAMES = (
    (0, "normal"),
    (1, "urgent"),
    (30, "user-defined"),
)
RLRE_USER_DEFINED = 30
RLRE_REASON_NAMES = (
    (0, "normal"),
    (1, "not-finished"),
    (30, "user-defined"),
)

# ---------------------------------------------------------------- common

DATA_ACCESS_RESULT_NAMES = (
    (0, "success"),
    (1, "hardware-fault"),
    (2, "temporary-failure"),
    (3, "read-write-denied"),
    (4, "object-undefined"),
    (9, "object-class-inconsistent"),
    (11, "object-unavailable"),
    (12, "type-unmatched"),
    (13, "scope-of-access-violated"),
    (14, "data-block-unavailable"),
    (15, "long-get-aborted"),
    (16, "no-long-get-in-progress"),
    (17, "long-set-aborted"),
    (18, "no-long-set-in-progress"),
    (19, "data-block-number-invalid"),
    (250, "other-reason"),
)
ACTION_RESULT_NAMES = (
    (0, "success"),
    (1, "hardware-fault"),
    (2, "temporary-failure"),
    (3, "read-write-denied"),
    (4, "object-undefined"),
    (9, "object-class-inconsistent"),
    (11, "object-unavailable"),
    (12, "type-unmatched"),
    (13, "scope-of-access-violated"),
    (14, "data-block-unavailable"),
    (15, "long-action-aborted"),
    (16, "no-long-action-in-progress"),
    (250, "other-reason"),
)


# ---------------------------------------------------------------- service_error

STATE_ERROR_NAMES = (
    (1, "service-not-allowed"),
    (2, "service-unknown"),
)
SERVICE_ERROR_NAMES = (
    (1, "operation-not-possible"),
    (2, "service-not-supported"),
    (3, "other-reason"),
    (4, "pdu-too-long"),
    (5, "deciphering-error"),
    (6, "invocation-counter-error"),
)
CONFIRMED_SERVICE_NAMES = (
    (1, "initiateError"),
    (2, "getStatus"),
    (3, "getNameList"),
    (4, "getVariableAttribute"),
    (5, "read"),
    (6, "write"),
    (7, "getDataSetAttribute"),
    (8, "getTIAttribute"),
    (9, "changeScope"),
    (10, "start"),
    (11, "stop"),
    (12, "resume"),
    (13, "makeUsable"),
    (14, "initiateLoad"),
    (15, "loadSegment"),
    (16, "terminateLoad"),
    (17, "initiateUpLoad"),
    (18, "upLoadSegment"),
    (19, "terminateUpLoad"),
)
APPLICATION_REFERENCE = 0
HARDWARE_RESOURCE = 1
VDE_STATE_ERROR = 2
DEFINITION = 4
ACCESS = 5
LOAD_DATA_SET = 7
CHANGE_SCOPE = 8
TASK = 9
OTHER = 10
DLMS_VERSION_TOO_LOW = 1
INCOMPATIBLE_CONFORMANCE = 2
PDU_SIZE_TOO_SHORT = 3
REFUSED_BY_THE_VDE_HANDLER = 4
SERVICE_ERROR_TYPES = (
    (0, "application-reference", ("other", "time-elapsed", "application-unreachable", "application-reference-invalid", "application-context-unsupported", "provider-communication-error", "deciphering-error")),
    (1, "hardware-resource", ("other", "memory-unavailable", "processor-resource-unavailable", "mass-storage-unavailable", "other-resource-unavailable")),
    (2, "vde-state-error", ("other", "no-dlms-context", "loading-data-set", "status-nochange", "status-inoperable")),
    (3, "service", ("other", "pdu-size", "service-unsupported")),
    (4, "definition", ("other", "object-undefined", "object-class-inconsistent", "object-attribute-inconsistent")),
    (5, "access", ("other", "scope-of-access-violated", "object-access-violated", "hardware-fault", "object-unavailable")),
    (6, "initiate", ("other", "dlms-version-too-low", "incompatible-conformance", "pdu-size-too-short", "refused-by-the-VDE-Handler")),
    (7, "load-data-set", ("other", "primitive-out-of-sequence", "not-loadable", "dataset-size-too-large", "not-awaited-segment", "interpretation-failure", "storage-failure", "data-set-not-ready")),
    (8, "change-scope", ()),
    (9, "task", ("other", "no-remote-control", "ti-stopped", "ti-running", "ti-unusable")),
    (10, "other", ()),
)

# ---------------------------------------------------------------- sn

VARIABLE_ACCESS_NAMES = (
    (2, "variable-name"),
    (4, "parameterized-access"),
    (5, "block-number-access"),
    (6, "read-data-block-access"),
    (7, "write-data-block-access"),
)
READ_RESPONSE_NAMES = (
    (0, "data"),
    (1, "data-access-error"),
    (2, "data-block-result"),
    (3, "block-number"),
)
WRITE_RESPONSE_NAMES = (
    (0, "success"),
    (1, "data-access-error"),
    (2, "block-number"),
)

# ---------------------------------------------------------------- initiate

CONFORMANCE_NAMES = (
    "reserved-zero",
    "general-protection",
    "general-block-transfer",
    "read",
    "write",
    "unconfirmed-write",
    "delta-value-encoding",
    "reserved-seven",
    "attribute0-supported-with-set",
    "priority-mgmt-supported",
    "attribute0-supported-with-get",
    "block-transfer-with-get-or-read",
    "block-transfer-with-set-or-write",
    "block-transfer-with-action",
    "multiple-references",
    "information-report",
    "data-notification",
    "access",
    "parameterized-access",
    "get",
    "set",
    "selective-access",
    "event-notification",
    "action",
)


def conformance_names(value):
    """Names of the bits set in a 24-bit conformance value, in bit order."""
    return tuple(CONFORMANCE_NAMES[n] for n in range(24) if value & (1 << (23 - n)))


def conformance_from_names(names):
    """The 24-bit conformance value with the named bits set."""
    v = 0
    for name in names:
        for n in range(24):
            if CONFORMANCE_NAMES[n] == name:
                v |= 1 << (23 - n)
                break
        else:
            raise EncodeError("no conformance bit named %r" % (name,))
    return v
SERVICE_ERROR_TYPE_NAMES = tuple((t, n) for t, n, _ in SERVICE_ERROR_TYPES)

# ---------------------------------------------------------------- constants
# Public names of codes the modules use under a private const (inlined by
# MicroPython's compiler, no global, no interned name) or not at all; served
# as common.PRIORITY_HIGH, sn.READ_DATA, get.GET_REQUEST, ... as before.

# APDU tags (get, set, action, notify, service_error, sn)
ACTION_REQUEST = 0xC3
ACTION_RESPONSE = 0xC7
GET_REQUEST = 0xC0
GET_RESPONSE = 0xC4
DATA_NOTIFICATION = 0x0F
EVENT_NOTIFICATION_REQUEST = 0xC2
EXCEPTION_RESPONSE = 0xD8
CONFIRMED_SERVICE_ERROR = 0x0E
SET_REQUEST = 0xC1
SET_RESPONSE = 0xC5
READ_REQUEST = 0x05
WRITE_REQUEST = 0x06
READ_RESPONSE = 0x0C
WRITE_RESPONSE = 0x0D
UNCONFIRMED_WRITE_REQUEST = 0x16
INFORMATION_REPORT_REQUEST = 0x18

# Invoke-Id-And-Priority and Long-Invoke-Id-And-Priority bits (common);
# Conformance bits no engine sets (initiate)
SERVICE_CLASS_CONFIRMED = 0x40
PRIORITY_HIGH = 0x80
LONG_SELF_DESCRIPTIVE = 0x10000000
LONG_BREAK_ON_ERROR = 0x20000000
LONG_SERVICE_CLASS_CONFIRMED = 0x40000000
LONG_PRIORITY_HIGH = 0x80000000
CONFORMANCE_GENERAL_PROTECTION = 0x400000
CONFORMANCE_GENERAL_BLOCK_TRANSFER = 0x200000
CONFORMANCE_DELTA_VALUE_ENCODING = 0x020000
CONFORMANCE_ATTRIBUTE0_SUPPORTED_WITH_SET = 0x008000
CONFORMANCE_PRIORITY_MGMT_SUPPORTED = 0x004000
CONFORMANCE_ACCESS = 0x000040
CONFORMANCE_EVENT_NOTIFICATION = 0x000002

# Choices and codes (common, service_error, sn)
DATA_BLOCK_UNAVAILABLE = 14
INVOCATION_COUNTER_ERROR = 6
READ_DATA = 0
READ_DATA_ACCESS_ERROR = 1
READ_DATA_BLOCK_RESULT = 2
READ_BLOCK_NUMBER = 3
WRITE_SUCCESS = 0
WRITE_DATA_ACCESS_ERROR = 1
WRITE_BLOCK_NUMBER = 2
