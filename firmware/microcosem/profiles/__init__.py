"""Communication profiles: the layers between a byte stream and whole APDUs.

hdlc        IEC 62056-46 HDLC link (client and server engines), over
hdlc_frame  the frame codec and crc16 its FCS;
iec21       IEC 62056-21 mode E: the optical port's opening before HDLC;
wrapper     IEC 62056-47 TCP/UDP wrapper;
sms         the SMS short wrapper (two SAP bytes before the APDU).

Each module is imported on its own (`from microcosem.profiles.hdlc import
HdlcClient`), so a build that only speaks the wrapper ships no HDLC code.
"""
