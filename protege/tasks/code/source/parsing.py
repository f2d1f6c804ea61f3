"""Parsing problems."""

from protege.tasks.code.source.spec import fn

fn(
    "parsing",
    "expand_ranges(spec: str) -> list[int]",
    "expands a comma-separated list of non-negative numbers and inclusive ranges like "
    "'1-3,5' into the list of integers in the given order (spaces around items are allowed; "
    "'' gives []).",
    """
    def expand_ranges(spec):
        out = []
        for part in spec.split(","):
            part = part.strip()
            if not part:
                continue
            if "-" in part:
                start, end = part.split("-", 1)
                out.extend(range(int(start), int(end) + 1))
            else:
                out.append(int(part))
        return out
    """,
    [("1-3,5,8-9",)],
    [("",), ("7",), (" 2 - 4 , 10 ",), ("5-5",), ("3,1,2",)],
)

fn(
    "parsing",
    "collapse_ranges(values: list[int]) -> str",
    "describes an ascending list of distinct integers compactly: runs of consecutive numbers "
    "of length 2 or more become 'a-b', single numbers stay, joined by commas.",
    """
    def collapse_ranges(values):
        parts, i = [], 0
        while i < len(values):
            j = i
            while j + 1 < len(values) and values[j + 1] == values[j] + 1:
                j += 1
            parts.append(str(values[i]) if i == j else f"{values[i]}-{values[j]}")
            i = j + 1
        return ",".join(parts)
    """,
    [([1, 2, 3, 5, 7, 8],)],
    [([],), ([4],), ([1, 3, 5],), ([10, 11],), ([0, 1, 2, 3, 4, 5],)],
)

fn(
    "parsing",
    "parse_key_values(text: str) -> dict[str, str]",
    "parses 'key=value' pairs separated by ';' into a dictionary; keys and values are "
    "stripped of spaces, pairs without '=' are ignored, and a later key overrides an earlier "
    "one.",
    """
    def parse_key_values(text):
        out = {}
        for pair in text.split(";"):
            if "=" in pair:
                key, value = pair.split("=", 1)
                out[key.strip()] = value.strip()
        return out
    """,
    [("host = db; port=5432;debug",)],
    [("",), ("a=1;a=2",), ("k=v=w",), (" x = ; y=2 ",)],
)

fn(
    "parsing",
    "parse_csv_line(line: str) -> list[str]",
    "splits one CSV line on commas, honouring double-quoted fields (which may contain commas, "
    "and where '\"\"' stands for one quote character). Do not use the csv module.",
    """
    def parse_csv_line(line):
        fields, current, quoted, i = [], [], False, 0
        while i < len(line):
            ch = line[i]
            if quoted:
                if ch == '"' and line[i + 1 : i + 2] == '"':
                    current.append('"')
                    i += 1
                elif ch == '"':
                    quoted = False
                else:
                    current.append(ch)
            elif ch == '"':
                quoted = True
            elif ch == ",":
                fields.append("".join(current))
                current = []
            else:
                current.append(ch)
            i += 1
        fields.append("".join(current))
        return fields
    """,
    [('a,"b,c",d',)],
    [("",), ("one",), ('"say ""hi""",x',), (",,",), ('1,"",3',)],
)

fn(
    "parsing",
    "parse_duration(text: str) -> int",
    "converts a duration like '1h30m15s' (any of the parts d, h, m, s may be missing, in "
    "that order) to seconds.",
    """
    import re

    def parse_duration(text):
        units = {"d": 86400, "h": 3600, "m": 60, "s": 1}
        return sum(int(n) * units[u] for n, u in re.findall(r"(\\d+)([dhms])", text))
    """,
    [("1h30m15s",)],
    [("",), ("45s",), ("2d",), ("1d1h1m1s",), ("90m",)],
)

