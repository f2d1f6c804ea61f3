"""Small class problems. Each test is a sequence of calls on one fresh instance."""

from protege.tasks.code.source.spec import cls

cls(
    "classes",
    "Stack",
    "Stack() is empty; push(item) adds on top; pop() removes and returns the top item (None "
    "when empty); peek() returns the top item without removing it (None when empty); size() "
    "returns the number of items.",
    """
    class Stack:
        def __init__(self):
            self.items = []

        def push(self, item):
            self.items.append(item)

        def pop(self):
            return self.items.pop() if self.items else None

        def peek(self):
            return self.items[-1] if self.items else None

        def size(self):
            return len(self.items)
    """,
    [[("__init__", ()), ("push", (1,)), ("push", (2,)), ("pop", ()), ("peek", ())]],
    [
        [("__init__", ()), ("pop", ()), ("peek", ()), ("size", ())],
        [
            ("__init__", ()),
            ("push", ("a",)),
            ("push", ("b",)),
            ("size", ()),
            ("pop", ()),
            ("pop", ()),
            ("pop", ()),
            ("size", ()),
        ],
    ],
)

cls(
    "classes",
    "TwoStackQueue",
    "A FIFO queue: enqueue(item) adds at the back; dequeue() removes and returns the front "
    "item (None when empty); size() returns the number of items.",
    """
    class TwoStackQueue:
        def __init__(self):
            self.inbox, self.outbox = [], []

        def enqueue(self, item):
            self.inbox.append(item)

        def dequeue(self):
            if not self.outbox:
                while self.inbox:
                    self.outbox.append(self.inbox.pop())
            return self.outbox.pop() if self.outbox else None

        def size(self):
            return len(self.inbox) + len(self.outbox)
    """,
    [[("__init__", ()), ("enqueue", (1,)), ("enqueue", (2,)), ("dequeue", ()), ("size", ())]],
    [
        [("__init__", ()), ("dequeue", ()), ("size", ())],
        [
            ("__init__", ()),
            ("enqueue", ("x",)),
            ("dequeue", ()),
            ("enqueue", ("y",)),
            ("enqueue", ("z",)),
            ("dequeue", ()),
            ("dequeue", ()),
            ("dequeue", ()),
        ],
    ],
)

cls(
    "classes",
    "Tally",
    "Tally() counts items: add(item) records one occurrence; count(item) returns how many "
    "times it was added; most_common() returns the item added most often (ties: the one that "
    "reached that count first), or None when nothing was added.",
    """
    class Tally:
        def __init__(self):
            self.counts = {}
            self.leader = None

        def add(self, item):
            self.counts[item] = self.counts.get(item, 0) + 1
            if self.leader is None or self.counts[item] > self.counts[self.leader]:
                self.leader = item

        def count(self, item):
            return self.counts.get(item, 0)

        def most_common(self):
            return self.leader
    """,
    [
        [
            ("__init__", ()),
            ("add", ("a",)),
            ("add", ("b",)),
            ("add", ("b",)),
            ("count", ("b",)),
            ("most_common", ()),
        ]
    ],
    [
        [("__init__", ()), ("most_common", ()), ("count", ("x",))],
        [
            ("__init__", ()),
            ("add", ("x",)),
            ("add", ("y",)),
            ("add", ("y",)),
            ("add", ("x",)),
            ("most_common", ()),
            ("count", ("x",)),
        ],
    ],
)

cls(
    "classes",
    "BankAccount",
    "BankAccount(owner, balance=0): deposit(amount) adds a positive amount and returns the "
    "new balance (a non-positive amount changes nothing); withdraw(amount) takes the amount "
    "if the balance covers it and returns True, else returns False; balance() returns the "
    "balance.",
    """
    class BankAccount:
        def __init__(self, owner, balance=0):
            self.owner = owner
            self._balance = balance

        def deposit(self, amount):
            if amount > 0:
                self._balance += amount
            return self._balance

        def withdraw(self, amount):
            if 0 <= amount <= self._balance:
                self._balance -= amount
                return True
            return False

        def balance(self):
            return self._balance
    """,
    [[("__init__", ("ada", 100)), ("deposit", (50,)), ("withdraw", (30,)), ("balance", ())]],
    [
        [("__init__", ("bo",)), ("withdraw", (1,)), ("deposit", (-5,)), ("balance", ())],
        [
            ("__init__", ("cy", 10)),
            ("withdraw", (10,)),
            ("withdraw", (0,)),
            ("deposit", (7,)),
            ("balance", ()),
        ],
    ],
)

