"""Word lists and templates from which ``generate.py`` builds the Shop catalogue.

Each top category lists its attributes and brand word pieces; the product types live in
``product_types.txt`` beside this file, one per line. A product type is ``(subcategory, name,
modifiers, option groups, price range)``: ``name`` is the product-type phrase (also the
product's ``query``), ``modifiers`` are the descriptive words that tell products of one type
apart, ``option groups`` name pools in :data:`OPTION_POOLS` (``"group=pool"`` renames a pool),
and prices are in whole dollars. Changing anything here changes the catalogue and its
checksum (and so calls for a new ``Shop-vN``).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import NamedTuple

PRODUCT_TYPES_FILE = Path(__file__).with_name("product_types.txt")


class ProductType(NamedTuple):
    """One kind of product, e.g. kettle cooked potato chips with flavor and size options."""

    subcategory: str
    name: str
    modifiers: tuple[str, ...]
    option_groups: tuple[str, ...]
    price_range: tuple[int, int]


class Category(NamedTuple):
    """A top category: its attributes, brand pieces and product types."""

    name: str
    attributes: tuple[str, ...]
    brand_heads: tuple[str, ...]
    brand_tails: tuple[str, ...]

    @property
    def types(self) -> tuple[ProductType, ...]:
        """This category's product types, in file order."""
        return product_types()[self.name]


# Values within one pool are chosen so that WebShop's fuzzy option match (token-set ratio
# above 85, after colour normalisation) tells most of them apart: "8 ounce (pack of 2)" and
# "16 ounce (pack of 1)" score 87 and would count as the same option. generate.py also never
# gives one product two values the match confuses.
SIZES_FOOD = (
    "3.5 ounce", "8 ounce", "1 pound", "2.5 pound", "snack size", "family size", "party size",
    "variety pack",
)  # fmt: skip
SIZES_CLOTHES = ("xs", "s", "m", "l", "xl", "xxl", "3xl")
SIZES_SHOES = ("5", "6", "7", "8", "9", "10", "11", "12", "13")
SIZES_FLUID = ("0.5 fl oz", "3.4 fl oz", "8 fl oz", "16.9 fl oz", "1 liter", "gallon")
SIZES_BED = ("twin", "twin xl", "full", "queen", "king", "california king")
SIZES_HOME = ("8 inch", "12 inch", "36 inch", "small", "medium", "large", "jumbo")

OPTION_POOLS: dict[str, tuple[str, ...]] = {
    "size_food": SIZES_FOOD,
    "size_clothes": SIZES_CLOTHES,
    "size_shoes": SIZES_SHOES,
    "size_fluid": SIZES_FLUID,
    "size_bed": SIZES_BED,
    "size_home": SIZES_HOME,
    "count": ("single", "2 pack", "6 pack", "twelve pack", "24 count", "value pack", "bulk box"),
    "set": ("single", "pair", "set of 4", "set of 12", "family set", "starter set"),
    "color": (
        "black",
        "white",
        "navy blue",
        "light grey",
        "dark grey",
        "beige",
        "red",
        "burgundy",
        "olive green",
        "forest green",
        "sky blue",
        "royal blue",
        "pink",
        "lavender",
        "mustard",
        "brown",
        "khaki",
        "teal",
        "coral",
        "charcoal",
    ),
    "shade": (
        "ivory",
        "porcelain",
        "sand",
        "honey",
        "caramel",
        "espresso",
        "nude",
        "rose",
        "berry",
        "ruby red",
        "plum",
        "mauve",
        "bronze",
        "champagne",
    ),
    "scent": (
        "lavender",
        "unscented",
        "vanilla",
        "coconut",
        "eucalyptus",
        "citrus",
        "rose",
        "sandalwood",
        "fresh linen",
        "ocean breeze",
        "cucumber mint",
        "cherry blossom",
    ),
    "flavor_snack": (
        "sea salt",
        "barbecue",
        "sour cream and onion",
        "salt and vinegar",
        "jalapeno",
        "cheddar cheese",
        "original",
        "honey mustard",
        "ranch",
        "sweet chili",
    ),
    "flavor_sweet": (
        "chocolate chip",
        "peanut butter",
        "caramel",
        "mint",
        "strawberry",
        "vanilla bean",
        "salted caramel",
        "raspberry",
        "coconut almond",
        "cookies and cream",
    ),
    "flavor_drink": (
        "original",
        "lemon",
        "lime",
        "mixed berry",
        "peach",
        "mango",
        "ginger",
        "black cherry",
        "hazelnut",
        "french vanilla",
        "mocha",
        "unflavored",
    ),
    "flavor_savory": (
        "original",
        "garlic",
        "smoked",
        "spicy",
        "herb",
        "teriyaki",
        "black pepper",
        "chipotle",
        "lemon pepper",
        "mild",
    ),
    "capacity": ("32gb", "64gb", "128gb", "256gb", "512gb", "1tb", "2tb"),
    "length": ("3 ft", "6 ft", "10 ft", "15 ft"),
    "model": ("iphone 15", "iphone se", "galaxy s24", "galaxy z flip", "pixel 8", "moto g"),
    "style": ("classic", "modern", "rustic", "minimalist", "vintage", "farmhouse"),
}

