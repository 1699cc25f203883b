"""No models: search reads the ticket and message tables through its own indexes.

The module exists so Django sends this app ``post_migrate`` (it skips apps without one), which
``apps.py`` uses to repair SQLite's triggers, and which ``packages`` waits for from the last app.
"""
