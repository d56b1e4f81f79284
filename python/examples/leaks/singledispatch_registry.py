# expect: `encode.registry`
# pattern: function_attribute
# fix: functools.singledispatch
# An API layer builds a row class per result shape with
# dataclasses.make_dataclass and registers a JSON encoder for it with
# @encode.register(cls). The shape includes a column named after the
# request, so every request makes a new class, and the singledispatch
# registry keeps each class and its encoder alive for good.
import dataclasses
import functools
import typing


@functools.singledispatch
def encode(obj):
    raise TypeError("cannot encode %r" % type(obj))


@encode.register
def _(obj: dict):
    return json.dumps(obj)


def row_class(fields):
    cls = dataclasses.make_dataclass("Row_" + "_".join(fields), [(f, typing.Any) for f in fields])

    @encode.register(cls)
    def _encode_row(obj, _fields=tuple(fields)):
        return json.dumps({f: str(getattr(obj, f)) for f in _fields})

    return cls


def query_view(req):
    u = USERS[req["user"]]
    Row = row_class(["uid", "name", "email", "score_" + req["id"].replace("-", "_")])
    return encode(Row(u.uid, u.name, u.email, req["user"] * 3))


# step (repeated by a growth series)
for n in range(400):
    query_view(make_request(n))
del n
