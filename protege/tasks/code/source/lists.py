"""List problems."""

from protege.tasks.code.source.spec import fn

fn(
    "lists",
    "chunk(items: list, size: int) -> list[list]",
    "splits the list into consecutive chunks of `size` items (size >= 1); the last chunk may "
    "be shorter.",
    """
    def chunk(items, size):
        return [items[i : i + size] for i in range(0, len(items), size)]
    """,
    [([1, 2, 3, 4, 5], 2)],
    [([], 3), ([1, 2, 3], 1), ([1, 2, 3], 5), (list(range(9)), 3), (["a", "b"], 2)],
)

fn(
    "lists",
    "flatten(nested: list) -> list",
    "flattens arbitrarily deeply nested lists into one flat list, keeping the order.",
    """
    def flatten(nested):
        out = []
        for item in nested:
            if isinstance(item, list):
                out.extend(flatten(item))
            else:
                out.append(item)
        return out
    """,
    [([1, [2, [3, [4]], 5]],)],
    [([],), ([[[]]],), ([1, 2, 3],), ([["a"], ["b", ["c"]]],), ([[1, [2]], [], [[3, 4]]],)],
)

fn(
    "lists",
    "rotate_left(items: list, k: int) -> list",
    "returns the list rotated left by `k` positions (k >= 0, possibly larger than the length); "
    "an empty list stays empty.",
    """
    def rotate_left(items, k):
        if not items:
            return []
        k %= len(items)
        return items[k:] + items[:k]
    """,
    [([1, 2, 3, 4, 5], 2)],
    [([], 3), ([1], 7), ([1, 2, 3], 3), ([1, 2, 3], 4), (["x", "y"], 0)],
)

fn(
    "lists",
    "running_sum(values: list[int]) -> list[int]",
    "returns the prefix sums: element i is the sum of values[0..i].",
    """
    def running_sum(values):
        out, total = [], 0
        for value in values:
            total += value
            out.append(total)
        return out
    """,
    [([1, 2, 3, 4],)],
    [([],), ([5],), ([-1, 1, -1, 1],), ([10, 0, 0, 5],)],
)

fn(
    "lists",
    "second_largest(values: list[int]) -> int | None",
    "returns the second largest distinct value, or None when there are fewer than two "
    "distinct values.",
    """
    def second_largest(values):
        distinct = sorted(set(values), reverse=True)
        return distinct[1] if len(distinct) > 1 else None
    """,
    [([4, 1, 7, 7, 3],)],
    [([],), ([5],), ([2, 2, 2],), ([-1, -5, -3],), ([1, 2],)],
)

fn(
    "lists",
    "unique_in_order(items: list) -> list",
    "removes repeated items, keeping the first occurrence of each, in order.",
    """
    def unique_in_order(items):
        seen, out = set(), []
        for item in items:
            if item not in seen:
                seen.add(item)
                out.append(item)
        return out
    """,
    [([3, 1, 3, 2, 1],)],
    [([],), (["a", "b", "a"],), ([1, 1, 1],), ([5, 4, 3],)],
)

fn(
    "lists",
    "interleave(first: list, second: list) -> list",
    "alternates items of the two lists starting with `first`; leftovers of the longer list "
    "go at the end.",
    """
    def interleave(first, second):
        out = []
        for i in range(max(len(first), len(second))):
            if i < len(first):
                out.append(first[i])
            if i < len(second):
                out.append(second[i])
        return out
    """,
    [([1, 2, 3], ["a", "b"])],
    [([], []), ([], [1]), ([1, 2], [3, 4]), ([1], [2, 3, 4])],
)

fn(
    "lists",
    "moving_average(values: list[float], window: int) -> list[float]",
    "returns the averages of every window of `window` consecutive values, each rounded to 2 "
    "decimals; an empty list when there are fewer values than the window.",
    """
    def moving_average(values, window):
        return [
            round(sum(values[i : i + window]) / window, 2)
            for i in range(len(values) - window + 1)
        ]
    """,
    [([1, 2, 3, 4, 5], 3)],
    [([], 2), ([1, 2], 3), ([10, 20], 1), ([1, 1, 2, 3, 5, 8], 2), ([0.5, 0.25, 1.0], 3)],
)

