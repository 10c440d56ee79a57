"""What the test areas share: fakes (clock, receivers), builders and short-hands for services.

Importable from every test as `support` (pytest's `pythonpath` adds `tests/`).
"""
