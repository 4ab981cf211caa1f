"""A demo single-phase electricity meter (what `microcosem serve` serves).

The measurements are simulated from the time alone (a day curve of load and
a slowly wandering mains voltage), so that the meter gives the same values
on every runtime for the same clock, and the load profile can be filled
with the past at start-up: `DemoMeter(now)` holds the last `profile_rows`
quarter hours, as a meter that has been running for ten days does.

Objects (logical name, class):

    0.0.42.0.0.255  Data (1)            logical device name
    0.0.96.1.0.255  Data (1)            meter serial number
    0.0.1.0.0.255   Clock (8)           UTC+1 with EU daylight saving
    1.0.1.8.0.255   Register (3)        active energy import +A, Wh
    1.0.2.8.0.255   Register (3)        active energy export -A, Wh
    1.0.32.7.0.255  Register (3)        voltage L1, V (scaler -1)
    1.0.31.7.0.255  Register (3)        current L1, A (scaler -2)
    1.0.1.7.0.255   Register (3)        active power import, W
    1.0.1.6.0.255   Extended register (4) maximum demand +A, W, with its time
    1.0.1.4.0.255   Demand register (5) current average demand +A, 15 min
    1.0.99.1.0.255  Profile generic (7) load profile: clock, +A, -A, status; 15 min
    0.0.96.11.0.255 Data (1)            last event code
    0.0.99.98.0.255 Profile generic (7) standard event log: clock, event code
    0.0.96.3.10.255 Disconnect control (70) the supply relay (load drops to 0 when open)
    0.0.25.9.0.255  Push setup (40)     pushes clock and +A as a DataNotification
    0.0.41.0.0.255  SAP assignment (17) one logical device, SAP 1
    0.0.40.0.0.255  Association LN (15) the current association
    0.0.40.0.1.255  Association LN (15) public client (SAP 16)
    0.0.40.0.2.255  Association LN (15) reader (SAP 17)
    0.0.40.0.3.255  Association LN (15) management client (SAP 1)

    0.0.43.0.0.255  Security setup (64) suite 0, the meter's system title
    0.0.43.1.0.255  Data (1)            the meter's invocation counter (read it first)

Associations (client SAP, authentication, rights):

    16  public      none                   read-only
    17  reader      LLS, password 12345678 read-only
     1  management  HLS-GMAC (mechanism 5), read, write, methods
                    ciphered context: every APDU authenticated and encrypted
                    (suite 0, AES-GCM-128) with the Green Book's example keys
                    EK 000102030405060708090A0B0C0D0E0F,
                    AK D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF and the system title
                    4D4D4D0000BC614E, unless told others

The server's invocation counter goes through `storage` when one is given
(reserved IC_STEP ahead, so a restart never reuses one under the same key);
without storage it lives in RAM, which only a test should do.
"""

import math

from ..apdu.acse import CONTEXT_LN_CIPHERED
from ..axdr import (ARRAY, DOUBLE_LONG_UNSIGNED, INTEGER, LONG, LONG_UNSIGNED, OCTET_STRING,
                    STRUCTURE, UNSIGNED, VISIBLE_STRING)
from ..cosem.association import AssociationLN
from ..cosem.base import scaler_unit
from ..cosem.clock import Clock
from ..cosem.control import DisconnectControl
from ..cosem.profile import ProfileGeneric
from ..cosem.register import (UNIT_A, UNIT_V, UNIT_W, UNIT_WH, Data, DemandRegister,
                              ExtendedRegister, Register)
from ..cosem.setup import PushSetup, SapAssignment, SecuritySetup
from ..cosemdate import DateTime
from ..security.ciphering import ServerSecurity
from ..security.hls import Hls, ServerAuthenticator
from ..server.config import NO_ACCESS, READ_ONLY, READ_WRITE, AssociationConfig
from ..server.engine import Server
from ..server.model import ObjectModel

PUBLIC_SAP = 16
READER_SAP = 17
MANAGEMENT_SAP = 1
READER_PASSWORD = b"12345678"
EK = bytes.fromhex("000102030405060708090A0B0C0D0E0F")
AK = bytes.fromhex("D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF")
SYSTEM_TITLE = bytes.fromhex("4D4D4D0000BC614E")
IC_STEP = 32
PERIOD = 900  # seconds: the load profile's capture period
PROFILE_ROWS = 1000

# standard event log codes (DLMS UA 1000-1 event codes, "standard event log")
EVENT_POWER_UP = 2
EVENT_CLOCK_ADJUSTED = 4


