"""Problem families: one idea, several concrete variants (different constants and names).

Variants of one family share a ``family``; the split builder keeps some variants of a
family for ``valid_seen`` (the idea is seen in training, the constants are not).
"""

from protege.tasks.code.source.spec import fn

for shift in (1, 3, 5, 13, 20):
    fn(
        "strings",
        f"caesar_{shift}(text: str) -> str",
        f"shifts every ASCII letter {shift} places forward in the alphabet, wrapping from z "
        "to a and keeping its case; other characters are unchanged.",
        f"""
        def caesar_{shift}(text):
            out = []
            for ch in text:
                if "a" <= ch <= "z":
                    out.append(chr((ord(ch) - 97 + {shift}) % 26 + 97))
                elif "A" <= ch <= "Z":
                    out.append(chr((ord(ch) - 65 + {shift}) % 26 + 65))
                else:
                    out.append(ch)
            return "".join(out)
        """,
        [("Hello, World!",)],
        [("",), ("xyz XYZ",), ("abc-123",), ("The Quick Brown Fox",)],
        family="caesar",
    )

BASE_NAMES = {2: "binary", 3: "ternary", 5: "base5", 8: "octal", 16: "hex"}
for base, label in BASE_NAMES.items():
    fn(
        "arithmetic",
        f"to_{label}(n: int) -> str",
        f"writes the integer n in base {base} using the digits 0-9 and then lower-case "
        "letters, with a leading '-' for negative numbers and no prefix. Do not use bin, oct, "
        "hex or format.",
        f"""
        def to_{label}(n):
            digits = "0123456789abcdefghijklmnopqrstuvwxyz"
            if n == 0:
                return "0"
            sign, n = ("-", -n) if n < 0 else ("", n)
            out = []
            while n:
                n, r = divmod(n, {base})
                out.append(digits[r])
            return sign + "".join(reversed(out))
        """,
        [(100,)],
        [(0,), (1,), (-7,), (255,), (123456,), (base,)],
        family="to_base",
    )

FIZZ = [(3, 5, "Fizz", "Buzz"), (2, 7, "Ping", "Pong"), (4, 6, "Foo", "Bar"), (3, 7, "Tic", "Tac")]
for a, b, word_a, word_b in FIZZ:
    name = f"{word_a.lower()}_{word_b.lower()}"
    fn(
        "arithmetic",
        f"{name}(n: int) -> list[str]",
        f"returns the list for 1..n where multiples of both {a} and {b} become "
        f"'{word_a}{word_b}', multiples of {a} become '{word_a}', multiples of {b} become "
        f"'{word_b}', and other numbers become their decimal string.",
        f"""
        def {name}(n):
            out = []
            for i in range(1, n + 1):
                word = ("{word_a}" if i % {a} == 0 else "") + ("{word_b}" if i % {b} == 0 else "")
                out.append(word or str(i))
            return out
        """,
        [(8,)],
        [(0,), (1,), (a * b,), (30,)],
        family="fizzbuzz",
    )

for a, b in ((3, 5), (2, 7), (4, 9)):
    fn(
        "arithmetic",
        f"sum_multiples_{a}_{b}(limit: int) -> int",
        f"returns the sum of the positive integers below `limit` that are multiples of {a} "
        f"or {b} (or both, counted once).",
        f"""
        def sum_multiples_{a}_{b}(limit):
            return sum(i for i in range(1, limit) if i % {a} == 0 or i % {b} == 0)
        """,
        [(20,)],
        [(0,), (1,), (a + 1,), (100,), (1000,)],
        family="sum_multiples",
    )

STEP_SETS = {
    "one_two": (1, 2),
    "one_three": (1, 3),
    "one_two_three": (1, 2, 3),
    "two_three": (2, 3),
}
for label, steps in STEP_SETS.items():
    listed = ", ".join(str(s) for s in steps)
    fn(
        "algorithms",
        f"climb_ways_{label}(n: int) -> int",
        f"counts the ordered ways to climb n stairs taking steps of size {listed} (1 way for "
        "n = 0).",
        f"""
        def climb_ways_{label}(n):
            ways = [1] + [0] * n
            for i in range(1, n + 1):
                ways[i] = sum(ways[i - s] for s in {steps!r} if s <= i)
            return ways[n]
        """,
        [(5,)],
        [(0,), (1,), (2,), (10,), (30,)],
        family="climb_ways",
    )

for base in (2, 3, 5):
    fn(
        "arithmetic",
        f"is_power_of_{base}(n: int) -> bool",
        f"tells whether n is {base} raised to a non-negative integer power (1 counts; zero "
        "and negative numbers do not).",
        f"""
        def is_power_of_{base}(n):
            if n < 1:
                return False
            while n % {base} == 0:
                n //= {base}
            return n == 1
        """,
        [(base**4,)],
        [(0,), (1,), (-base,), (base**5 + 1,), (base**10,), (6,)],
        family="is_power_of",
    )

RECURRENCES = {
    "fibonacci": (0, 1, 1, "F(0) = 0, F(1) = 1, F(n) = F(n-1) + F(n-2)"),
    "lucas": (2, 1, 1, "L(0) = 2, L(1) = 1, L(n) = L(n-1) + L(n-2)"),
    "pell": (0, 1, 2, "P(0) = 0, P(1) = 1, P(n) = 2*P(n-1) + P(n-2)"),
    "jacobsthal": (0, 1, -1, "J(0) = 0, J(1) = 1, J(n) = J(n-1) + 2*J(n-2)"),
}
for label, (first, second, mode, rule) in RECURRENCES.items():
    step = "b + 2 * a" if mode == -1 else f"{mode} * b + a" if mode != 1 else "a + b"
    fn(
        "arithmetic",
        f"nth_{label}(n: int) -> int",
        f"returns term n (n >= 0) of the sequence {rule}.",
        f"""
        def nth_{label}(n):
            a, b = {first}, {second}
            for _ in range(n):
                a, b = b, {step}
            return a
        """,
        [(6,)],
        [(0,), (1,), (2,), (20,), (50,)],
        family="recurrence",
    )

REMOVALS = {
    "vowels": ("aeiouAEIOU", "vowels (a, e, i, o, u in either case)"),
    "digits": ("0123456789", "decimal digits"),
    "punctuation": (".,;:!?'\"-", "punctuation characters . , ; : ! ? ' \" -"),
}
for label, (chars, what) in REMOVALS.items():
    fn(
        "strings",
        f"remove_{label}(text: str) -> str",
        f"returns the text with all {what} removed.",
        f"""
        def remove_{label}(text):
            return "".join(ch for ch in text if ch not in {chars!r})
        """,
        [("Hello, World 2024!",)],
        [("",), ("aeiou 0123 .,;",), ("Rhythm & Blues",), ("It's-9:30?",)],
        family="remove_chars",
    )

for n in (2, 3):
    fn(
        "lists",
        f"every_{n}{'nd' if n == 2 else 'rd'}(items: list) -> list",
        f"returns every {n}{'nd' if n == 2 else 'rd'} item of the list (the items at "
        f"positions {n - 1}, {2 * n - 1}, ... counting from 0).",
        f"""
        def every_{n}{"nd" if n == 2 else "rd"}(items):
            return items[{n - 1}::{n}]
        """,
        [(list(range(1, 10)),)],
        [([],), ([1],), (["a", "b", "c", "d", "e", "f", "g"],)],
        family="every_nth",
    )
