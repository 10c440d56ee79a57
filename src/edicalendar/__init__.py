"""edicalendar: the NHS EDI awareness calendar for any year, with feeds, campaigns and reminders.

The package is laid out by area (the README's design section draws the tree): `calendar` (the
pure date core), `campaigns`, `feeds`, `reminders`, `storage`, `importers`, and the entry layers
`web` and `cli`. `errors` and `model` are shared by all of them.
"""

__version__ = "0.2.0.dev0"
