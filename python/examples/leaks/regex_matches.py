# expect: `matches`
# pattern: module_global
# A log scanner keeps every re.Match it finds for a later report; each match
# keeps the whole chunk of log text it was found in.
import re

PATTERN = re.compile(r"ERROR (\w+) user=(\d+)")
matches = []


def scan(chunk):
    for m in PATTERN.finditer(chunk):
        matches.append(m)


# step (repeated by a growth series)
for n in range(40):
    lines = []
    for k in range(400):
        if k % 37 == 0:
            lines.append("ERROR timeout user=%d request=%d" % (n * 1000 + k, k))
        else:
            lines.append("INFO ok path=/items/%d took=%dms %s" % (k, k % 90, "." * 60))
    scan("\n".join(lines))
del n, k, lines
