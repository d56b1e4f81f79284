# expect: `ARCHIVE` of module `__main__`
# pattern: module_global
# fix: is a zipfile.ZipFile kept open for writing
# An export service appends every generated report into one in-memory zip
# that is "flushed" at shutdown; ZipFile keeps a ZipInfo for each member in
# filelist and NameToInfo, and the BytesIO holds every compressed byte.
import zipfile

ARCHIVE = zipfile.ZipFile(io.BytesIO(), "w", compression=zipfile.ZIP_DEFLATED)


def handle(req):
    ARCHIVE.writestr("reports/%d/%s.csv" % (req["user"], req["id"]), "id,path\n%s,%s\n" % (req["id"], req["path"]) * 10)
    return dispatch(req)


# step (repeated by a growth series)
for n in range(300):
    handle(make_request(n))
del n
