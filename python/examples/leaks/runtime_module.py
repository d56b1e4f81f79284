# expect: `history` of module `app_state`
# pattern: module_global
# A "shared state" module made at start-up with types.ModuleType and
# registered in sys.modules so that every component can `import app_state`.
# Its `history` list records every request's audit entry and is never
# trimmed. The module has no file, so it is not one of the program's files.
import sys
import types

app_state = types.ModuleType("app_state", "Shared mutable state for all components.")
app_state.history = []
app_state.settings = {"retention_days": 30}
sys.modules["app_state"] = app_state
del app_state


def audit(req, body):
    import app_state
    app_state.history.append({"id": req["id"], "user": req["user"], "path": req["path"],
                              "size": len(body), "excerpt": body[:200]})


# step (repeated by a growth series)
for n in range(900):
    req = make_request(n)
    audit(req, dispatch(req))
del n, req
