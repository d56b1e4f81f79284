# expect: `Order.total._values`
# pattern: instance_attribute
# fix: weakref.WeakKeyDictionary
# A validating descriptor keeps each instance's value in a dict of its own,
# keyed by the instance: every instance stays alive, with its value. Every
# field of the class is one such descriptor, so the holder is named by the
# field (`Order.total`), not by the descriptor's class (`Field`).
recent = collections.deque(maxlen=200)     # the status page shows the last order sizes


class Field:
    def __init__(self, kind):
        self.kind = kind
        self._values = {}

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, obj, objtype=None):
        return self if obj is None else self._values.get(obj)

    def __set__(self, obj, value):
        if not isinstance(value, self.kind):
            raise TypeError(self.name)
        self._values[obj] = value


class Order:
    total = Field(str)
    note = Field(str)

    def __init__(self, req):
        self.total = "%.2f EUR for %s" % (len(req["path"]) * 9.5, req["path"] * 4)
        self.note = "ok"


def serve(req):
    order = Order(req)
    body = dispatch(req)
    recent.append(order.total)
    return body


# step (repeated by a growth series)
for n in range(600):
    serve(make_request(n))
del n