cls(
    "classes",
    "LRUCache",
    "LRUCache(capacity) with capacity >= 1: get(key) returns the value or -1 and marks the "
    "key as recently used; put(key, value) stores the value (marking it recently used) and, "
    "when over capacity, evicts the least recently used key.",
    """
    from collections import OrderedDict

    class LRUCache:
        def __init__(self, capacity):
            self.capacity = capacity
            self.data = OrderedDict()

        def get(self, key):
            if key not in self.data:
                return -1
            self.data.move_to_end(key)
            return self.data[key]

        def put(self, key, value):
            self.data[key] = value
            self.data.move_to_end(key)
            if len(self.data) > self.capacity:
                self.data.popitem(last=False)
    """,
    [
        [
            ("__init__", (2,)),
            ("put", (1, 1)),
            ("put", (2, 2)),
            ("get", (1,)),
            ("put", (3, 3)),
            ("get", (2,)),
        ]
    ],
    [
        [
            ("__init__", (1,)),
            ("put", ("a", 1)),
            ("put", ("b", 2)),
            ("get", ("a",)),
            ("get", ("b",)),
        ],
        [
            ("__init__", (2,)),
            ("put", (1, 1)),
            ("put", (1, 10)),
            ("put", (2, 2)),
            ("get", (1,)),
            ("put", (3, 3)),
            ("get", (2,)),
            ("get", (3,)),
            ("get", (1,)),
        ],
    ],
)

cls(
    "classes",
    "MinStack",
    "A stack that also knows its minimum: push(value); pop() removes and returns the top "
    "value (None when empty); minimum() returns the smallest value in the stack (None when "
    "empty).",
    """
    class MinStack:
        def __init__(self):
            self.items, self.mins = [], []

        def push(self, value):
            self.items.append(value)
            self.mins.append(value if not self.mins else min(value, self.mins[-1]))

        def pop(self):
            if not self.items:
                return None
            self.mins.pop()
            return self.items.pop()

        def minimum(self):
            return self.mins[-1] if self.mins else None
    """,
    [
        [
            ("__init__", ()),
            ("push", (5,)),
            ("push", (2,)),
            ("push", (8,)),
            ("minimum", ()),
            ("pop", ()),
            ("pop", ()),
            ("minimum", ()),
        ]
    ],
    [
        [("__init__", ()), ("minimum", ()), ("pop", ())],
        [
            ("__init__", ()),
            ("push", (3,)),
            ("push", (3,)),
            ("pop", ()),
            ("minimum", ()),
            ("push", (-1,)),
            ("minimum", ()),
        ],
    ],
)

cls(
    "classes",
    "Inventory",
    "Inventory() tracks stock: add(item, quantity) adds stock; remove(item, quantity) takes "
    "stock and returns True if there was enough, else changes nothing and returns False; "
    "quantity(item) returns the stock (0 if unknown); items() returns [item, quantity] pairs "
    "with positive stock, sorted by item.",
    """
    class Inventory:
        def __init__(self):
            self.stock = {}

        def add(self, item, quantity):
            self.stock[item] = self.stock.get(item, 0) + quantity

        def remove(self, item, quantity):
            if self.stock.get(item, 0) < quantity:
                return False
            self.stock[item] -= quantity
            return True

        def quantity(self, item):
            return self.stock.get(item, 0)

        def items(self):
            return [[item, qty] for item, qty in sorted(self.stock.items()) if qty > 0]
    """,
    [[("__init__", ()), ("add", ("apple", 5)), ("remove", ("apple", 2)), ("items", ())]],
    [
        [("__init__", ()), ("remove", ("x", 1)), ("quantity", ("x",)), ("items", ())],
        [
            ("__init__", ()),
            ("add", ("b", 1)),
            ("add", ("a", 2)),
            ("remove", ("b", 1)),
            ("remove", ("a", 3)),
            ("items", ()),
            ("quantity", ("a",)),
        ],
    ],
)

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
