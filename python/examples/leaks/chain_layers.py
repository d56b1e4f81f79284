# expect: `Settings.layers`
# pattern: instance_attribute
# Request-scoped overrides pushed with ChainMap.new_child() and assigned back,
# but never popped with .parents: every request adds a layer.
class Settings:
    def __init__(self):
        self.layers = collections.ChainMap({"debug": False, "theme": "light", "lang": "en"})

    def push(self, overrides):
        self.layers = self.layers.new_child(overrides)


settings = Settings()

# step (repeated by a growth series)
for n in range(700):
    req = make_request(n)
    settings.push({"request_id": req["id"], "path": req["path"], "headers": dict(req["headers"]), "user": USERS[req["user"]].name})
    dispatch(req)
del n, req
