"""String problems."""

from protege.tasks.code.source.spec import fn

fn(
    "strings",
    "slugify(text: str) -> str",
    "lowercases the text, replaces every run of characters that are not ASCII letters or "
    "digits with a single hyphen, and strips hyphens from both ends.",
    """
    import re

    def slugify(text):
        return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    """,
    [("Hello, World!",)],
    [
        ("  Leading and trailing  ",),
        ("a--b__c",),
        ("",),
        ("Already-a-slug",),
        ("Ünïcode ok 42",),
        ("!!!",),
        ("MiXeD CaSe 2024",),
    ],
)

fn(
    "strings",
    "count_vowels(text: str) -> int",
    "returns how many vowels (a, e, i, o, u, in either case) the text contains.",
    """
    def count_vowels(text):
        return sum(1 for ch in text.lower() if ch in "aeiou")
    """,
    [("Programming",)],
    [("",), ("AEIOU aeiou",), ("rhythm",), ("Queue",), ("The quick brown fox",), ("12345",)],
)

fn(
    "strings",
    "is_palindrome(text: str) -> bool",
    "tells whether the text reads the same forwards and backwards when only letters and "
    "digits are kept and case is ignored.",
    """
    def is_palindrome(text):
        kept = [ch.lower() for ch in text if ch.isalnum()]
        return kept == kept[::-1]
    """,
    [("A man, a plan, a canal: Panama",)],
    [("",), ("ab",), ("No 'x' in Nixon",), ("12321",), ("123-21",), ("palindrome",), ("Aa",)],
)

fn(
    "strings",
    "capitalize_words(text: str) -> str",
    "splits the text on whitespace and joins the words with single spaces, each word with its "
    "first character upper-cased and the rest lower-cased.",
    """
    def capitalize_words(text):
        return " ".join(word[:1].upper() + word[1:].lower() for word in text.split())
    """,
    [("hello   wORLD",)],
    [("",), ("a",), ("  python is FUN  ",), ("x-ray vision",), ("123 abc",)],
)

fn(
    "strings",
    "run_length_encode(text: str) -> str",
    "encodes each run of equal characters as its length followed by the character, e.g. "
    "'aaab' becomes '3a1b'.",
    """
    def run_length_encode(text):
        out = []
        i = 0
        while i < len(text):
            j = i
            while j < len(text) and text[j] == text[i]:
                j += 1
            out.append(f"{j - i}{text[i]}")
            i = j
        return "".join(out)
    """,
    [("aaabbc",)],
    [("",), ("a",), ("abc",), ("zzzzzzzzzzzz",), ("aabbaa",), ("  x",)],
)

fn(
    "parsing",
    "run_length_decode(encoded: str) -> str",
    "decodes a run-length string made of (count, character) pairs, where a count may have "
    "several digits and the character is never a digit, e.g. '12a1b' gives twelve a's and a b.",
    """
    import re

    def run_length_decode(encoded):
        return "".join(ch * int(count) for count, ch in re.findall(r"(\\d+)(\\D)", encoded))
    """,
    [("3a2b1c",)],
    [("",), ("12x",), ("1a1b1c",), ("2 3-",), ("10z1y",)],
)

fn(
    "strings",
    "reverse_words(sentence: str) -> str",
    "returns the words of the sentence (split on whitespace) in reverse order, joined by "
    "single spaces.",
    """
    def reverse_words(sentence):
        return " ".join(reversed(sentence.split()))
    """,
    [("the sky is blue",)],
    [("",), ("one",), ("  many   spaces here ",), ("a b c d e",)],
)

fn(
    "strings",
    "longest_word(text: str) -> str",
    "returns the longest whitespace-separated word; on a tie the earliest one; '' when there "
    "is none.",
    """
    def longest_word(text):
        best = ""
        for word in text.split():
            if len(word) > len(best):
                best = word
        return best
    """,
    [("I love programming in Python",)],
    [("",), ("tie tie tie",), ("ab abc abd",), ("   ",), ("supercalifragilistic is long",)],
)

