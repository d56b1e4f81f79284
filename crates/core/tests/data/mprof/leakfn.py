
cache = []
@profile
def grow(n):
    chunk = [bytearray(1024) for _ in range(n)]
    cache.append(chunk)
    tmp = [0] * n
    del tmp
    return len(chunk)

@profile
def main():
    for i in range(5):
        grow(20000)

main()
