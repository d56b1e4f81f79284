# expect: `Settings.observers`
# pattern: listeners
# Open documents are cached in a weakref.WeakValueDictionary so that they go
# away once no editor uses them. But each document subscribes a bound method
# to the global settings' observer list and never unsubscribes, so no
# document is ever freed; the weak cache looks like the culprit, the
# observer list is the real holder.
class Settings:
    def __init__(self):
        self.values = {"font": "mono", "size": 12}
        self.observers = []

    def subscribe(self, fn):
        self.observers.append(fn)


settings = Settings()


class Document:
    def __init__(self, path):
        self.path = path
        self.text = ("lorem ipsum %s " % path) * 30
        self.undo = [("insert", k, "x" * 20) for k in range(10)]
        settings.subscribe(self.on_settings_changed)

    def on_settings_changed(self, key):
        pass


_open_docs = weakref.WeakValueDictionary()


def open_document(path):
    doc = _open_docs.get(path)
    if doc is None:
        doc = _open_docs[path] = Document(path)
    return doc


# step (repeated by a growth series)
for n in range(600):
    open_document("/srv/docs/%d/report-%d.md" % (ROUND, n))   # used once and dropped
del n