fn(
    "strings",
    "camel_to_snake(name: str) -> str",
    "converts a camelCase or PascalCase identifier to snake_case: an underscore goes before "
    "each upper-case letter that is not the first character, and everything is lower-cased.",
    """
    def camel_to_snake(name):
        out = []
        for index, ch in enumerate(name):
            if ch.isupper() and index > 0:
                out.append("_")
            out.append(ch.lower())
        return "".join(out)
    """,
    [("helloWorldAgain",)],
    [("",), ("x",), ("HTTPServer",), ("PascalCase",), ("already_snake",), ("getX",)],
)

fn(
    "strings",
    "snake_to_camel(name: str) -> str",
    "converts a snake_case identifier to camelCase: parts are split on underscores, empty "
    "parts are dropped, the first part is lower-cased and every later part is capitalized.",
    """
    def snake_to_camel(name):
        parts = [part for part in name.split("_") if part]
        if not parts:
            return ""
        return parts[0].lower() + "".join(part[:1].upper() + part[1:].lower() for part in parts[1:])
    """,
    [("make_it_camel",)],
    [("",), ("single",), ("__double__under__",), ("HTTP_server",), ("a_b_c",)],
)

fn(
    "strings",
    "is_anagram(first: str, second: str) -> bool",
    "tells whether the two strings use the same letters the same number of times, ignoring "
    "spaces and case.",
    """
    def is_anagram(first, second):
        def key(text):
            return sorted(text.replace(" ", "").lower())
        return key(first) == key(second)
    """,
    [("Dormitory", "dirty room")],
    [("", ""), ("abc", "abd"), ("Listen", "Silent"), ("aab", "abb"), ("a", "a ")],
)

fn(
    "strings",
    "mask_email(email: str) -> str",
    "hides the local part of an e-mail address (before the '@'): its first and last "
    "characters stay and every character between becomes '*'. A local part of at most two "
    "characters is left as it is.",
    """
    def mask_email(email):
        local, _, domain = email.partition("@")
        if len(local) > 2:
            local = local[0] + "*" * (len(local) - 2) + local[-1]
        return local + "@" + domain
    """,
    [("john.doe@example.com",)],
    [("ab@x.org",), ("a@b.c",), ("abc@mail.net",), ("first.middle.last@corp.example",)],
)

fn(
    "strings",
    "wrap_text(text: str, width: int) -> list[str]",
    "wraps the words of the text greedily into lines of at most `width` characters (words "
    "joined by single spaces); a word longer than `width` gets a line of its own.",
    """
    def wrap_text(text, width):
        lines, current = [], ""
        for word in text.split():
            if not current:
                current = word
            elif len(current) + 1 + len(word) <= width:
                current += " " + word
            else:
                lines.append(current)
                current = word
        if current:
            lines.append(current)
        return lines
    """,
    [("the quick brown fox jumps over the lazy dog", 10)],
    [("", 5), ("a b c d", 3), ("extraordinarily long words", 5), ("one two", 7), ("x", 1)],
)

fn(
    "strings",
    "remove_duplicate_chars(text: str) -> str",
    "keeps only the first occurrence of each character, in order.",
    """
    def remove_duplicate_chars(text):
        seen = set()
        out = []
        for ch in text:
            if ch not in seen:
                seen.add(ch)
                out.append(ch)
        return "".join(out)
    """,
    [("mississippi",)],
    [("",), ("abc",), ("aAaA",), ("  hello  world",), ("112233",)],
)

fn(
    "strings",
    "count_overlapping(text: str, pattern: str) -> int",
    "counts the occurrences of a non-empty `pattern` in `text`, overlapping ones included.",
    """
    def count_overlapping(text, pattern):
        return sum(1 for i in range(len(text) - len(pattern) + 1) if text.startswith(pattern, i))
    """,
    [("aaaa", "aa")],
    [("", "a"), ("abababa", "aba"), ("hello", "l"), ("abc", "abcd"), ("zzz", "z")],
)

fn(
    "strings",
    "smart_title(text: str) -> str",
    "title-cases the words of the text (split on whitespace, joined by single spaces): every "
    "word is capitalized except the minor words a, an, the, of, and, in, on, to, which stay "
    "lower-case unless they are the first word.",
    """
    MINOR = {"a", "an", "the", "of", "and", "in", "on", "to"}

    def smart_title(text):
        words = []
        for index, word in enumerate(text.lower().split()):
            words.append(word if index > 0 and word in MINOR else word[:1].upper() + word[1:])
        return " ".join(words)
    """,
    [("the lord of the rings",)],
    [("",), ("a tale of two cities",), ("war AND peace",), ("to kill a mockingbird",)],
)