fn(
    "lists",
    "find_peaks(values: list[int]) -> list[int]",
    "returns the indices of interior elements that are strictly greater than both neighbours.",
    """
    def find_peaks(values):
        return [
            i for i in range(1, len(values) - 1) if values[i - 1] < values[i] > values[i + 1]
        ]
    """,
    [([1, 3, 2, 4, 1, 5],)],
    [([],), ([1, 2],), ([1, 2, 2, 1],), ([5, 4, 3],), ([0, 9, 0, 9, 0],)],
)

fn(
    "lists",
    "split_even_odd(values: list[int]) -> list[list[int]]",
    "returns [evens, odds]: the even and the odd numbers, each in their original order.",
    """
    def split_even_odd(values):
        return [[v for v in values if v % 2 == 0], [v for v in values if v % 2]]
    """,
    [([1, 2, 3, 4, 5, 6],)],
    [([],), ([0, -1, -2],), ([7, 9],), ([2, 4],)],
)

fn(
    "lists",
    "merge_sorted(first: list[int], second: list[int]) -> list[int]",
    "merges two ascending lists into one ascending list (duplicates kept).",
    """
    def merge_sorted(first, second):
        out, i, j = [], 0, 0
        while i < len(first) and j < len(second):
            if first[i] <= second[j]:
                out.append(first[i])
                i += 1
            else:
                out.append(second[j])
                j += 1
        return out + first[i:] + second[j:]
    """,
    [([1, 4, 9], [2, 3, 10])],
    [([], []), ([1], []), ([], [0, 0]), ([1, 1, 2], [1, 3]), ([-5, 0], [-6, 7])],
)

fn(
    "lists",
    "transpose(matrix: list[list]) -> list[list]",
    "returns the transpose of a rectangular matrix given as a list of rows ([] for []).",
    """
    def transpose(matrix):
        return [list(column) for column in zip(*matrix)]
    """,
    [([[1, 2, 3], [4, 5, 6]],)],
    [([],), ([[1]],), ([[1], [2], [3]],), ([["a", "b"], ["c", "d"]],)],
)

fn(
    "lists",
    "spiral_order(matrix: list[list[int]]) -> list[int]",
    "returns the elements of a rectangular matrix in clockwise spiral order, starting at the "
    "top-left corner.",
    """
    def spiral_order(matrix):
        out = []
        rows = [list(row) for row in matrix]
        while rows:
            out.extend(rows.pop(0))
            rows = [list(row) for row in zip(*rows)][::-1]
        return out
    """,
    [([[1, 2, 3], [4, 5, 6], [7, 8, 9]],)],
    [([],), ([[1]],), ([[1, 2, 3, 4]],), ([[1], [2], [3]],), ([[1, 2], [3, 4], [5, 6]],)],
)

fn(
    "lists",
    "group_consecutive(values: list[int]) -> list[list[int]]",
    "splits a list of integers into runs where each number is one more than the previous.",
    """
    def group_consecutive(values):
        groups = []
        for value in values:
            if groups and value == groups[-1][-1] + 1:
                groups[-1].append(value)
            else:
                groups.append([value])
        return groups
    """,
    [([1, 2, 3, 5, 6, 8],)],
    [([],), ([4],), ([3, 2, 1],), ([1, 2, 2, 3],), ([-2, -1, 0, 1],)],
)

fn(
    "lists",
    "cumulative_max(values: list[int]) -> list[int]",
    "returns, at each position, the largest value seen so far.",
    """
    def cumulative_max(values):
        out = []
        for value in values:
            out.append(value if not out else max(out[-1], value))
        return out
    """,
    [([3, 1, 4, 1, 5, 9, 2],)],
    [([],), ([-3, -5, -1],), ([2, 2, 2],)],
)

fn(
    "lists",
    "two_sum(values: list[int], target: int) -> list[int] | None",
    "returns the indices [i, j] (i < j) of the first pair, in order of j and then i, whose "
    "values add up to `target`, or None.",
    """
    def two_sum(values, target):
        seen = {}
        for j, value in enumerate(values):
            if target - value in seen:
                return [seen[target - value], j]
            seen.setdefault(value, j)
        return None
    """,
    [([2, 7, 11, 15], 9)],
    [([], 1), ([1, 2, 3], 7), ([3, 3], 6), ([1, 5, 1, 5], 6), ([0, -1, 1], 0)],
)

