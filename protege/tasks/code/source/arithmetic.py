"""Arithmetic problems."""

from protege.tasks.code.source.spec import fn

fn(
    "arithmetic",
    "is_prime(n: int) -> bool",
    "tells whether n is a prime number (n may be negative, zero or one).",
    """
    def is_prime(n):
        if n < 2:
            return False
        d = 2
        while d * d <= n:
            if n % d == 0:
                return False
            d += 1
        return True
    """,
    [(29,)],
    [(-7,), (0,), (1,), (2,), (91,), (97,), (7919,), (1_000_001,)],
)

fn(
    "arithmetic",
    "primes_below(n: int) -> list[int]",
    "returns all primes smaller than n in ascending order.",
    """
    def primes_below(n):
        if n < 3:
            return []
        sieve = [True] * n
        sieve[0] = sieve[1] = False
        for i in range(2, int(n**0.5) + 1):
            if sieve[i]:
                sieve[i * i :: i] = [False] * len(range(i * i, n, i))
        return [i for i, is_p in enumerate(sieve) if is_p]
    """,
    [(20,)],
    [(0,), (2,), (3,), (30,), (100,)],
)

fn(
    "arithmetic",
    "gcd_of_list(values: list[int]) -> int",
    "returns the greatest common divisor of the non-negative integers in the list (0 for an "
    "empty list or all zeros). Do not use math.gcd.",
    """
    def gcd_of_list(values):
        result = 0
        for value in values:
            a, b = result, value
            while b:
                a, b = b, a % b
            result = a
        return result
    """,
    [([12, 18, 24],)],
    [([],), ([0, 0],), ([7],), ([0, 9],), ([17, 34, 51, 5],)],
)

fn(
    "arithmetic",
    "lcm_of_range(n: int) -> int",
    "returns the least common multiple of 1, 2, ..., n (1 for n <= 1).",
    """
    from math import gcd

    def lcm_of_range(n):
        result = 1
        for k in range(2, n + 1):
            result = result * k // gcd(result, k)
        return result
    """,
    [(10,)],
    [(0,), (1,), (2,), (5,), (20,)],
)

fn(
    "arithmetic",
    "digital_root(n: int) -> int",
    "repeatedly sums the decimal digits of a non-negative n until one digit remains.",
    """
    def digital_root(n):
        while n >= 10:
            n = sum(int(d) for d in str(n))
        return n
    """,
    [(493193,)],
    [(0,), (9,), (10,), (99999999999,), (123456789,)],
)

fn(
    "arithmetic",
    "trailing_zeros_of_factorial(n: int) -> int",
    "returns how many zeros n! ends with (n >= 0).",
    """
    def trailing_zeros_of_factorial(n):
        count, power = 0, 5
        while power <= n:
            count += n // power
            power *= 5
        return count
    """,
    [(25,)],
    [(0,), (4,), (5,), (100,), (1000,)],
)

fn(
    "arithmetic",
    "collatz_steps(n: int) -> int",
    "returns how many Collatz steps (n -> n/2 if even, else 3n+1) take a positive n to 1.",
    """
    def collatz_steps(n):
        steps = 0
        while n != 1:
            n = n // 2 if n % 2 == 0 else 3 * n + 1
            steps += 1
        return steps
    """,
    [(6,)],
    [(1,), (2,), (7,), (27,), (97,)],
)

fn(
    "arithmetic",
    "is_perfect(n: int) -> bool",
    "tells whether n is a perfect number: positive and equal to the sum of its divisors "
    "smaller than itself.",
    """
    def is_perfect(n):
        return n > 1 and sum(d for d in range(1, n // 2 + 1) if n % d == 0) == n
    """,
    [(28,)],
    [(0,), (1,), (6,), (12,), (496,), (8128,), (500,)],
)

fn(
    "arithmetic",
    "prime_factors(n: int) -> list[int]",
    "returns the prime factors of n >= 2 in ascending order, with repeats (e.g. 12 gives "
    "[2, 2, 3]).",
    """
    def prime_factors(n):
        factors, d = [], 2
        while d * d <= n:
            while n % d == 0:
                factors.append(d)
                n //= d
            d += 1
        if n > 1:
            factors.append(n)
        return factors
    """,
    [(360,)],
    [(2,), (97,), (1024,), (999_983 * 3,), (30,)],
)

fn(
    "arithmetic",
    "is_armstrong(n: int) -> bool",
    "tells whether a non-negative n equals the sum of its digits each raised to the number of "
    "digits (e.g. 153 = 1^3 + 5^3 + 3^3).",
    """
    def is_armstrong(n):
        digits = str(n)
        return n == sum(int(d) ** len(digits) for d in digits)
    """,
    [(153,)],
    [(0,), (9,), (10,), (370,), (9474,), (9475,)],
)

