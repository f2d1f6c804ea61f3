"""Dictionary problems."""

from protege.tasks.code.source.spec import fn

fn(
    "dicts",
    "word_count(text: str) -> dict[str, int]",
    "counts the words of the text: words are split on whitespace, lower-cased and stripped of "
    "the punctuation .,!?;: at both ends; empty words are ignored.",
    """
    def word_count(text):
        counts = {}
        for raw in text.split():
            word = raw.lower().strip(".,!?;:")
            if word:
                counts[word] = counts.get(word, 0) + 1
        return counts
    """,
    [("The cat and the hat.",)],
    [("",), ("!!! ...",), ("Go, go, GO!",), ("one two three two one",)],
)

fn(
    "dicts",
    "invert_dict(mapping: dict[str, str]) -> dict[str, list[str]]",
    "maps each value to the sorted list of keys that had it.",
    """
    def invert_dict(mapping):
        out = {}
        for key, value in mapping.items():
            out.setdefault(value, []).append(key)
        return {value: sorted(keys) for value, keys in out.items()}
    """,
    [({"a": "x", "b": "y", "c": "x"},)],
    [({},), ({"k": "v"},), ({"z": "1", "y": "1", "x": "1"},)],
)

fn(
    "dicts",
    "merge_counts(first: dict[str, int], second: dict[str, int]) -> dict[str, int]",
    "adds two count dictionaries key by key; keys whose total is 0 are left out.",
    """
    def merge_counts(first, second):
        out = dict(first)
        for key, value in second.items():
            out[key] = out.get(key, 0) + value
        return {key: value for key, value in out.items() if value != 0}
    """,
    [({"a": 1, "b": 2}, {"b": 3, "c": 4})],
    [({}, {}), ({"a": 1}, {"a": -1}), ({}, {"x": 5}), ({"p": 2, "q": 0}, {"q": 1})],
)

fn(
    "dicts",
    "group_by_length(words: list[str]) -> dict[int, list[str]]",
    "groups the words by their length, each group in the original order.",
    """
    def group_by_length(words):
        groups = {}
        for word in words:
            groups.setdefault(len(word), []).append(word)
        return groups
    """,
    [(["a", "bb", "cc", "d", "eee"],)],
    [([],), ([""],), (["same", "size", "word"],)],
)

fn(
    "dicts",
    "top_words(text: str, k: int) -> list[list]",
    "returns the k most frequent lower-cased whitespace-separated words as [word, count] "
    "pairs, by count descending and then alphabetically.",
    """
    from collections import Counter

    def top_words(text, k):
        counts = Counter(text.lower().split())
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        return [[word, count] for word, count in ranked[:k]]
    """,
    [("b a b c a b", 2)],
    [("", 3), ("x y z", 2), ("The the THE end", 1), ("q w e r t y", 10)],
)

fn(
    "dicts",
    "deep_get(data: dict, path: str, default: object = None) -> object",
    "follows a dotted key path ('a.b.c') through nested dictionaries and returns the value, "
    "or `default` when any key is missing or a value on the way is not a dictionary.",
    """
    def deep_get(data, path, default=None):
        current = data
        for key in path.split("."):
            if not isinstance(current, dict) or key not in current:
                return default
            current = current[key]
        return current
    """,
    [({"a": {"b": {"c": 42}}}, "a.b.c")],
    [
        ({}, "x", 0),
        ({"a": 1}, "a.b", "none"),
        ({"a": {"b": [1, 2]}}, "a.b"),
        ({"x": {"y": None}}, "x.y", 5),
    ],
)

fn(
    "dicts",
    "flatten_dict(data: dict) -> dict",
    "flattens nested dictionaries into one level, joining keys with '.'; an empty nested "
    "dictionary disappears.",
    """
    def flatten_dict(data, prefix=""):
        out = {}
        for key, value in data.items():
            full = f"{prefix}{key}"
            if isinstance(value, dict):
                out.update(flatten_dict(value, full + "."))
            else:
                out[full] = value
        return out
    """,
    [({"a": {"b": 1, "c": {"d": 2}}, "e": 3},)],
    [({},), ({"x": {}},), ({"a": [1, {"b": 2}]},), ({"p": {"q": {"r": {"s": "deep"}}}},)],
)

fn(
    "dicts",
    "unflatten_dict(flat: dict[str, object]) -> dict",
    "turns dotted keys ('a.b') back into nested dictionaries.",
    """
    def unflatten_dict(flat):
        out = {}
        for key, value in flat.items():
            parts = key.split(".")
            node = out
            for part in parts[:-1]:
                node = node.setdefault(part, {})
            node[parts[-1]] = value
        return out
    """,
    [({"a.b": 1, "a.c": 2, "d": 3},)],
    [({},), ({"x": 1},), ({"a.b.c.d": "deep", "a.e": 0},)],
)

