# expect: `BlobStore._blobs`
# pattern: instance_attribute
# A content-addressed store deduplicating uploads by their SHA-256 digest:
# identical uploads are stored once, but nothing ever deletes a blob.
class BlobStore:
    def __init__(self):
        self._blobs = {}

    def put(self, data):
        key = hashlib.sha256(data).digest()
        self._blobs.setdefault(key, data)
        return key


store = BlobStore()


def upload(req):
    body = dispatch(req)
    return store.put(("%s\n%s" % (req["id"], body)).encode())


# step (repeated by a growth series)
for n in range(700):
    upload(make_request(n))
del n
