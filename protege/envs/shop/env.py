"""``protege/Shop-v1``: WebShop-like product search and purchase in text mode.

The shopper reads an instruction ("i need gluten free potato chips, with flavor: sea salt,
and price lower than 30.00 dollars"), searches the catalogue with ``search[key words]``,
opens results with ``click[<asin>]``, picks option values with ``click[<value>]`` and ends the
episode with ``click[buy now]``, which pays WebShop's reward (:mod:`protege.envs.shop.reward`).

Pages: search -> results (ten per page, ``next >`` / ``< prev``, 50 results at most) -> item
(options, ``description``, ``features``, ``buy now``, ``< prev`` back to the results) ->
description / features (``< prev`` back to the item). ``back to search`` works everywhere but
the search page, and the search bar exists only on the search page, as in WebShop.

``admissible_actions()`` lists the clickables as ``click[...]`` actions; on the search page it
lists the literal template ``search[<query>]``, which stands for any search: sending it
verbatim answers with a hint to replace ``<query>`` by key words. The default step cap is 15,
the cap frameworks use for WebShop.

``instruction_style="template"`` (the default) words every instruction as above, in the one
shape of WebShop's synthetic goals; ``instruction_style="human"`` paraphrases the same goal in
the varied, casual shapes of its crowd-written ones ("find me a white bath mat that is machine
wash in size 36 inch under $40"), the same wording for the same task every time. Only the text
changes: the attributes, options and price bound, hence the reward and the expert, are the same.

The catalogue and the search index are loaded once per process and shared by every instance;
an instance holds only its page state.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from protege.envs.core import TEXT_CHARSET, TextEnv
from protege.envs.shop import pages
from protege.envs.shop.catalogue import Product, load_catalogue
from protege.envs.shop.expert import ShopExpert
from protege.envs.shop.goals import (
    Goal,
    InstructionStyle,
    check_instruction_style,
    goal_for,
    parse_task_id,
    split_size,
    split_task_ids,
)
from protege.envs.shop.reward import purchase_reward
from protege.envs.shop.search import search_engine

_ACTION = re.compile(r"^\s*(search|click)\s*\[(.*)\]\s*$", re.DOTALL | re.IGNORECASE)
_USAGE = "use search[key words] on the search page, or click[...] on a button, link or option"


class ShopEnv(TextEnv):
    """Search a 5,000-product catalogue and buy the product, with the options, the goal asks for."""

    family = "shop"
    task_types = ("grocery", "beauty", "fashion", "electronics", "home")
    default_max_steps = 15

    def __init__(
        self,
        split: str = "train",
        task_type: str | None = None,
        max_steps: int | None = None,
        render_mode: str | None = None,
        instruction_style: InstructionStyle = "template",
    ) -> None:
        super().__init__(split, task_type, max_steps, render_mode)
        check_instruction_style(instruction_style)
        self.instruction_style = instruction_style
        self.catalogue = load_catalogue()
        self.engine = search_engine()
        self._goal: Goal | None = None
        self._start_page()

    # ----------------------------------------------------------------- tasks

    def task_ids(self) -> Sequence[str]:
        """Task ids of this split (and task type), e.g. ``shop-train-00042``."""
        return _task_ids(self.split, self.task_type_filter)

    def has_task(self, task_id: str) -> bool:
        """Whether ``task_id`` is a goal of this split (and task type)."""
        parsed = parse_task_id(task_id)
        if parsed is None or parsed[0] != self.split:
            return False
        if parsed[1] >= split_size(self.split, len(self.catalogue)):
            return False
        return self.task_type_filter in (None, goal_for(task_id).top_category)

    def _reset_task(self, task_id: str) -> str:
        self._goal = goal_for(task_id, self.instruction_style)
        self._start_page()
        self.expert = ShopExpert(self._goal, self.catalogue, self.engine)
        return self.observe()

    def _start_page(self) -> None:
        self.page: pages.Page = "search"
        self.query = ""
        self.results: tuple[int, ...] = ()
        self.page_index = 0
        self.item: int | None = None
        self.selected: dict[str, str] = {}
        self.reward = 0.0

    @property
    def current_goal(self) -> Goal:
        """The goal of the running episode."""
        if self._goal is None:
            raise RuntimeError("call reset() first")
        return self._goal

    def goal(self) -> str:
        """The instruction text."""
        return self.current_goal.instruction

    def current_task_type(self) -> str:
        """The target's top category."""
        return self.current_goal.top_category

    def extra_info(self) -> dict[str, Any]:
        """How the instruction is worded (``template`` or ``human``), so that results of the two
        styles can be told apart."""
        return {"instruction_style": self.instruction_style}

    # ----------------------------------------------------------------- dynamics

    def _step(self, action: str) -> tuple[str, float, bool]:
        if self.page == "done":
            return "The purchase is complete; call reset() to shop again.", 0.0, True
        parsed = _ACTION.match(action)
        if parsed is None:
            return self._nothing_happens(f"cannot parse {_echo(action)}; {_USAGE}"), 0.0, False
        verb, argument = parsed.group(1).lower(), " ".join(parsed.group(2).split())
        if verb == "search":
            return self._search(argument), 0.0, False
        return self._click(argument.lower())

    def _search(self, query: str) -> str:
        if self.page != "search":
            return self._nothing_happens("there is no search bar here; click[back to search]")
        if not query or query == "<query>":
            return self._nothing_happens("replace <query> with key words, e.g. search[red mug]")
        self.page, self.query, self.page_index = "results", query, 0
        self.results = self.engine.search(query)
        return self.observe()

    def _click(self, target: str) -> tuple[str, float, bool]:
        if target not in self.clickables():
            return self._nothing_happens(f"there is no {_echo(target)} to click here"), 0.0, False
        if target == pages.BUY_NOW:
            product = self.catalogue.products[self.open_item()]
            self.reward = purchase_reward(product, self.selected, self.current_goal)
            self.page = "done"
            return pages.done_page(product, self.selected, self.reward), self.reward, True
        if target == pages.BACK_TO_SEARCH:
            self._start_page()
        elif target == pages.NEXT:
            self.page_index += 1
        elif target == pages.PREV:
            self._go_back()
        elif target in (pages.DESCRIPTION, pages.FEATURES):
            self.page = target
        elif self.page == "results":
            self.page, self.item, self.selected = "item", self.catalogue.index_of(target), {}
        else:  # an option value on the item page
            self._select(target)
        return self.observe(), 0.0, False

    def _go_back(self) -> None:
        if self.page == "results":
            self.page_index -= 1
        elif self.page == "item":
            self.page, self.item, self.selected = "results", None, {}
        else:
            self.page = "item"

    def _select(self, value: str) -> None:
        product = self.catalogue.products[self.open_item()]
        for group, values in product.options.items():
            for option in values:
                if option.lower() == value:
                    self.selected[group] = option
                    return

    def open_item(self) -> int:
        """Catalogue position of the product whose page (or sub-page) is open."""
        if self.item is None:
            raise RuntimeError("no product page is open")
        return self.item

    def _nothing_happens(self, reason: str) -> str:
        return f"Nothing happens: {reason}.{pages.SEP}{self.observe()}"

    # ----------------------------------------------------------------- views

    def page_results(self) -> tuple[int, ...]:
        """Catalogue positions of the results shown on the current results page."""
        start = self.page_index * pages.RESULTS_PER_PAGE
        return self.results[start : start + pages.RESULTS_PER_PAGE]

    def has_next_page(self) -> bool:
        """Whether a later results page exists."""
        return (self.page_index + 1) * pages.RESULTS_PER_PAGE < len(self.results)

    def observe(self) -> str:
        """The current page as text."""
        instruction = self.current_goal.instruction
        if self.page == "search":
            return pages.search_page(instruction)
        if self.page == "results":
            shown = [self.catalogue.products[i] for i in self.page_results()]
            return pages.results_page(
                instruction, shown, self.page_index, len(self.results), self.has_next_page()
            )
        product: Product = self.catalogue.products[self.open_item()]
        if self.page == "item":
            return pages.item_page(instruction, product, self.selected)
        if self.page == "description":
            return pages.description_page(instruction, product)
        if self.page == "features":
            return pages.features_page(instruction, product)
        return pages.done_page(product, self.selected, self.reward)

    def clickables(self) -> list[str]:
        """Lower-case names of what can be clicked on the current page."""
        if self.page == "results":
            found = [pages.BACK_TO_SEARCH]
            if self.page_index > 0:
                found.append(pages.PREV)
            if self.has_next_page():
                found.append(pages.NEXT)
            return found + [self.catalogue.products[i].asin.lower() for i in self.page_results()]
        if self.page == "item":
            product = self.catalogue.products[self.open_item()]
            values = [v.lower() for values in product.options.values() for v in values]
            buttons = [pages.DESCRIPTION, pages.FEATURES, pages.BUY_NOW]
            return [pages.BACK_TO_SEARCH, pages.PREV, *values, *buttons]
        if self.page in ("description", "features"):
            return [pages.BACK_TO_SEARCH, pages.PREV]
        return []

    def admissible_actions(self) -> list[str]:
        """``click[...]`` for every clickable, or ``search[<query>]`` on the search page."""
        if self.page == "search":
            return [pages.SEARCH_PLACEHOLDER]
        return [f"click[{target}]" for target in self.clickables()]

    # ----------------------------------------------------------------- outcome

    def won(self) -> bool:
        """Whether the purchase earned the full reward."""
        return self.page == "done" and self.reward == 1.0

    def score(self) -> float:
        """The purchase reward; 0 before buying."""
        return self.reward if self.page == "done" else 0.0

    def expert_action(self) -> str:
        """The next action of the expert (:class:`~protege.envs.shop.expert.ShopExpert`)."""
        return self.expert.act(self)


_CHARSET = frozenset(TEXT_CHARSET)


def _echo(text: str) -> str:
    """``text`` quoted for an observation: cut short, characters outside the Text space dropped."""
    return repr("".join(char for char in text[:80] if char in _CHARSET))


_TASK_IDS: dict[tuple[str, str | None], tuple[str, ...]] = {}


def _task_ids(split: str, task_type: str | None) -> tuple[str, ...]:
    key = (split, task_type)
    if key not in _TASK_IDS:
        _TASK_IDS[key] = split_task_ids(split, load_catalogue(), task_type)
    return _TASK_IDS[key]