fn(
    "dicts",
    "dict_diff(old: dict, new: dict) -> dict[str, list]",
    "compares two dictionaries and returns {'added': [...], 'removed': [...], 'changed': "
    "[...]}: sorted lists of keys only in `new`, only in `old`, and in both with different "
    "values.",
    """
    def dict_diff(old, new):
        return {
            "added": sorted(k for k in new if k not in old),
            "removed": sorted(k for k in old if k not in new),
            "changed": sorted(k for k in old if k in new and old[k] != new[k]),
        }
    """,
    [({"a": 1, "b": 2, "c": 3}, {"b": 2, "c": 4, "d": 5})],
    [({}, {}), ({"x": 1}, {}), ({}, {"y": 2}), ({"k": [1]}, {"k": [1, 2]})],
)

fn(
    "dicts",
    "letter_histogram(text: str) -> dict[str, int]",
    "counts the ASCII letters of the text, case-insensitively, with lower-case keys.",
    """
    def letter_histogram(text):
        counts = {}
        for ch in text.lower():
            if "a" <= ch <= "z":
                counts[ch] = counts.get(ch, 0) + 1
        return counts
    """,
    [("Hello World",)],
    [("",), ("123 !!",), ("AaBb",), ("Mississippi",)],
)

fn(
    "dicts",
    "most_common_char(text: str) -> str",
    "returns the most frequent character of a non-empty text, ties going to the smallest "
    "character.",
    """
    from collections import Counter

    def most_common_char(text):
        counts = Counter(text)
        return min(counts, key=lambda ch: (-counts[ch], ch))
    """,
    [("banana",)],
    [("a",), ("abc",), ("zzyy",), ("  hi  ",)],
)

fn(
    "dicts",
    "nested_sum(data: dict) -> int",
    "adds up every int value found anywhere in nested dictionaries (other values ignored).",
    """
    def nested_sum(data):
        total = 0
        for value in data.values():
            if isinstance(value, dict):
                total += nested_sum(value)
            elif isinstance(value, int) and not isinstance(value, bool):
                total += value
        return total
    """,
    [({"a": 1, "b": {"c": 2, "d": {"e": 3}}},)],
    [({},), ({"x": "7", "y": 1.5},), ({"a": {"b": {}}},), ({"n": -4, "m": {"k": 4}},)],
)

fn(
    "dicts",
    "group_anagrams(words: list[str]) -> list[list[str]]",
    "groups words that are anagrams of each other; each group is sorted and the groups are sorted.",
    """
    def group_anagrams(words):
        groups = {}
        for word in words:
            groups.setdefault("".join(sorted(word)), []).append(word)
        return sorted(sorted(group) for group in groups.values())
    """,
    [(["eat", "tea", "tan", "ate", "nat", "bat"],)],
    [([],), (["solo"],), (["ab", "ba", "ab"],), (["abc", "def", "fed", "cab"],)],
)

fn(
    "dicts",
    "count_by(records: list[dict], key: str) -> dict",
    "counts the records by their value for `key`; records without the key are skipped.",
    """
    def count_by(records, key):
        counts = {}
        for record in records:
            if key in record:
                counts[record[key]] = counts.get(record[key], 0) + 1
        return counts
    """,
    [([{"color": "red"}, {"color": "blue"}, {"color": "red"}], "color")],
    [([], "x"), ([{"a": 1}, {"b": 2}], "a"), ([{"k": "v"}] * 3, "k")],
)

fn(
    "dicts",
    "rank_by_value(scores: dict[str, int]) -> list[str]",
    "returns the keys ordered by value, highest first; equal values in alphabetical order of key.",
    """
    def rank_by_value(scores):
        return sorted(scores, key=lambda key: (-scores[key], key))
    """,
    [({"ann": 3, "bob": 5, "cy": 3},)],
    [({},), ({"solo": 0},), ({"b": 1, "a": 1, "c": 2},)],
)

fn(
    "dicts",
    "rename_keys(data: dict, mapping: dict[str, str]) -> dict",
    "returns a copy of `data` where each key found in `mapping` is renamed to mapping[key]; "
    "other keys stay.",
    """
    def rename_keys(data, mapping):
        return {mapping.get(key, key): value for key, value in data.items()}
    """,
    [({"fname": "Ada", "age": 36}, {"fname": "first_name"})],
    [({}, {"a": "b"}), ({"a": 1}, {}), ({"x": 1, "y": 2}, {"x": "u", "y": "v"})],
)
