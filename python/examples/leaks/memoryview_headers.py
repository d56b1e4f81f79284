# expect: `PacketLog.headers`
# pattern: instance_attribute
# A packet log keeps only the 16-byte header of each packet "to save
# memory" — but as a memoryview slice, which keeps the whole packet alive.
class PacketLog:
    def __init__(self):
        self.headers = []

    def receive(self, packet):
        view = memoryview(packet)
        self.headers.append(view[:16])
        return len(view) - 16


packets = PacketLog()
# step (repeated by a growth series)
for n in range(600):
    req = make_request(n)
    packets.receive(struct.pack("!QQ", n, req["user"]) + dispatch(req).encode() + bytes(1500))
del n, req
