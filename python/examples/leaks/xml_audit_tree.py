# expect: `AUDIT` of module `__main__`
# pattern: module_global
# fix: AUDIT.remove(child)
# An audit trail kept as one xml.etree tree for the life of the process:
# each request appends an element (with its headers as children) that is
# meant to be written out at shutdown, so the tree only grows.
import xml.etree.ElementTree as ET

AUDIT = ET.Element("audit")


def audit(req):
    entry = ET.SubElement(AUDIT, "request", id=req["id"], path=req["path"], user=str(req["user"]))
    for k, v in req["headers"].items():
        ET.SubElement(entry, "header", name=k).text = str(v)
    ET.SubElement(entry, "note").text = "n" * 200


# step (repeated by a growth series)
for n in range(2000):
    audit(make_request(n))
del n
