"""Algorithm problems."""

from protege.tasks.code.source.spec import fn

fn(
    "algorithms",
    "balanced_brackets(text: str) -> bool",
    "tells whether the brackets (), [] and {} in the text are balanced and properly nested; "
    "other characters are ignored.",
    """
    def balanced_brackets(text):
        pairs = {")": "(", "]": "[", "}": "{"}
        stack = []
        for ch in text:
            if ch in "([{":
                stack.append(ch)
            elif ch in pairs:
                if not stack or stack.pop() != pairs[ch]:
                    return False
        return not stack
    """,
    [("{[()()]}",)],
    [("",), ("(]",), ("(()",), ("a(b)c[d]{e}",), ("}{",), ("([)]",)],
)

fn(
    "algorithms",
    "count_islands(grid: list[str]) -> int",
    "counts the islands in a grid given as equal-length strings of '1' (land) and '0' "
    "(water); land cells touching up, down, left or right belong to the same island.",
    """
    def count_islands(grid):
        seen, count = set(), 0
        for r, row in enumerate(grid):
            for c, cell in enumerate(row):
                if cell == "1" and (r, c) not in seen:
                    count += 1
                    stack = [(r, c)]
                    seen.add((r, c))
                    while stack:
                        y, x = stack.pop()
                        for ny, nx in ((y + 1, x), (y - 1, x), (y, x + 1), (y, x - 1)):
                            if 0 <= ny < len(grid) and 0 <= nx < len(grid[ny]):
                                if grid[ny][nx] == "1" and (ny, nx) not in seen:
                                    seen.add((ny, nx))
                                    stack.append((ny, nx))
        return count
    """,
    [(["11000", "11000", "00100", "00011"],)],
    [([],), (["0"],), (["1"],), (["101", "010", "101"],), (["111", "101", "111"],)],
)

fn(
    "algorithms",
    "shortest_path_length(grid: list[str]) -> int",
    "returns the fewest moves (up, down, left, right) from the top-left to the bottom-right "
    "cell of a grid of '.' (free) and '#' (wall) strings, or -1 if it cannot be reached or a "
    "corner is a wall.",
    """
    from collections import deque

    def shortest_path_length(grid):
        if not grid or grid[0][0] == "#" or grid[-1][-1] == "#":
            return -1
        goal = (len(grid) - 1, len(grid[0]) - 1)
        queue, seen = deque([(0, 0, 0)]), {(0, 0)}
        while queue:
            r, c, d = queue.popleft()
            if (r, c) == goal:
                return d
            for nr, nc in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
                if 0 <= nr < len(grid) and 0 <= nc < len(grid[0]) and grid[nr][nc] == ".":
                    if (nr, nc) not in seen:
                        seen.add((nr, nc))
                        queue.append((nr, nc, d + 1))
        return -1
    """,
    [(["..#", "#..", "..."],)],
    [(["."],), (["#"],), ([".#", "#."],), (["....", "###.", "....", ".###", "...."],)],
)

fn(
    "algorithms",
    "topological_order(deps: dict[str, list[str]]) -> list[str] | None",
    "orders tasks so that each comes after the tasks it depends on (deps maps a task to its "
    "prerequisites; tasks that appear only as prerequisites count too). Among tasks that are "
    "ready, pick the alphabetically smallest first. Return None if there is a cycle.",
    """
    def topological_order(deps):
        nodes = set(deps)
        for pres in deps.values():
            nodes.update(pres)
        remaining = {n: set(deps.get(n, [])) for n in nodes}
        order = []
        while remaining:
            ready = sorted(n for n, pres in remaining.items() if not pres)
            if not ready:
                return None
            node = ready[0]
            order.append(node)
            del remaining[node]
            for pres in remaining.values():
                pres.discard(node)
        return order
    """,
    [({"b": ["a"], "c": ["a", "b"]},)],
    [
        ({},),
        ({"x": []},),
        ({"a": ["b"], "b": ["a"]},),
        ({"d": ["c"], "c": ["b"], "b": []},),
        ({"z": ["y", "x"], "w": []},),
    ],
)

