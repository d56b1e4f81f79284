# expect: `TempUpload.cleanup`
# pattern: native_held
import atexit


class TempUpload:
    def __init__(self, req):
        self.req = req
        self.data = bytearray(1500)

    def cleanup(self):
        self.data = None


# step (repeated by a growth series)
for n in range(800):
    atexit.register(TempUpload(make_request(n)).cleanup)     # each upload lives until exit
del n
