"""More small class problems (records, buffers, statistics, trees)."""

from protege.tasks.code.source.spec import cls

cls(
    "classes",
    "TodoList",
    "TodoList(): add(title) stores a pending task and returns its id (1, 2, 3, ...); "
    "complete(task_id) marks a pending task done and returns True, or returns False for an "
    "unknown or already completed id; pending() returns the titles of pending tasks in the "
    "order they were added.",
    """
    class TodoList:
        def __init__(self):
            self.tasks = {}
            self.done = set()

        def add(self, title):
            task_id = len(self.tasks) + 1
            self.tasks[task_id] = title
            return task_id

        def complete(self, task_id):
            if task_id not in self.tasks or task_id in self.done:
                return False
            self.done.add(task_id)
            return True

        def pending(self):
            return [t for i, t in self.tasks.items() if i not in self.done]
    """,
    [
        [
            ("__init__", ()),
            ("add", ("write",)),
            ("add", ("test",)),
            ("complete", (1,)),
            ("pending", ()),
        ]
    ],
    [
        [("__init__", ()), ("pending", ()), ("complete", (1,))],
        [
            ("__init__", ()),
            ("add", ("a",)),
            ("complete", (1,)),
            ("complete", (1,)),
            ("add", ("b",)),
            ("add", ("c",)),
            ("complete", (3,)),
            ("pending", ()),
        ],
    ],
)

cls(
    "classes",
    "RingBuffer",
    "RingBuffer(capacity) keeps the last `capacity` items: append(item) adds one, dropping "
    "the oldest when full; to_list() returns the items oldest first; is_full() tells whether "
    "it holds `capacity` items.",
    """
    class RingBuffer:
        def __init__(self, capacity):
            self.capacity = capacity
            self.items = []

        def append(self, item):
            self.items.append(item)
            if len(self.items) > self.capacity:
                self.items.pop(0)

        def to_list(self):
            return list(self.items)

        def is_full(self):
            return len(self.items) == self.capacity
    """,
    [
        [
            ("__init__", (3,)),
            ("append", (1,)),
            ("append", (2,)),
            ("append", (3,)),
            ("append", (4,)),
            ("to_list", ()),
        ]
    ],
    [
        [("__init__", (2,)), ("to_list", ()), ("is_full", ())],
        [
            ("__init__", (1,)),
            ("append", ("a",)),
            ("is_full", ()),
            ("append", ("b",)),
            ("to_list", ()),
        ],
    ],
)

cls(
    "classes",
    "Thermometer",
    "Thermometer() records readings: record(value); average() returns the mean rounded to 1 "
    "decimal; highest() and lowest() return the extremes. All three return None before any "
    "reading.",
    """
    class Thermometer:
        def __init__(self):
            self.readings = []

        def record(self, value):
            self.readings.append(value)

        def average(self):
            if not self.readings:
                return None
            return round(sum(self.readings) / len(self.readings), 1)

        def highest(self):
            return max(self.readings) if self.readings else None

        def lowest(self):
            return min(self.readings) if self.readings else None
    """,
    [[("__init__", ()), ("record", (20.5,)), ("record", (22,)), ("average", ()), ("highest", ())]],
    [
        [("__init__", ()), ("average", ()), ("highest", ()), ("lowest", ())],
        [
            ("__init__", ()),
            ("record", (-3,)),
            ("record", (4,)),
            ("record", (0,)),
            ("average", ()),
            ("lowest", ()),
            ("highest", ()),
        ],
    ],
)

cls(
    "classes",
    "Rectangle",
    "Rectangle(width, height): area(); perimeter(); scale(factor) multiplies both sides and "
    "returns None; is_square() tells whether the sides are equal.",
    """
    class Rectangle:
        def __init__(self, width, height):
            self.width, self.height = width, height

        def area(self):
            return self.width * self.height

        def perimeter(self):
            return 2 * (self.width + self.height)

        def scale(self, factor):
            self.width *= factor
            self.height *= factor

        def is_square(self):
            return self.width == self.height
    """,
    [[("__init__", (3, 4)), ("area", ()), ("perimeter", ()), ("is_square", ())]],
    [
        [("__init__", (2, 2)), ("is_square", ()), ("scale", (3,)), ("area", ())],
        [("__init__", (1, 5)), ("scale", (2,)), ("perimeter", ()), ("is_square", ())],
    ],
)

