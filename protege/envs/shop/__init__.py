"""The Shop family: WebShop-like product search and purchase (``protege/Shop-v1``)."""

from protege.envs.shop.env import ShopEnv

__all__ = ["ShopEnv"]