fn(
    "lists",
    "majority_element(values: list) -> object",
    "returns the element that occurs more than half of the time, or None if there is none.",
    """
    from collections import Counter

    def majority_element(values):
        for value, count in Counter(values).items():
            if count * 2 > len(values):
                return value
        return None
    """,
    [([3, 1, 3, 3, 2],)],
    [([],), ([1, 2],), (["a"],), ([1, 1, 2, 2],), ([2, 2, 1, 2],)],
)

fn(
    "lists",
    "product_except_self(values: list[int]) -> list[int]",
    "returns a list whose element i is the product of all values except values[i].",
    """
    def product_except_self(values):
        out = []
        for i in range(len(values)):
            product = 1
            for j, value in enumerate(values):
                if j != i:
                    product *= value
            out.append(product)
        return out
    """,
    [([1, 2, 3, 4],)],
    [([],), ([5],), ([0, 1, 2],), ([-1, 2, -3],), ([0, 0],)],
)

fn(
    "lists",
    "sliding_max(values: list[int], k: int) -> list[int]",
    "returns the maximum of each window of `k` consecutive values (k >= 1).",
    """
    def sliding_max(values, k):
        return [max(values[i : i + k]) for i in range(len(values) - k + 1)]
    """,
    [([1, 3, -1, -3, 5, 3, 6, 7], 3)],
    [([], 1), ([4], 1), ([1, 2], 3), ([9, 8, 7, 6], 2)],
)

fn(
    "lists",
    "diagonal_sums(matrix: list[list[int]]) -> list[int]",
    "returns [main diagonal sum, anti-diagonal sum] of a square matrix ([0, 0] for []).",
    """
    def diagonal_sums(matrix):
        n = len(matrix)
        return [sum(matrix[i][i] for i in range(n)), sum(matrix[i][n - 1 - i] for i in range(n))]
    """,
    [([[1, 2], [3, 4]],)],
    [([],), ([[7]],), ([[1, 2, 3], [4, 5, 6], [7, 8, 9]],), ([[0, -1], [-2, 5]],)],
)

fn(
    "lists",
    "list_difference(first: list, second: list) -> list",
    "returns the items of `first` that do not occur in `second`, in order (repeats kept).",
    """
    def list_difference(first, second):
        return [item for item in first if item not in second]
    """,
    [([1, 2, 2, 3, 4], [2, 4])],
    [([], [1]), ([1, 2], []), (["a", "b"], ["a", "b"]), ([1, 1, 1], [2])],
)

fn(
    "lists",
    "kth_largest(values: list[int], k: int) -> int",
    "returns the k-th largest value counting repeats (k = 1 is the maximum); k is valid.",
    """
    def kth_largest(values, k):
        return sorted(values, reverse=True)[k - 1]
    """,
    [([3, 2, 1, 5, 6, 4], 2)],
    [([1], 1), ([3, 3, 3], 2), ([-1, -2, -3], 3), ([7, 10, 4, 3, 20, 15], 4)],
)

fn(
    "lists",
    "split_on(items: list, separator: object) -> list[list]",
    "splits the list at each occurrence of `separator` (which is dropped), like str.split "
    "for lists: n separators give n + 1 parts, possibly empty.",
    """
    def split_on(items, separator):
        parts = [[]]
        for item in items:
            if item == separator:
                parts.append([])
            else:
                parts[-1].append(item)
        return parts
    """,
    [([1, 0, 2, 3, 0, 4], 0)],
    [([], 0), ([0], 0), ([1, 2], 0), (["a", "|", "|", "b"], "|")],
)

fn(
    "lists",
    "longest_increasing_run(values: list[int]) -> int",
    "returns the length of the longest contiguous strictly increasing run (0 for []).",
    """
    def longest_increasing_run(values):
        best = current = 0
        for i, value in enumerate(values):
            current = current + 1 if i and value > values[i - 1] else 1
            best = max(best, current)
        return best
    """,
    [([1, 2, 2, 3, 4, 5, 1],)],
    [([],), ([5],), ([5, 4, 3],), ([1, 2, 3, 4],), ([3, 4, 1, 2, 3],)],
)

fn(
    "lists",
    "fill_forward(values: list) -> list",
    "replaces each None with the last non-None value before it; leading Nones stay None.",
    """
    def fill_forward(values):
        out, last = [], None
        for value in values:
            if value is not None:
                last = value
            out.append(last)
        return out
    """,
    [([1, None, None, 3, None],)],
    [([],), ([None, None],), ([None, 2, None],), (["a", None, "b"],)],
)