cls(
    "classes",
    "Polynomial",
    "Polynomial(coefficients) where coefficients[i] multiplies x**i: evaluate(x) returns the "
    "value at x; degree() returns the highest power with a non-zero coefficient (0 for the "
    "zero polynomial); derivative() returns the coefficient list of the derivative ([0] for a "
    "constant).",
    """
    class Polynomial:
        def __init__(self, coefficients):
            self.coefficients = list(coefficients)

        def evaluate(self, x):
            return sum(c * x**i for i, c in enumerate(self.coefficients))

        def degree(self):
            for i in range(len(self.coefficients) - 1, -1, -1):
                if self.coefficients[i] != 0:
                    return i
            return 0

        def derivative(self):
            out = [i * c for i, c in enumerate(self.coefficients)][1:]
            return out or [0]
    """,
    [[("__init__", ([1, 0, 2],)), ("evaluate", (3,)), ("degree", ()), ("derivative", ())]],
    [
        [("__init__", ([5],)), ("evaluate", (10,)), ("degree", ()), ("derivative", ())],
        [
            ("__init__", ([0, -1, 0, 4, 0],)),
            ("evaluate", (-2,)),
            ("degree", ()),
            ("derivative", ()),
        ],
    ],
)

cls(
    "classes",
    "HitCounter",
    "HitCounter(window) counts hits in a sliding time window: hit(timestamp) records a hit "
    "(timestamps never decrease); count(timestamp) returns the number of hits with a "
    "timestamp t where timestamp - window < t <= timestamp.",
    """
    class HitCounter:
        def __init__(self, window):
            self.window = window
            self.hits = []

        def hit(self, timestamp):
            self.hits.append(timestamp)

        def count(self, timestamp):
            return sum(1 for t in self.hits if timestamp - self.window < t <= timestamp)
    """,
    [
        [
            ("__init__", (300,)),
            ("hit", (1,)),
            ("hit", (2,)),
            ("hit", (300,)),
            ("count", (300,)),
            ("count", (301,)),
        ]
    ],
    [
        [("__init__", (10,)), ("count", (5,))],
        [
            ("__init__", (5,)),
            ("hit", (1,)),
            ("hit", (1,)),
            ("hit", (6,)),
            ("count", (6,)),
            ("count", (10,)),
            ("count", (11,)),
        ],
    ],
)

cls(
    "classes",
    "PrefixTree",
    "A trie of words: insert(word); contains(word) tells whether the exact word was "
    "inserted; count_prefix(prefix) returns how many distinct inserted words start with the "
    "prefix.",
    """
    class PrefixTree:
        def __init__(self):
            self.root = {}

        def insert(self, word):
            node = self.root
            for ch in word:
                node = node.setdefault(ch, {})
            node["$"] = True

        def _find(self, text):
            node = self.root
            for ch in text:
                if ch not in node:
                    return None
                node = node[ch]
            return node

        def contains(self, word):
            node = self._find(word)
            return bool(node) and "$" in node

        def count_prefix(self, prefix):
            def count(node):
                return sum(1 if key == "$" else count(child) for key, child in node.items())
            node = self._find(prefix)
            return count(node) if node is not None else 0
    """,
    [
        [
            ("__init__", ()),
            ("insert", ("car",)),
            ("insert", ("cart",)),
            ("contains", ("car",)),
            ("count_prefix", ("ca",)),
        ]
    ],
    [
        [("__init__", ()), ("contains", ("",)), ("count_prefix", ("",))],
        [
            ("__init__", ()),
            ("insert", ("a",)),
            ("insert", ("a",)),
            ("insert", ("ab",)),
            ("contains", ("b",)),
            ("count_prefix", ("a",)),
            ("count_prefix", ("ab",)),
            ("contains", ("ab",)),
        ],
    ],
)
