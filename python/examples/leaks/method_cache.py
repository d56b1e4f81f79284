# expect: `PriceQuote.price`
# pattern: unbounded_cache
class PriceQuote:
    def __init__(self, sku):
        self.sku = sku
        self.history = [decimal.Decimal(k) / 3 for k in range(30)]

    @functools.lru_cache(maxsize=None)
    def price(self, qty):
        return sum(self.history) * qty


# step (repeated by a growth series)
for n in range(400):
    PriceQuote("sku-%d" % n).price(n % 5)
del n