def _read_only(obj, kind, index):
    return READ_ONLY if kind == "a" else NO_ACCESS


def _everything(obj, kind, index):
    return READ_WRITE if kind == "a" else 1


def _day_curve(t):
    """Load in W at UTC second t: a base load, a morning and an evening peak."""
    h = (t % 86400) / 3600.0
    w = 180.0 + 900.0 * math.exp(-((h - 7.0) ** 2) / 2.0) + 1500.0 * math.exp(-((h - 19.0) ** 2) / 3.0)
    return w * (1.0 + 0.15 * math.sin(t / 5400.0))


def _pv_curve(t):
    """Export in W: a midday bell of a small PV roof."""
    h = (t % 86400) / 3600.0
    return max(0.0, 1200.0 * math.cos((h - 12.0) / 7.0 * math.pi / 2)) if 5 < h < 19 else 0.0


class DemoMeter:
    """The objects, the simulation and the server of one demo meter.

        meter = DemoMeter(now=unix_time(), serial="MCS0000001")
        meter.server.handle(apdu, client_sap, now_ms)
        meter.tick(unix_time())      # once a second or so: captures, demand periods
    """

    def __init__(self, now, serial="MCS0000001", profile_rows=PROFILE_ROWS,
                 reader_password=READER_PASSWORD, ek=EK, ak=AK, system_title=SYSTEM_TITLE,
                 storage=None, max_pdu=1024):
        self._t = float(now - profile_rows * PERIOD)  # the simulation starts in the past
        self._wh_import = 12000000.0
        self._wh_export = 3000000.0
        self._last = self._t
        self.clock = Clock("0.0.1.0.0.255", self._time, time_zone=(LONG, -60))
        c = self.clock
        energy = scaler_unit(0, UNIT_WH)
        self.energy_import = Register("1.0.1.8.0.255", value=lambda: (DOUBLE_LONG_UNSIGNED, int(self._wh_import)),
                                      scaler_unit=energy)
        self.energy_export = Register("1.0.2.8.0.255", value=lambda: (DOUBLE_LONG_UNSIGNED, int(self._wh_export)),
                                      scaler_unit=energy)
        self.voltage = Register("1.0.32.7.0.255", value=lambda: (LONG_UNSIGNED, int(self.volts() * 10)),
                                scaler_unit=scaler_unit(-1, UNIT_V))
        self.current = Register("1.0.31.7.0.255", value=lambda: (LONG_UNSIGNED, int(self.amps() * 100)),
                                scaler_unit=scaler_unit(-2, UNIT_A))
        self.power = Register("1.0.1.7.0.255", value=lambda: (DOUBLE_LONG_UNSIGNED, int(self.watts())),
                              scaler_unit=scaler_unit(0, UNIT_W))
        self.max_demand = ExtendedRegister("1.0.1.6.0.255", clock=c, value=(DOUBLE_LONG_UNSIGNED, 0),
                                           scaler_unit=scaler_unit(0, UNIT_W))
        self.demand = DemandRegister("1.0.1.4.0.255", source=lambda: int(self._wh_import), clock=c,
                                     value_type=DOUBLE_LONG_UNSIGNED, factor=3600,
                                     scaler_unit=scaler_unit(0, UNIT_W),
                                     period=(DOUBLE_LONG_UNSIGNED, PERIOD),
                                     number_of_periods=(LONG_UNSIGNED, 1))
        self.event_code = Data("0.0.96.11.0.255", value=(LONG_UNSIGNED, 0))
        status = Data("0.0.96.10.1.255", value=(UNSIGNED, 0))
        self.load_profile = ProfileGeneric(
            "1.0.99.1.0.255",
            capture_objects=((c, 2, 0), (self.energy_import, 2, 0), (self.energy_export, 2, 0),
                             (status, 2, 0)),
            capture_period=(DOUBLE_LONG_UNSIGNED, PERIOD), profile_entries=profile_rows + 96,
            # sorted by the clock column: clients (Gurux among them) restrict a
            # range read by sort_object when it is set
            sort_object=(STRUCTURE, ((LONG_UNSIGNED, 8), (OCTET_STRING, c.logical_name),
                                     (INTEGER, 2), (LONG_UNSIGNED, 0))))
        self.event_log = ProfileGeneric(
            "0.0.99.98.0.255", capture_objects=((c, 2, 0), (self.event_code, 2, 0)),
            profile_entries=100)
        self.disconnect = DisconnectControl("0.0.96.3.10.255")
        # a push (method 1, or the firmware) queues its DataNotification; the
        # runner takes them from `outbox` and sends them to the destination
        self.outbox = []
        self.push_setup = PushSetup(
            "0.0.25.9.0.255", objects=((c, 2, 0), (self.energy_import, 2, 0)),
            on_push=self._queue_push)
        self._push_id = 0
        ldn = b"MCS" + serial[-13:].encode()
        self.security = self._security(ek, ak, system_title, storage)
        sec = self.security
        objects = [
            Data("0.0.42.0.0.255", value=(OCTET_STRING, ldn)),
            Data("0.0.96.1.0.255", value=(VISIBLE_STRING, serial)),
            c, self.energy_import, self.energy_export, self.voltage, self.current, self.power,
            self.max_demand, self.demand, status, self.event_code, self.load_profile,
            self.event_log, self.disconnect, self.push_setup,
            SapAssignment("0.0.41.0.0.255", sap_assignment_list=(ARRAY, (
                (STRUCTURE, ((LONG_UNSIGNED, 1), (OCTET_STRING, ldn))),))),
            SecuritySetup("0.0.43.0.0.255", server_system_title=(OCTET_STRING, sec.system_title)),
            Data("0.0.43.1.0.255", value=lambda: (DOUBLE_LONG_UNSIGNED, sec.ic & 0xFFFFFFFF)),
            AssociationLN("0.0.40.0.0.255"),
            AssociationLN("0.0.40.0.1.255", client_sap=PUBLIC_SAP),
            AssociationLN("0.0.40.0.2.255", client_sap=READER_SAP),
            AssociationLN("0.0.40.0.3.255", client_sap=MANAGEMENT_SAP),
        ]
        self.model = ObjectModel(objects)
        self.server = Server(self.model, (
            AssociationConfig(PUBLIC_SAP, access=_read_only, max_pdu=max_pdu, name="public"),
            AssociationConfig(READER_SAP, mechanism=1, secret=reader_password, access=_read_only,
                              max_pdu=max_pdu, name="reader"),
            AssociationConfig(MANAGEMENT_SAP, context=CONTEXT_LN_CIPHERED, mechanism=5,
                              security=sec, access=_everything, max_pdu=max_pdu,
                              authenticator=ServerAuthenticator(Hls(5, ek=ek, ak=ak), security=sec),
                              name="management"),
        ))
        # the past: one row a quarter hour up to now, a power-up at the start
        self._event(EVENT_POWER_UP)
        self.load_profile.tick(self._t)
        self.advance(now)

    # ------------------------------------------------------------ simulation

    def _time(self):
        return self._t

    @staticmethod
    def _security(ek, ak, system_title, storage):
        # counters start at 1: a client that last saw none takes 0 as seen
        # (dlms-cosem refuses an answer whose counter is not above the last)
        if storage is None:
            return ServerSecurity(system_title, ek, ak, ic=1)
        rec = storage.get("ic")
        return ServerSecurity(system_title, ek, ak, ic=int.from_bytes(rec, "big") if rec else 1,
                              step=IC_STEP,
                              reserve=lambda limit: storage.put("ic", limit.to_bytes(8, "big")))

    def connected(self):
        return self.disconnect.output_state[1]

    def watts(self):
        return _day_curve(self._t) if self.connected() else 0.0

    def volts(self):
        return 230.0 + 4.0 * math.sin(self._t / 3700.0) + 1.5 * math.sin(self._t / 610.0)

    def amps(self):
        return self.watts() / self.volts()

    def _queue_push(self, setup, values):
        self._push_id = (self._push_id + 1) & 0xFFFFFF
        self.outbox.append(setup.data_notification(self._push_id).to_bytes())

    def _event(self, code):
        self.event_code.value = (LONG_UNSIGNED, code)
        self.event_log.capture()

    def advance(self, now):
        """Run the simulation up to UTC second `now`: energy, demand, captures."""
        while self._t < now:
            # steps end on whole minutes (five in the far past, for speed), so
            # that every quarter-hour capture is stamped on the quarter hour
            step = 300 if now - self._t > 3600 else 60
            dt = min((self._t // step + 1) * step - self._t, now - self._t)
            self._wh_import += self.watts() * dt / 3600.0
            self._wh_export += _pv_curve(self._t) * dt / 3600.0
            self._t += dt
            w = int(self.watts())
            if w > self.max_demand.value[1]:
                self.max_demand.capture((DOUBLE_LONG_UNSIGNED, w))
            self.load_profile.tick(self._t)
            self.demand.tick()

    def tick(self, now):
        self.advance(now)


def clock_text(meter):
    return str(DateTime.from_bytes(meter.clock.now_data()[1]))
