"""Submitting an HTML form as a browser would, for HTTP tests of the editor and the action forms.

:func:`form_fields` reads the form whose `action` is given out of a page and returns what a
browser sends for it unchanged: text and hidden inputs, ticked tick boxes and radios, the
selected option of each list (the first when none is selected), text areas, and the one submit
button pressed. Tests then change a few fields and post the list.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode


class _FormReader(HTMLParser):
    def __init__(self, action: str, button: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.action = action
        self.button = button
        self.inside = False
        self.done = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and not self.done and a.get("action") == self.action:
            self.inside = True
            return
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "image", "reset"):
                self.fields.append((name, a.get("value", "")))
        elif tag == "button" and name and a.get("type", "submit") == "submit":
            if self.button is not None and a.get("value") == self.button:
                self.fields.append((name, a.get("value", "")))
                self.button = None  # only the button pressed is sent
        elif tag == "select" and name:
            self._select, self._options = name, []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.inside:
            self.inside, self.done = False, True
        elif tag == "select" and self._select is not None:
            chosen = [v for v, selected in self._options if selected] or [
                v for v, _ in self._options[:1]
            ]
            if chosen:
                self.fields.append((self._select, chosen[-1]))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            self.fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)


def form_fields(html: str, action: str, button: str | None = None) -> list[tuple[str, str]]:
    """What a browser posts for the form with this `action`, pressing the submit button whose
    value is `button` (None: no button's own value is sent, as when Enter is pressed)."""
    reader = _FormReader(action, button)
    reader.feed(html)
    assert reader.done, f"no form posting to {action} on the page"
    return reader.fields


def with_fields(
    fields: list[tuple[str, str]], changes: dict[str, str | None]
) -> list[tuple[str, str]]:
    """`fields` with each named field set to a new value (added when absent; None removes it,
    as unticking a tick box does)."""
    out = [(n, v) for n, v in fields if n not in changes or changes[n] is not None]
    for name, value in changes.items():
        if value is None:
            continue
        names = [n for n, _ in out]
        if name in names:
            out[names.index(name)] = (name, value)
        else:
            out.append((name, value))
    return out


def post_form(client: Any, url: str, fields: list[tuple[str, str]], **kwargs: Any) -> Any:
    """POST `fields` (repeated names kept, in order) URL-encoded, as a browser does."""
    return client.post(
        url,
        content=urlencode(fields),
        headers={"content-type": "application/x-www-form-urlencoded"},
        **kwargs,
    )
