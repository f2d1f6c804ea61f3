"""The Shop catalogue (package data) and the script that generates it."""
