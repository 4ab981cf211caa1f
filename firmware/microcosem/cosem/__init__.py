"""COSEM interface classes (IEC 62056-6-2), one module per class or family.

    base        CosemObject: dispatch of get/set/action, type descriptions
    register    Data (1), Register (3), Extended register (4), Demand register (5)
    clock       Clock (8)
    profile     Profile generic (7)
    association Association SN (12), Association LN (15)
    control     Script table (9), Disconnect control (70), Register monitor (21),
                Single action schedule (22), Limiter (71), Register activation (6)
    setup       SAP assignment (17), IEC local port (19), IEC HDLC (23), Push (40),
                TCP-UDP (41), IPv4 (42), Security setup (64)
    calendar    Special days table (11), Activity calendar (20)
    image       Image transfer (18)
    table       build(): objects from one declarative list

Nothing is imported here: a build pays only for the classes it uses.
"""
