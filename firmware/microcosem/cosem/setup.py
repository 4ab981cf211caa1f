"""Set-up objects: SAP assignment (17), IEC local port (19), IEC HDLC (23),
Push (40), TCP-UDP (41), IPv4 (42), Security setup (64).

IEC 62056-6-2 4.4.5, 4.4.8, 4.7, 4.9.  These hold the settings the
communication profiles read (the HDLC layer its window and frame sizes, the
wrapper its port); values out of the ranges the Blue Book gives are refused
with other-reason.  The firmware applies a changed setting when it reads it
back (or through `on_change(obj, attribute_id)`, called after every set).
"""

from ..axdr import (ARRAY, BOOLEAN, DOUBLE_LONG_UNSIGNED, ENUM, INTEGER, LONG_UNSIGNED, OCTET_STRING,
                    STRUCTURE, UNSIGNED, EncodedData)
from ..errors import AccessError
from .base import (DT, OBJECT_UNAVAILABLE, OTHER_REASON, READ_WRITE_DENIED, CosemObject, check,
                   grow, param_int)


class _Setup(CosemObject):
    """A set-up object: typed attributes with ranges, and a change hook."""

    RANGES = ()  # (attribute_id, lowest, highest) of numeric attributes
    on_change = None

    def __init__(self, logical_name, short_name=None, on_change=None, **values):
        CosemObject.__init__(self, logical_name, short_name, **values)
        if on_change is not None:
            self.on_change = on_change

    def _set(self, i, value, ctx):
        check(value, self.TYPES[i - 2])
        for a, lo, hi in self.RANGES:
            if a == i and not lo <= value[1] <= hi:
                raise AccessError("attribute %d out of %d..%d" % (i, lo, hi), OTHER_REASON)
        CosemObject._set(self, i, value, ctx)
        if self.on_change is not None:
            self.on_change(self, i)


_SAP_ENTRY_TD = (STRUCTURE, (LONG_UNSIGNED, OCTET_STRING))


class SapAssignment(_Setup):
    """The logical devices of a physical device and their SAPs."""

    class_id = 17
    version = 0
    ATTRIBUTE_COUNT = 2
    METHOD_COUNT = 1
    SN_METHOD_OFFSET = 0x20
    ATTRS = ("sap_assignment_list",)
    TYPES = ((ARRAY, _SAP_ENTRY_TD),)
    READ_ONLY = 1 << 2
    sap_assignment_list = (ARRAY, ((STRUCTURE, ((LONG_UNSIGNED, 1), (OCTET_STRING, b"MCS0000000000001"))),))

    def sap_of(self, name):
        for e in self.sap_assignment_list[1]:
            if bytes(e[1][1][1]) == bytes(name):
                return e[1][0][1]
        return None

    def _action(self, m, parameters, ctx):
        # connect_logical_device {SAP, logical_device_name}: SAP 0 disconnects the device
        check(parameters, _SAP_ENTRY_TD)
        sap, name = parameters[1][0][1], bytes(parameters[1][1][1])
        rest = tuple(e for e in self.sap_assignment_list[1]
                     if bytes(e[1][1][1]) != name and e[1][0][1] != sap)
        if sap:
            rest = grow(rest, parameters)
        self.sap_assignment_list = (ARRAY, rest)
        if self.on_change is not None:
            self.on_change(self, 2)
        return None


class IecLocalPortSetup(_Setup):
    """The optical port (IEC 62056-21): modes, baud rates and passwords."""

    class_id = 19
    version = 1
    ATTRIBUTE_COUNT = 9
    ATTRS = ("default_mode", "default_baud", "prop_baud", "response_time", "device_addr",
             "pass_p1", "pass_p2", "pass_w5")
    TYPES = (ENUM, ENUM, ENUM, ENUM, OCTET_STRING, OCTET_STRING, OCTET_STRING, OCTET_STRING)
    WRITE_ONLY = 1 << 7 | 1 << 8 | 1 << 9  # passwords
    RANGES = ((2, 0, 2), (3, 0, 9), (4, 0, 9), (5, 0, 1))
    default_mode = (ENUM, 1)   # protocol according to IEC 62056-21, mode E possible
    default_baud = (ENUM, 0)   # 300 baud
    prop_baud = (ENUM, 5)      # 9600 baud
    response_time = (ENUM, 0)  # 20 ms
    device_addr = (OCTET_STRING, b"")
    pass_p1 = (OCTET_STRING, b"")
    pass_p2 = (OCTET_STRING, b"")
    pass_w5 = (OCTET_STRING, b"")


