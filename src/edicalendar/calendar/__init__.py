"""The pure calendar core: observances, their date rules, and the dated occurrences they give.

Owns the rule engine (`rules/`: Gregorian, Easter, Hijri, Hebrew, lunisolar), loading and
validating `calendars/*.toml` (`catalog`), expanding observances over a window
(`occurrences`), the one observance filter (`filters`), what falls on a day (`clashes`) and UK
working days (`workdays`). It reads data files and nothing else: it imports only `model`,
`errors` and `tomlsource`, never storage, config, the web or the CLI (checked by import-linter).
"""