fn(
    "arithmetic",
    "count_divisors(n: int) -> int",
    "returns how many positive divisors a positive n has.",
    """
    def count_divisors(n):
        count, d = 0, 1
        while d * d <= n:
            if n % d == 0:
                count += 1 if d * d == n else 2
            d += 1
        return count
    """,
    [(12,)],
    [(1,), (7,), (36,), (100,), (720,)],
)

fn(
    "arithmetic",
    "round_to_step(value: float, step: float) -> float",
    "rounds `value` to the nearest multiple of a positive `step`, halves rounding away from "
    "zero, and returns the result rounded to 6 decimals.",
    """
    import math

    def round_to_step(value, step):
        units = abs(value) / step
        rounded = math.floor(units + 0.5) * step
        return round(math.copysign(rounded, value), 6)
    """,
    [(7.3, 0.5)],
    [(0.0, 1.0), (2.5, 1.0), (-2.5, 1.0), (17, 5), (1.26, 0.25), (-0.1, 0.3)],
)

fn(
    "arithmetic",
    "mean_median_mode(values: list[int]) -> list",
    "returns [mean, median, mode] of a non-empty list: the mean rounded to 2 decimals, the "
    "median (average of the middle two for an even length), and the smallest of the most "
    "frequent values.",
    """
    from collections import Counter

    def mean_median_mode(values):
        ordered = sorted(values)
        n = len(ordered)
        median = ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2
        counts = Counter(values)
        mode = min(counts, key=lambda v: (-counts[v], v))
        return [round(sum(values) / n, 2), median, mode]
    """,
    [([1, 2, 2, 3, 4],)],
    [([5],), ([1, 2, 3, 4],), ([3, 3, 1, 1],), ([-1, 10, 10, 2],)],
)

fn(
    "arithmetic",
    "compound_interest(principal: float, rate_percent: float, years: int) -> float",
    "returns the balance after compounding `principal` yearly at `rate_percent` for `years` "
    "years, rounded to 2 decimals.",
    """
    def compound_interest(principal, rate_percent, years):
        return round(principal * (1 + rate_percent / 100) ** years, 2)
    """,
    [(1000, 5, 3)],
    [(0, 10, 5), (100, 0, 10), (2500.5, 3.25, 7), (1, 100, 10)],
)

fn(
    "arithmetic",
    "pascal_row(n: int) -> list[int]",
    "returns row n (n >= 0, row 0 is [1]) of Pascal's triangle.",
    """
    def pascal_row(n):
        row = [1]
        for _ in range(n):
            row = [1] + [row[i] + row[i + 1] for i in range(len(row) - 1)] + [1]
        return row
    """,
    [(4,)],
    [(0,), (1,), (6,), (10,)],
)

fn(
    "arithmetic",
    "is_leap_year(year: int) -> bool",
    "applies the Gregorian rule: divisible by 4, except centuries not divisible by 400.",
    """
    def is_leap_year(year):
        return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    """,
    [(2024,)],
    [(1900,), (2000,), (2023,), (2100,), (1600,)],
)

fn(
    "arithmetic",
    "day_of_year(year: int, month: int, day: int) -> int",
    "returns the day number within the year (1 January is 1) of a valid Gregorian date. Do "
    "not use the datetime module.",
    """
    def day_of_year(year, month, day):
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        lengths = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return sum(lengths[: month - 1]) + day
    """,
    [(2024, 3, 1)],
    [(2023, 1, 1), (2023, 12, 31), (2000, 12, 31), (1900, 3, 1), (2021, 7, 4)],
)

fn(
    "arithmetic",
    "reverse_integer(n: int) -> int",
    "reverses the decimal digits of n, keeping the sign (e.g. -120 gives -21).",
    """
    def reverse_integer(n):
        sign = -1 if n < 0 else 1
        return sign * int(str(abs(n))[::-1])
    """,
    [(-120,)],
    [(0,), (7,), (1200,), (-5,), (123456789,)],
)

fn(
    "arithmetic",
    "binomial(n: int, k: int) -> int",
    "returns the binomial coefficient 'n choose k' (0 when k < 0 or k > n). Do not use math.comb.",
    """
    def binomial(n, k):
        if k < 0 or k > n:
            return 0
        result = 1
        for i in range(min(k, n - k)):
            result = result * (n - i) // (i + 1)
        return result
    """,
    [(5, 2)],
    [(0, 0), (10, 0), (10, 10), (4, 5), (30, 15), (6, -1)],
)

fn(
    "arithmetic",
    "gray_code(n: int) -> list[int]",
    "returns the n-bit reflected Gray code sequence as integers, starting at 0 (n >= 0).",
    """
    def gray_code(n):
        return [i ^ (i >> 1) for i in range(1 << n)]
    """,
    [(3,)],
    [(0,), (1,), (2,), (4,)],
)
