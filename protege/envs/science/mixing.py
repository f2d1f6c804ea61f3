"""What ``mix`` makes: paint colours (primary + primary, secondary + primary) and the recipes of
the chemistry-mix task (salt water, smores, red paper...).

An ingredient is keyed by its material (paints, water, chocolate) or else its name. A
container whose ingredients are exactly a recipe's becomes the product; paints that match no
recipe turn brown; anything else stays as it is.
"""

from __future__ import annotations

from protege.envs.science.physics import MATERIALS, make_substance
from protege.envs.science.world import Thing, World

PAINT_MIXES: dict[frozenset[str], str] = {
    frozenset({"red paint", "yellow paint"}): "orange paint",
    frozenset({"blue paint", "yellow paint"}): "green paint",
    frozenset({"red paint", "blue paint"}): "violet paint",
    frozenset({"orange paint", "red paint"}): "red-orange paint",
    frozenset({"orange paint", "yellow paint"}): "yellow-orange paint",
    frozenset({"green paint", "yellow paint"}): "yellow-green paint",
    frozenset({"green paint", "blue paint"}): "green-blue paint",
    frozenset({"violet paint", "blue paint"}): "blue-violet paint",
    frozenset({"violet paint", "red paint"}): "red-violet paint",
}
"""Secondary colours from two primaries; tertiary colours from a secondary and a primary."""

RECIPES: dict[str, tuple[tuple[str, ...], str]] = {
    "salt water": (("sodium chloride", "water"), "liquid"),
    "sugar water": (("sugar", "water"), "liquid"),
    "soapy water": (("soap", "water"), "liquid"),
    "smores": (("chocolate", "marshmallow", "cracker"), "solid"),
    "mixed nuts": (("peanut", "almond", "cashew"), "solid"),
    "fruit salad": (("apple", "orange", "banana"), "solid"),
    "red paper": (("paper", "red paint"), "solid"),
    "blue paper": (("paper", "blue paint"), "solid"),
}
"""chemistry-mix products: (ingredients, the product's state of matter)."""
MIXES: dict[frozenset[str], str] = {
    **PAINT_MIXES,
    **{frozenset(parts): product for product, (parts, _) in RECIPES.items()},
}


def ingredient(thing: Thing) -> str:
    """The key of a thing in a recipe."""
    return thing.material or thing.name.lower()


def mix(world: World, container: Thing) -> str:
    """Mix a container's contents; return what the agent reads."""
    parts = [item for item in container.contents if item.kind in ("substance", "item")]
    if len(parts) < 2:
        return f"There is nothing to mix in the {container.name}."
    keys = frozenset(ingredient(item) for item in parts)
    product = MIXES.get(keys)
    if product is None and all(key.endswith("paint") for key in keys):
        product = "brown paint" if len(keys) > 1 else min(keys)
    if product is None:
        return "You mix the contents, but nothing happens."
    temperature = sum(item.temperature for item in parts) / len(parts)
    for item in parts:
        world.remove(item)
    if product in MATERIALS:
        world.add(make_substance(product, temperature), container)
    else:
        state = RECIPES[product][1]
        world.add(Thing(product, kind="substance", state=state, temperature=temperature), container)
    return f"The {container.name} now contains {product}."