fn(
    "algorithms",
    "edit_distance(first: str, second: str) -> int",
    "returns the Levenshtein distance (insertions, deletions, substitutions) between the strings.",
    """
    def edit_distance(first, second):
        previous = list(range(len(second) + 1))
        for i, a in enumerate(first, 1):
            current = [i]
            for j, b in enumerate(second, 1):
                current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b)))
            previous = current
        return previous[-1]
    """,
    [("kitten", "sitting")],
    [("", ""), ("", "abc"), ("same", "same"), ("flaw", "lawn"), ("intention", "execution")],
)

fn(
    "algorithms",
    "lcs_length(first: str, second: str) -> int",
    "returns the length of the longest common subsequence of the two strings.",
    """
    def lcs_length(first, second):
        previous = [0] * (len(second) + 1)
        for a in first:
            current = [0]
            for j, b in enumerate(second, 1):
                current.append(previous[j - 1] + 1 if a == b else max(previous[j], current[j - 1]))
            previous = current
        return previous[-1]
    """,
    [("abcde", "ace")],
    [("", "x"), ("abc", "def"), ("AGGTAB", "GXTXAYB"), ("aaaa", "aa")],
)

fn(
    "algorithms",
    "min_coins(coins: list[int], amount: int) -> int",
    "returns the fewest coins (unlimited supply of each positive denomination) that sum to "
    "`amount`, or -1 if impossible (0 for amount 0).",
    """
    def min_coins(coins, amount):
        best = [0] + [amount + 1] * amount
        for value in range(1, amount + 1):
            for coin in coins:
                if coin <= value:
                    best[value] = min(best[value], best[value - coin] + 1)
        return best[amount] if best[amount] <= amount else -1
    """,
    [([1, 2, 5], 11)],
    [([2], 3), ([1], 0), ([3, 7], 12), ([5, 10, 25], 30), ([4, 6], 13)],
)

fn(
    "algorithms",
    "knapsack(weights: list[int], values: list[int], capacity: int) -> int",
    "returns the largest total value of items (each used at most once) whose total weight "
    "is at most `capacity`.",
    """
    def knapsack(weights, values, capacity):
        best = [0] * (capacity + 1)
        for w, v in zip(weights, values):
            for c in range(capacity, w - 1, -1):
                best[c] = max(best[c], best[c - w] + v)
        return best[capacity]
    """,
    [([1, 3, 4, 5], [1, 4, 5, 7], 7)],
    [([], [], 10), ([5], [10], 4), ([2, 2, 2], [3, 3, 3], 4), ([10, 20, 30], [60, 100, 120], 50)],
)

fn(
    "algorithms",
    "unique_permutations(text: str) -> list[str]",
    "returns every distinct rearrangement of the characters, sorted.",
    """
    from itertools import permutations

    def unique_permutations(text):
        return sorted({"".join(p) for p in permutations(text)})
    """,
    [("aba",)],
    [("",), ("a",), ("abc",), ("aabb",)],
)

fn(
    "algorithms",
    "count_subsets_with_sum(values: list[int], target: int) -> int",
    "counts the subsets (by position, so equal values at different positions are different) "
    "of the positive integers whose sum is `target`; the empty subset sums to 0.",
    """
    def count_subsets_with_sum(values, target):
        ways = [1] + [0] * target
        for value in values:
            for total in range(target, value - 1, -1):
                ways[total] += ways[total - value]
        return ways[target]
    """,
    [([1, 2, 3, 3], 6)],
    [([], 0), ([], 3), ([1, 1, 1], 2), ([2, 4, 6, 10], 16), ([5], 4)],
)

fn(
    "algorithms",
    "lis_length(values: list[int]) -> int",
    "returns the length of the longest strictly increasing subsequence (not necessarily "
    "contiguous).",
    """
    from bisect import bisect_left

    def lis_length(values):
        tails = []
        for value in values:
            i = bisect_left(tails, value)
            if i == len(tails):
                tails.append(value)
            else:
                tails[i] = value
        return len(tails)
    """,
    [([10, 9, 2, 5, 3, 7, 101, 18],)],
    [([],), ([1],), ([3, 3, 3],), ([5, 4, 3, 2],), ([0, 8, 4, 12, 2, 10, 6, 14, 1, 9],)],
)