class IecHdlcSetup(_Setup):
    """HDLC settings (IEC 62056-46): speed, windows, frame sizes, time-outs, address."""

    class_id = 23
    version = 1
    ATTRIBUTE_COUNT = 9
    ATTRS = ("comm_speed", "window_size_transmit", "window_size_receive",
             "max_info_field_length_transmit", "max_info_field_length_receive",
             "inter_octet_time_out", "inactivity_time_out", "device_address")
    TYPES = (ENUM, UNSIGNED, UNSIGNED, LONG_UNSIGNED, LONG_UNSIGNED, LONG_UNSIGNED, LONG_UNSIGNED,
             LONG_UNSIGNED)
    RANGES = ((2, 0, 9), (3, 1, 7), (4, 1, 7), (5, 32, 2030), (6, 32, 2030), (7, 20, 6000),
              (9, 0x10, 0x3FFD))
    comm_speed = (ENUM, 5)  # 9600 baud
    window_size_transmit = (UNSIGNED, 1)
    window_size_receive = (UNSIGNED, 1)
    max_info_field_length_transmit = (LONG_UNSIGNED, 128)
    max_info_field_length_receive = (LONG_UNSIGNED, 128)
    inter_octet_time_out = (LONG_UNSIGNED, 25)
    inactivity_time_out = (LONG_UNSIGNED, 120)
    device_address = (LONG_UNSIGNED, 0x10)


class TcpUdpSetup(_Setup):
    class_id = 41
    version = 0
    ATTRIBUTE_COUNT = 6
    ATTRS = ("tcp_udp_port", "ip_reference", "mss", "nb_of_sim_conn", "inactivity_time_out")
    TYPES = (LONG_UNSIGNED, OCTET_STRING, LONG_UNSIGNED, UNSIGNED, LONG_UNSIGNED)
    RANGES = ((4, 40, 65535), (5, 1, 255))
    tcp_udp_port = (LONG_UNSIGNED, 4059)  # the DLMS/COSEM port (IANA)
    ip_reference = (OCTET_STRING, b"\x00\x00\x19\x01\x00\xff")
    mss = (LONG_UNSIGNED, 576)
    nb_of_sim_conn = (UNSIGNED, 1)
    inactivity_time_out = (LONG_UNSIGNED, 180)


class Ipv4Setup(_Setup):
    class_id = 42
    version = 0
    ATTRIBUTE_COUNT = 10
    METHOD_COUNT = 3
    SN_METHOD_OFFSET = 0x60
    ATTRS = ("dl_reference", "ip_address", "multicast_ip_address", "ip_options", "subnet_mask",
             "gateway_ip_address", "use_dhcp_flag", "primary_dns_address", "secondary_dns_address")
    TYPES = (OCTET_STRING, DOUBLE_LONG_UNSIGNED, (ARRAY, DOUBLE_LONG_UNSIGNED),
             (ARRAY, (STRUCTURE, (UNSIGNED, UNSIGNED, OCTET_STRING))), DOUBLE_LONG_UNSIGNED,
             DOUBLE_LONG_UNSIGNED, BOOLEAN, DOUBLE_LONG_UNSIGNED, DOUBLE_LONG_UNSIGNED)
    dl_reference = (OCTET_STRING, b"\x00\x00\x19\x00\x00\xff")
    ip_address = (DOUBLE_LONG_UNSIGNED, 0)
    multicast_ip_address = (ARRAY, ())
    ip_options = (ARRAY, ())
    subnet_mask = (DOUBLE_LONG_UNSIGNED, 0)
    gateway_ip_address = (DOUBLE_LONG_UNSIGNED, 0)
    use_dhcp_flag = (BOOLEAN, False)
    primary_dns_address = (DOUBLE_LONG_UNSIGNED, 0)
    secondary_dns_address = (DOUBLE_LONG_UNSIGNED, 0)

    def _action(self, m, parameters, ctx):
        mc = self.multicast_ip_address[1]
        if m == 3:    # get_nbof_mc_IP_addresses
            param_int(parameters)
            return (LONG_UNSIGNED, len(mc))
        check(parameters, DOUBLE_LONG_UNSIGNED)
        rest = tuple(a for a in mc if a[1] != parameters[1])
        if m == 1:    # add_mc_IP_address
            rest = grow(rest, parameters)
        elif len(rest) == len(mc):
            raise AccessError("no such multicast address", OTHER_REASON)
        self.multicast_ip_address = (ARRAY, rest)
        return None


_OBJECT_DEF_TD = (STRUCTURE, (LONG_UNSIGNED, OCTET_STRING, INTEGER, LONG_UNSIGNED))
_SEND_TD = (STRUCTURE, (ENUM, OCTET_STRING, ENUM))


