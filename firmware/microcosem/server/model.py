"""The objects one logical device serves (the contract in MODEL.md).

    model = ObjectModel((clock, register, association))
    model.find(3, b"\\x01\\x00\\x01\\x08\\x00\\xff")   # -> the Register, or None
    model.find_sn(0x2008)                          # -> (register, "a", 2)

Objects are kept in a list, in the order given, because that order is the
object_list order an Association LN reports and MicroPython's dict keeps no
order.  Lookups by logical name go through a dict of 6-byte keys; lookups by
short name walk the list (SN meters hold tens of objects, and the list costs
no extra heap).
"""


class ObjectModel:
    """The objects one logical device serves."""

    def __init__(self, objects=()):
        self._objects = []
        self._by_ln = {}  # logical_name -> [obj, ...] (one per class, normally one)
        for obj in objects:
            self.add(obj)

    def add(self, obj):
        ln = bytes(obj.logical_name)
        same = self._by_ln.get(ln)
        if same is None:
            self._by_ln[ln] = [obj]
        else:
            for other in same:
                if other.class_id == obj.class_id:
                    raise ValueError("object %d %s is already in the model"
                                     % (obj.class_id, ln.hex()))
            same.append(obj)
        self._objects.append(obj)

    def remove(self, obj):
        ln = bytes(obj.logical_name)
        same = self._by_ln.get(ln)
        if same is None or obj not in same:
            raise ValueError("object not in the model")
        same.remove(obj)
        if not same:
            del self._by_ln[ln]
        self._objects.remove(obj)

    def find(self, class_id, logical_name):
        same = self._by_ln.get(bytes(logical_name))
        if same is not None:
            for obj in same:
                if obj.class_id == class_id:
                    return obj
        return None

    def find_ln(self, logical_name):
        """Any object of that logical name: tells object-class-inconsistent from
        object-undefined."""
        same = self._by_ln.get(bytes(logical_name))
        return same[0] if same else None

    def find_sn(self, short_name):
        """(obj, "a", attribute_id) or (obj, "m", method_id) for a short name, else None.

        IEC 62056-6-2: attribute i sits at base + 8*(i-1), method j at
        base + SN_METHOD_OFFSET + 8*(j-1), each name a multiple of 8 from the base.
        """
        for obj in self._objects:
            base = obj.short_name
            if base is None or short_name < base:
                continue
            delta = short_name - base
            if delta & 7:
                continue
            i = (delta >> 3) + 1
            if i <= obj.ATTRIBUTE_COUNT:
                return obj, "a", i
            off = obj.SN_METHOD_OFFSET
            if off is not None and delta >= off and not (delta - off) & 7:
                j = ((delta - off) >> 3) + 1
                if j <= obj.METHOD_COUNT:
                    return obj, "m", j
        return None

    def objects(self):
        return self._objects

    def __len__(self):
        return len(self._objects)
