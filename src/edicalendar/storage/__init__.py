"""The one project database: SQLite in the data folder by default, PostgreSQL by URL.

Owns opening and checking it (`engine`), its tables (`tables`), schema migrations with frozen
DDL per version (`migrations`), typed reads and writes of the small facts kept in `meta`
(`state`) and how instants are stored (`timestamps`). Imports nothing of the other areas.
"""
