"""The Shop expert: search the goal's key words, page to a product that earns the full reward,
pick its options and buy. It reads only the environment's page state, so it recovers from any
detour: it goes back to search or back to the results whenever it is somewhere useless.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from protege.envs.shop import pages
from protege.envs.shop.catalogue import Catalogue
from protege.envs.shop.goals import Goal
from protege.envs.shop.reward import best_options, purchase_reward
from protege.envs.shop.search import SearchEngine

if TYPE_CHECKING:
    from protege.envs.shop.env import ShopEnv


class ShopExpert:
    """Plans for one goal; :meth:`act` maps the environment's state to the next action."""

    def __init__(self, goal: Goal, catalogue: Catalogue, engine: SearchEngine) -> None:
        self.goal = goal
        self.catalogue = catalogue
        self.target = catalogue.index_of(goal.asin)
        self.engine = engine
        self._acceptable: dict[int, dict[str, str] | None] = {}
        self._query: str | None = None

    @property
    def query(self) -> str:
        """What the expert searches: the goal's key words, else the target's own title."""
        if self._query is None:  # planned on first use, so a reset costs nothing
            self._query = self.goal.keywords
            if not any(self.acceptable(i) for i in self.engine.search(self._query)):
                # The key words miss: the target's own title ranks it first.
                self._query = self.catalogue.products[self.target or 0].title.lower()
        return self._query

    def acceptable(self, position: int) -> bool:
        """Whether buying product ``position`` with the right options earns reward 1."""
        return self.options_for(position) is not None

    def options_for(self, position: int) -> dict[str, str] | None:
        """The options that earn reward 1 on product ``position``, or None where none do."""
        if position not in self._acceptable:
            product = self.catalogue.products[position]
            chosen = best_options(product, self.goal)
            full = purchase_reward(product, chosen, self.goal) == 1.0
            self._acceptable[position] = chosen if full else None
        return self._acceptable[position]

    def act(self, env: ShopEnv) -> str:
        """The next action from the environment's current page."""
        if env.page == "search":
            return f"search[{self.query}]"
        if env.page == "results":
            return self._on_results(env)
        if env.page in ("description", "features"):
            return "click[< prev]" if self.acceptable(env.open_item()) else "click[back to search]"
        if env.page == "item":
            return self._on_item(env)
        return "click[buy now]"  # the episode is over; any action will do

    def _on_results(self, env: ShopEnv) -> str:
        shown = env.page_results()
        if self.target in shown:
            return f"click[{self.catalogue.products[self.target].asin.lower()}]"
        for position in shown:
            if self.acceptable(position):
                return f"click[{self.catalogue.products[position].asin.lower()}]"
        first_good = next((k for k, i in enumerate(env.results) if self.acceptable(i)), None)
        if first_good is None:
            return "click[back to search]"
        if first_good // pages.RESULTS_PER_PAGE > env.page_index:
            return "click[next >]"
        return "click[< prev]"

    def _on_item(self, env: ShopEnv) -> str:
        chosen = self.options_for(env.open_item())
        if chosen is None:
            useful = any(self.acceptable(i) for i in env.results)
            return "click[< prev]" if useful else "click[back to search]"
        for group, value in chosen.items():
            if env.selected.get(group) != value:
                return f"click[{value.lower()}]"
        return "click[buy now]"
