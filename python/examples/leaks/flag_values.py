# expect: `Perm._value2member_map_`
# pattern: class_attribute
# fix: pseudo-member
# ACL masks come from the database as ints and are converted with
# Perm(mask) for readable logs. A Flag makes a pseudo-member for each new
# combination of bits and caches it in Perm._value2member_map_ for good;
# with 20 flag bits there are a million combinations.
import enum
import zlib


class Perm(enum.IntFlag):
    READ = 1 << 0
    WRITE = 1 << 1
    DELETE = 1 << 2
    SHARE = 1 << 3
    COMMENT = 1 << 4
    EXPORT = 1 << 5
    PRINT = 1 << 6
    ADMIN = 1 << 7
    BILLING = 1 << 8
    AUDIT = 1 << 9
    INVITE = 1 << 10
    ARCHIVE = 1 << 11
    RESTORE = 1 << 12
    TAG = 1 << 13
    MOVE = 1 << 14
    RENAME = 1 << 15
    LOCK = 1 << 16
    UNLOCK = 1 << 17
    PUBLISH = 1 << 18
    OWN = 1 << 19


def acl_mask(user, resource):
    return zlib.crc32(b"%d:%d" % (user, resource)) & 0xFFFFF


def check(req, resource):
    perms = Perm(acl_mask(req["user"], resource))
    if Perm.READ not in perms:
        log.debug("denied %s on %s: %r", req["id"], resource, perms)
    return dispatch(req)


# step (repeated by a growth series)
for n in range(1500):
    check(make_request(n), n * 7 + ROUND * 100003)
del n