fn(
    "parsing",
    "parse_query(query: str) -> dict[str, list[str]]",
    "parses a URL query string 'a=1&b=2&a=3' into {name: [values in order]}; a part without "
    "'=' has the value '', empty parts are skipped, and '+' in values means a space.",
    """
    def parse_query(query):
        out = {}
        for part in query.split("&"):
            if not part:
                continue
            name, _, value = part.partition("=")
            out.setdefault(name, []).append(value.replace("+", " "))
        return out
    """,
    [("a=1&b=2&a=3",)],
    [("",), ("flag",), ("q=hello+world&&x=",), ("k=v&k=v",)],
)

fn(
    "parsing",
    "compare_versions(first: str, second: str) -> int",
    "compares dotted version numbers like '1.2.10' numerically part by part (missing parts "
    "count as 0) and returns -1, 0 or 1.",
    """
    def compare_versions(first, second):
        a = [int(p) for p in first.split(".")]
        b = [int(p) for p in second.split(".")]
        n = max(len(a), len(b))
        a += [0] * (n - len(a))
        b += [0] * (n - len(b))
        return (a > b) - (a < b)
    """,
    [("1.2.10", "1.2.9")],
    [("1.0", "1"), ("0.9", "1.0"), ("2.0.1", "2.0.1"), ("1.10", "1.9.9"), ("3", "3.0.0.1")],
)

fn(
    "parsing",
    "is_valid_ipv4(text: str) -> bool",
    "tells whether the text is a dotted IPv4 address: four decimal parts 0-255 without "
    "leading zeros (a lone '0' is fine) and nothing else.",
    """
    def is_valid_ipv4(text):
        parts = text.split(".")
        if len(parts) != 4:
            return False
        for part in parts:
            if not part.isdigit() or not part.isascii() or int(part) > 255:
                return False
            if len(part) > 1 and part[0] == "0":
                return False
        return True
    """,
    [("192.168.0.1",)],
    [
        ("",),
        ("256.1.1.1",),
        ("1.2.3",),
        ("01.2.3.4",),
        ("0.0.0.0",),
        ("1.2.3.4.5",),
        ("a.b.c.d",),
        ("255.255.255.255",),
    ],
)

fn(
    "parsing",
    "to_24_hour(time: str) -> str",
    "converts a 12-hour time like '02:30 PM' to 24-hour 'HH:MM' ('12:00 AM' is '00:00').",
    """
    def to_24_hour(time):
        clock, period = time.split()
        hours, minutes = (int(x) for x in clock.split(":"))
        hours %= 12
        if period.upper() == "PM":
            hours += 12
        return f"{hours:02d}:{minutes:02d}"
    """,
    [("02:30 PM",)],
    [("12:00 AM",), ("12:05 PM",), ("11:59 PM",), ("1:07 am",)],
)

fn(
    "parsing",
    "extract_hashtags(text: str) -> list[str]",
    "returns the distinct hashtags ('#' followed by one or more letters, digits or "
    "underscores) in order of first appearance, lower-cased and without the '#'.",
    """
    import re

    def extract_hashtags(text):
        out = []
        for tag in re.findall(r"#(\\w+)", text):
            tag = tag.lower()
            if tag not in out:
                out.append(tag)
        return out
    """,
    [("Loving #Python and #python_tips! #100DaysOfCode",)],
    [("",), ("no tags # here",), ("#a#b #A",)],
)

fn(
    "parsing",
    "parse_ini(text: str) -> dict[str, dict[str, str]]",
    "parses a tiny INI format: '[section]' lines start a section, 'key = value' lines add to "
    "the current section (keys and values stripped), blank lines and lines starting with ';' "
    "or '#' are ignored, and keys before any section go to section ''. Do not use "
    "configparser.",
    """
    def parse_ini(text):
        out, section = {}, ""
        for raw in text.splitlines():
            line = raw.strip()
            if not line or line[0] in ";#":
                continue
            if line.startswith("[") and line.endswith("]"):
                section = line[1:-1].strip()
                out.setdefault(section, {})
            elif "=" in line:
                key, value = line.split("=", 1)
                out.setdefault(section, {})[key.strip()] = value.strip()
        return out
    """,
    [("[db]\nhost = x\nport=1\n\n[app]\n; comment\nname = demo",)],
    [("",), ("top = 1",), ("[empty]",), ("[a]\nk=1\n[a]\nj=2",)],
)

