# expect: `extras`
# pattern: weak_container
# Extra data attached to sessions "weakly": a WeakKeyDictionary keyed by the
# session. But each value refers back to its key, so the dictionary's
# strong reference to the value keeps the key alive, and no entry ever dies.
import weakref


class Session:
    def __init__(self, sid):
        self.sid = sid
        self.scratch = bytearray(256)


class SessionExtras:
    def __init__(self, session):
        self.session = session
        self.tags = ["t%d" % i for i in range(4)]


extras = weakref.WeakKeyDictionary()


def open_session(n):
    s = Session("s-%d" % n)
    extras[s] = SessionExtras(s)
    return s


# step (repeated by a growth series)
for n in range(2500):
    open_session(n)
del n