fn(
    "strings",
    "pig_latin(word: str) -> str",
    "translates one lower-case word to Pig Latin: a word starting with a vowel (a, e, i, o, u) "
    "gets 'way' appended; otherwise its leading consonants move to the end followed by 'ay' "
    "(a word without vowels just gets 'ay').",
    """
    def pig_latin(word):
        if word[:1] in tuple("aeiou"):
            return word + "way"
        for index, ch in enumerate(word):
            if ch in "aeiou":
                return word[index:] + word[:index] + "ay"
        return word + "ay"
    """,
    [("string",)],
    [("apple",), ("pig",), ("rhythm",), ("egg",), ("school",)],
)

fn(
    "strings",
    "first_unique_index(text: str) -> int",
    "returns the index of the first character that occurs exactly once, or -1.",
    """
    from collections import Counter

    def first_unique_index(text):
        counts = Counter(text)
        for index, ch in enumerate(text):
            if counts[ch] == 1:
                return index
        return -1
    """,
    [("swiss",)],
    [("",), ("aabb",), ("abc",), ("aabbc",), ("loveleetcode",)],
)

fn(
    "strings",
    "is_pangram(text: str) -> bool",
    "tells whether the text contains every letter of the English alphabet (any case).",
    """
    import string

    def is_pangram(text):
        return set(string.ascii_lowercase) <= set(text.lower())
    """,
    [("The quick brown fox jumps over the lazy dog",)],
    [
        ("",),
        ("abcdefghijklmnopqrstuvwxy",),
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZ",),
        ("Pack my box with five dozen liquor jugs.",),
    ],
)

fn(
    "strings",
    "alternate_case(text: str) -> str",
    "upper-cases the characters at even positions (0, 2, 4, ...) and lower-cases the others.",
    """
    def alternate_case(text):
        return "".join(ch.upper() if i % 2 == 0 else ch.lower() for i, ch in enumerate(text))
    """,
    [("hello world",)],
    [("",), ("ABCDEF",), ("a1b2c3",), ("x",)],
)

fn(
    "strings",
    "longest_common_prefix(words: list[str]) -> str",
    "returns the longest string that every word starts with ('' for an empty list).",
    """
    def longest_common_prefix(words):
        if not words:
            return ""
        prefix = words[0]
        for word in words[1:]:
            while not word.startswith(prefix):
                prefix = prefix[:-1]
        return prefix
    """,
    [(["flower", "flow", "flight"],)],
    [
        ([],),
        (["alone"],),
        (["dog", "racecar"],),
        (["inter", "internet", "interval"],),
        (["", "a"],),
    ],
)

fn(
    "strings",
    "compress_whitespace(text: str) -> str",
    "replaces every run of whitespace with a single space and removes leading and trailing "
    "whitespace.",
    """
    def compress_whitespace(text):
        return " ".join(text.split())
    """,
    [("  too   many\tspaces \n here ",)],
    [("",), ("none",), ("\n\n",), ("a  b   c",)],
)

fn(
    "strings",
    "char_shift_cipher(text: str, key: str) -> str",
    "encrypts with a Vigenere cipher: each letter is shifted forward in the alphabet by the "
    "position (a=0 ... z=25) of the next key letter, keeping its case and wrapping around; "
    "non-letters are copied and do not use up a key letter. The key is non-empty and "
    "lower-case.",
    """
    def char_shift_cipher(text, key):
        out, k = [], 0
        for ch in text:
            if ch.isalpha() and ch.isascii():
                shift = ord(key[k % len(key)]) - ord("a")
                base = ord("A") if ch.isupper() else ord("a")
                out.append(chr((ord(ch) - base + shift) % 26 + base))
                k += 1
            else:
                out.append(ch)
        return "".join(out)
    """,
    [("Attack at dawn!", "lemon")],
    [("", "abc"), ("xyz", "b"), ("Hello, World", "key"), ("aaaa", "abcd")],
)