CATEGORIES: tuple[Category, ...] = (
    Category(
        "grocery",
        (
            "gluten free",
            "non gmo",
            "organic",
            "sugar free",
            "keto friendly",
            "low carb",
            "vegan",
            "dairy free",
            "kosher",
            "high protein",
            "low sodium",
            "plant based",
            "caffeine free",
            "nut free",
            "individually wrapped",
            "ready to eat",
            "no artificial flavors",
            "fat free",
        ),
        ("Green", "Sunny", "Happy", "Golden", "Wild", "Little", "True", "Old", "Blue", "Simple"),
        ("Valley", "Harvest", "Acres", "Pantry", "Farms", "Kitchen", "Orchard", "Meadow"),
    ),
    Category(
        "beauty",
        (
            "long lasting",
            "cruelty free",
            "paraben free",
            "sulfate free",
            "fragrance free",
            "hypoallergenic",
            "dermatologist tested",
            "natural ingredients",
            "travel size",
            "easy to apply",
            "non toxic",
            "alcohol free",
            "oil free",
            "water resistant",
            "sensitive skin",
            "dry skin",
            "fine lines",
            "vegan",
        ),
        ("Luna", "Pure", "Velvet", "Bloom", "Glow", "Silk", "Aura", "Petal", "Dew", "Nova"),
        ("Botanics", "Beauty", "Labs", "Skin", "Cosmetics", "Naturals", "Studio", "Essentials"),
    ),
    Category(
        "fashion",
        (
            "machine wash",
            "quick drying",
            "moisture wicking",
            "slim fit",
            "relaxed fit",
            "breathable",
            "lightweight",
            "button closure",
            "elastic waist",
            "long sleeve",
            "short sleeve",
            "high waist",
            "non slip",
            "stretch fabric",
            "cotton blend",
            "hand wash",
            "daily wear",
            "regular fit",
        ),
        ("Urban", "North", "Coast", "Stone", "River", "Maple", "Iron", "Harbor", "Summit", "Fox"),
        ("Threads", "Outfitters", "Apparel", "Supply", "Wear", "Goods", "Clothing", "Co"),
    ),
    Category(
        "electronics",
        (
            "fast charging",
            "noise cancelling",
            "wireless",
            "bluetooth",
            "water resistant",
            "long battery life",
            "easy to install",
            "high definition",
            "usb c",
            "portable",
            "plug and play",
            "dual band",
            "high speed",
            "touch control",
            "shockproof",
            "compact size",
            "voice control",
            "low latency",
        ),
        ("Volt", "Pixel", "Quantum", "Nexa", "Zen", "Apex", "Echo", "Orbit", "Flux", "Tera"),
        ("Tech", "Audio", "Labs", "Digital", "Electronics", "Wave", "Systems", "Gear"),
    ),
    Category(
        "home",
        (
            "easy to clean",
            "dishwasher safe",
            "bpa free",
            "non slip",
            "space saving",
            "easy assembly",
            "machine washable",
            "heavy duty",
            "eco friendly",
            "rust resistant",
            "stain resistant",
            "soft touch",
            "oven safe",
            "lead free",
            "stackable",
            "living room",
            "long lasting",
            "wrinkle free",
        ),
        ("Cozy", "Hearth", "Oak", "Willow", "Nest", "Cedar", "Linen", "Stone", "Birch", "Haven"),
        ("Home", "House", "Living", "Decor", "Goods", "Company", "Designs", "Essentials"),
    ),
)
"""The five top categories, in catalogue order."""

BULLET_TEMPLATES: tuple[str, ...] = (
    "{Attribute}: every batch of our {name} is checked to be {attribute}",
    "Made for everyday use: this {modifier} {name} fits into any routine",
    "What you get: {options}",
    "Trusted quality from {brand}, a name people rely on for {subcategory}",
    "{Attribute} and {attribute2}, without compromise",
    "Satisfaction promise: not happy with your {name}? Tell us and we will make it right",
)
"""Bullet point templates; ``{Attribute}`` is an attribute in title case."""

DESCRIPTION_TEMPLATES: tuple[str, ...] = (
    "Meet the {brand} {modifier} {name}. {Attribute} and thoughtfully made, it is a simple "
    "upgrade for your {subcategory}. Available in {n_options} options.",
    "The {modifier} {name} from {brand} brings together {attribute} quality and a fair price. "
    "Pick the version that suits you and enjoy it every day.",
    "{brand} designed this {name} for people who care about {attribute} products. "
    "It is {modifier} and ready when you are.",
)
"""Description templates, filled like the bullet points."""


@functools.cache
def product_types() -> dict[str, tuple[ProductType, ...]]:
    """Parse ``product_types.txt`` into the product types of each top category."""
    by_category: dict[str, list[ProductType]] = {}
    for line in PRODUCT_TYPES_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        category, subcategory, name, modifiers, groups, prices = (
            field.strip() for field in line.split("|")
        )
        low, high = (int(value) for value in prices.split("-"))
        by_category.setdefault(category, []).append(
            ProductType(
                subcategory=subcategory,
                name=name,
                modifiers=tuple(word.strip() for word in modifiers.split(",")),
                option_groups=tuple(group.strip() for group in groups.split(",")),
                price_range=(low, high),
            )
        )
    return {category: tuple(types) for category, types in by_category.items()}