class PushSetup(_Setup):
    """What a push sends, where and when.

    The push method (1) reads every object of push_object_list and hands the
    structure of their values (the body of a DataNotification, Green Book
    9.5) to `on_push(setup, values)`, the firmware's (or the engine's) hook
    that builds and sends the notification to send_destination_and_method.
    `objects` is the list as the meter's own objects: ((obj, attribute, data_index), ...).
    """

    class_id = 40
    version = 0
    ATTRIBUTE_COUNT = 7
    METHOD_COUNT = 1
    SN_METHOD_OFFSET = 0x38
    ATTRS = ("push_object_list", "send_destination_and_method", "communication_window",
             "randomisation_start_interval", "number_of_retries", "repetition_delay")
    TYPES = ((ARRAY, _OBJECT_DEF_TD), _SEND_TD, (ARRAY, (STRUCTURE, (DT, DT))), LONG_UNSIGNED,
             UNSIGNED, LONG_UNSIGNED)
    # transport_service 0 TCP, 1 UDP, ...; message 0 A-XDR encoded xDLMS APDU
    send_destination_and_method = (STRUCTURE, ((ENUM, 0), (OCTET_STRING, b""), (ENUM, 0)))
    communication_window = (ARRAY, ())
    randomisation_start_interval = (LONG_UNSIGNED, 0)
    number_of_retries = (UNSIGNED, 0)
    repetition_delay = (LONG_UNSIGNED, 0)
    on_push = None

    def __init__(self, logical_name, short_name=None, objects=(), on_push=None, **values):
        _Setup.__init__(self, logical_name, short_name, **values)
        self._objects = tuple(objects)
        if on_push is not None:
            self.on_push = on_push

    @property
    def push_object_list(self):
        return (ARRAY, tuple((STRUCTURE, ((LONG_UNSIGNED, o.class_id), (OCTET_STRING, o.logical_name),
                                          (INTEGER, a), (LONG_UNSIGNED, d))) for o, a, d in self._objects))

    def _set(self, i, value, ctx):
        if i != 2:
            _Setup._set(self, i, value, ctx)
            return
        check(value, self.TYPES[0])
        model = None if ctx is None else ctx.model
        objs = []
        for e in value[1]:
            f = e[1]
            obj = None if model is None else model.find(f[0][1], bytes(f[1][1]))
            if obj is None:
                raise AccessError("push object not in the model", OBJECT_UNAVAILABLE)
            objs.append((obj, f[2][1], f[3][1]))
        self._objects = tuple(objs)

    def values(self, ctx=None):
        """The structure of the pushed values, in push_object_list order."""
        out = []
        for obj, attr, index in self._objects:
            v = obj.get(attr, None, ctx)
            if type(v) is not EncodedData and index and (v[0] == STRUCTURE or v[0] == ARRAY):
                if index > len(v[1]):
                    raise AccessError("data_index %d of %d elements" % (index, len(v[1])), OTHER_REASON)
                v = v[1][index - 1]
            out.append(v)
        return (STRUCTURE, out)

    def data_notification(self, long_invoke_id, date_time=None, ctx=None):
        """The DataNotification APDU of a push (the APDU module is loaded only here).

        long_invoke_id: the raw Long-Invoke-Id-And-Priority; date_time: None or 12 bytes."""
        from ..apdu.notify import DataNotification
        return DataNotification(long_invoke_id_and_priority=long_invoke_id, date_time=date_time,
                                body=self.values(ctx))

    def push(self, ctx=None):
        if self.on_push is None:
            raise AccessError("no push transport", READ_WRITE_DENIED)
        self.on_push(self, self.values(ctx))

    def _action(self, m, parameters, ctx):
        param_int(parameters)
        self.push(ctx)
        return None


class SecuritySetup(_Setup):
    """Security setup, version 1: policy, suite and system titles.

    security_activate (1) raises the policy (bits: 0x04 authenticated requests,
    0x08 encrypted requests, 0x10 / 0x20 the same for responses...) and tells
    the ciphering layer through `on_activate`.  The other methods (key
    transfer and agreement, key pairs, the certificate ones) change keys,
    which the ciphering layer owns: security.setup_methods runs them, on the
    attributes the firmware sets (security, master_key, key_pairs, trusted,
    stored: see that module)."""

    class_id = 64
    version = 1
    ATTRIBUTE_COUNT = 6
    METHOD_COUNT = 8
    SN_METHOD_OFFSET = 0x30
    ATTRS = ("security_policy", "security_suite", "client_system_title", "server_system_title",
             "certificates")
    TYPES = (ENUM, ENUM, OCTET_STRING, OCTET_STRING, (ARRAY, (STRUCTURE, ())))
    READ_ONLY = 0b1111100   # set through security_activate and the key methods only
    RANGES = ((3, 0, 2),)
    security_policy = (ENUM, 0)
    on_activate = None  # the ciphering layer's hook: on_activate(setup, policy), raising to refuse
    security_suite = (ENUM, 0)
    server_system_title = (OCTET_STRING, b"MCS00001")
    certificates = (ARRAY, ())

    def _get(self, i, selection, ctx):
        if i == 4:  # the client's system title: of the association that asks
            st = None if ctx is None else getattr(ctx, "client_system_title", None)
            return (OCTET_STRING, b"" if st is None else bytes(st))
        return CosemObject._get(self, i, selection, ctx)

    def _action(self, m, parameters, ctx):
        if m == 1:  # security_activate (security_policy): version 1 policy bits only ever add up
            check(parameters, ENUM)
            new, cur = parameters[1], self.security_policy[1]
            if new & cur != cur:
                raise AccessError("a security policy is only ever strengthened", OTHER_REASON)
            if self.on_activate is not None:
                self.on_activate(self, new)
            self.security_policy = parameters
            return None
        if 2 <= m <= 8:
            # key_transfer .. remove_certificate: the keys are the ciphering
            # layer's, so the methods live there, loaded on first use.
            from ..security.setup_methods import action

            return action(self, m, parameters, ctx)
        raise AccessError("security setup method %d not provided" % m, READ_WRITE_DENIED)
