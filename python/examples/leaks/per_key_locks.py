# expect: `_session_locks` of module `__main__`
# pattern: module_global
# One lock per session to serialise its requests, made on first use and
# never removed when the session ends.
_session_locks = {}
_guard = threading.Lock()


def lock_for(session_id):
    with _guard:
        lock = _session_locks.get(session_id)
        if lock is None:
            lock = _session_locks[session_id] = threading.RLock()
        return lock


def serve(req):
    with lock_for("sess-%s-%d" % (req["id"], req["user"])):
        return dispatch(req)


# step (repeated by a growth series)
for n in range(2000):
    serve(make_request(n))
del n
