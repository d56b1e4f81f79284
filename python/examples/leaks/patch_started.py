# expect: `_patch._active_patches`
# pattern: class_attribute
# fix: patcher.stop()
# A canary path swaps the payment gateway for a recording fake per request
# with `patch.object(...).start()`; nothing calls stop() (or
# mock.patch.stopall()), so unittest.mock keeps every started patcher, its
# MagicMock and every call that mock recorded in `_patch._active_patches`.
from unittest import mock


class PaymentGateway:
    def charge(self, req, amount):
        return {"ok": True, "amount": amount}


GATEWAY = PaymentGateway()


def handle_canary(req):
    fake = mock.MagicMock(name="charge-%s" % req["id"], return_value={"ok": True, "fake": True})
    patcher = mock.patch.object(GATEWAY, "charge", fake)
    patcher.start()
    return GATEWAY.charge(req, 10)


# step (repeated by a growth series)
for n in range(600):
    handle_canary(make_request(n))
del n