fn(
    "parsing",
    "evaluate_rpn(tokens: list[str]) -> int",
    "evaluates an expression in reverse Polish notation with integers and the operators "
    "+, -, * and / (division truncates toward zero).",
    """
    def evaluate_rpn(tokens):
        stack = []
        for token in tokens:
            if token in {"+", "-", "*", "/"}:
                b, a = stack.pop(), stack.pop()
                if token == "+":
                    stack.append(a + b)
                elif token == "-":
                    stack.append(a - b)
                elif token == "*":
                    stack.append(a * b)
                else:
                    stack.append(int(a / b))
            else:
                stack.append(int(token))
        return stack[-1]
    """,
    [(["2", "1", "+", "3", "*"],)],
    [(["7"],), (["4", "13", "5", "/", "+"],), (["-7", "2", "/"],), (["3", "4", "-", "5", "*"],)],
)

fn(
    "parsing",
    "tokenize(expression: str) -> list[str]",
    "splits an arithmetic expression into tokens: integers (runs of digits), the operators "
    "+ - * / and parentheses; spaces are skipped.",
    """
    def tokenize(expression):
        tokens, i = [], 0
        while i < len(expression):
            ch = expression[i]
            if ch.isdigit():
                j = i
                while j < len(expression) and expression[j].isdigit():
                    j += 1
                tokens.append(expression[i:j])
                i = j
                continue
            if ch in "+-*/()":
                tokens.append(ch)
            i += 1
        return tokens
    """,
    [("3 + 42*(2-1)",)],
    [("",), ("7",), ("((1))",), ("10/5 - 3",)],
)

fn(
    "parsing",
    "format_phone(text: str) -> str | None",
    "takes the digits of the text and, if there are exactly 10, formats them as "
    "'(123) 456-7890'; otherwise returns None.",
    """
    def format_phone(text):
        digits = [ch for ch in text if ch.isdigit()]
        if len(digits) != 10:
            return None
        d = "".join(digits)
        return f"({d[:3]}) {d[3:6]}-{d[6:]}"
    """,
    [("555.123.4567",)],
    [("",), ("123",), ("(555) 987 6543",), ("1-800-555-0199",)],
)

fn(
    "parsing",
    "roman_to_int(numeral: str) -> int",
    "converts a valid Roman numeral (I, V, X, L, C, D, M with subtractive pairs) to an int.",
    """
    def roman_to_int(numeral):
        values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
        total = 0
        for i, ch in enumerate(numeral):
            value = values[ch]
            if i + 1 < len(numeral) and values[numeral[i + 1]] > value:
                total -= value
            else:
                total += value
        return total
    """,
    [("MCMXCIV",)],
    [("I",), ("IV",), ("LVIII",), ("MMXXIV",), ("CDXLIV",)],
)

fn(
    "parsing",
    "parse_money(text: str) -> int",
    "converts an amount like '$1,234.5' or '-$0.99' to a whole number of cents (the dollar "
    "sign and thousands commas are optional; at most two decimals).",
    """
    def parse_money(text):
        text = text.strip().replace(",", "").replace("$", "")
        negative = text.startswith("-")
        text = text.lstrip("-")
        whole, _, frac = text.partition(".")
        cents = int(whole or "0") * 100 + int((frac + "00")[:2])
        return -cents if negative else cents
    """,
    [("$1,234.5",)],
    [("0",), ("-$0.99",), ("12.34",), ("$1,000,000",), (".5",)],
)
