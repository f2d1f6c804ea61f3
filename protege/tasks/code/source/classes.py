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
