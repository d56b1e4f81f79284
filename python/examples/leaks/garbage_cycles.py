# expect: `TreeNode`
# pattern: garbage_cycles
gc.disable()


class TreeNode:
    def __init__(self, name, parent=None):
        self.name = name
        self.parent = parent
        self.children = []
        self.value = bytearray(200)
        if parent is not None:
            parent.children.append(self)


def build(name):
    root = TreeNode(name)
    for i in range(30):
        TreeNode("%s.%d" % (name, i), root)
    return len(root.children)


# step (repeated by a growth series)
for k in range(40):
    build("tree-%d" % k)       # unreachable after return, but gc is disabled