fn(
    "algorithms",
    "binary_search(values: list[int], target: int) -> int",
    "returns an index of `target` in the ascending list of distinct values, or -1, using "
    "binary search.",
    """
    def binary_search(values, target):
        low, high = 0, len(values) - 1
        while low <= high:
            mid = (low + high) // 2
            if values[mid] == target:
                return mid
            if values[mid] < target:
                low = mid + 1
            else:
                high = mid - 1
        return -1
    """,
    [([1, 3, 5, 7, 9], 7)],
    [([], 1), ([4], 4), ([4], 5), (list(range(0, 100, 3)), 51), (list(range(0, 100, 3)), 50)],
)

fn(
    "algorithms",
    "merge_intervals(intervals: list[list[int]]) -> list[list[int]]",
    "merges overlapping or touching closed intervals [start, end] and returns them sorted by "
    "start.",
    """
    def merge_intervals(intervals):
        merged = []
        for start, end in sorted(intervals):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        return merged
    """,
    [([[1, 3], [2, 6], [8, 10], [15, 18]],)],
    [([],), ([[1, 4], [4, 5]],), ([[5, 6], [1, 2]],), ([[1, 10], [2, 3], [4, 5]],)],
)

fn(
    "algorithms",
    "cheapest_path(edges: list[list], start: str, goal: str) -> int",
    "returns the smallest total weight of a path from `start` to `goal` in a directed graph "
    "given as [from, to, weight] edges with non-negative weights, or -1 if unreachable (0 if "
    "start is goal).",
    """
    import heapq

    def cheapest_path(edges, start, goal):
        graph = {}
        for a, b, w in edges:
            graph.setdefault(a, []).append((b, w))
        queue, done = [(0, start)], set()
        while queue:
            cost, node = heapq.heappop(queue)
            if node == goal:
                return cost
            if node in done:
                continue
            done.add(node)
            for nxt, w in graph.get(node, []):
                if nxt not in done:
                    heapq.heappush(queue, (cost + w, nxt))
        return -1
    """,
    [([["a", "b", 4], ["a", "c", 1], ["c", "b", 2], ["b", "d", 5]], "a", "d")],
    [
        ([], "a", "a"),
        ([], "a", "b"),
        ([["x", "y", 3], ["y", "x", 1]], "y", "x"),
        ([["s", "t", 10], ["s", "m", 3], ["m", "t", 3], ["m", "s", 0]], "s", "t"),
    ],
)

fn(
    "algorithms",
    "word_break(text: str, words: list[str]) -> bool",
    "tells whether the text can be split into a sequence of one or more dictionary words "
    "(words may repeat; the empty text counts as splittable).",
    """
    def word_break(text, words):
        vocabulary = set(words)
        ok = [True] + [False] * len(text)
        for end in range(1, len(text) + 1):
            ok[end] = any(ok[start] and text[start:end] in vocabulary for start in range(end))
        return ok[-1]
    """,
    [("applepenapple", ["apple", "pen"])],
    [
        ("", ["a"]),
        ("catsandog", ["cats", "dog", "sand", "and", "cat"]),
        ("aaaa", ["aa"]),
        ("aaa", ["aa"]),
    ],
)

fn(
    "algorithms",
    "count_queens(n: int) -> int",
    "returns how many ways n queens can be placed on an n x n board with no two attacking "
    "each other (1 <= n <= 8).",
    """
    def count_queens(n):
        def place(row, cols, diag1, diag2):
            if row == n:
                return 1
            total = 0
            for col in range(n):
                if col not in cols and row - col not in diag1 and row + col not in diag2:
                    total += place(row + 1, cols | {col}, diag1 | {row - col}, diag2 | {row + col})
            return total
        return place(0, frozenset(), frozenset(), frozenset())
    """,
    [(4,)],
    [(1,), (2,), (3,), (5,), (6,), (8,)],
)

fn(
    "algorithms",
    "insertion_sort(values: list[int]) -> list[int]",
    "returns a new ascending list, sorted with insertion sort (do not call sorted or "
    "list.sort); the input list must not change.",
    """
    def insertion_sort(values):
        out = list(values)
        for i in range(1, len(out)):
            item, j = out[i], i - 1
            while j >= 0 and out[j] > item:
                out[j + 1] = out[j]
                j -= 1
            out[j + 1] = item
        return out
    """,
    [([5, 2, 9, 1, 5, 6],)],
    [([],), ([1],), ([3, 2, 1],), ([-1, 0, -2, 7, 7],)],
)
