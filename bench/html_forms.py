"""The fields a browser would send back from a page's form, as the mix's people do: read from
the HTML, changed where the person types, posted. Standard library only (the Locust process
imports it)."""

from html.parser import HTMLParser

TEXT_INPUTS = {
    "",
    "text",
    "hidden",
    "number",
    "email",
    "date",
    "datetime-local",
    "time",
    "url",
    "tel",
    "search",
}


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._form = self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self._form = {"action": attributes.get("action") or "", "fields": []}
            self.forms.append(self._form)
        elif self._form is None or "disabled" in attributes:
            return
        elif tag == "input":
            self._input(attributes)
        elif tag == "textarea" and attributes.get("name"):
            self._textarea = [attributes["name"], ""]
        elif tag == "select" and attributes.get("name"):
            self._select = {"name": attributes["name"], "options": [], "selected": []}
        elif tag == "option" and self._select is not None:
            value = attributes.get("value", "")
            self._select["options"].append(value)
            if "selected" in attributes:
                self._select["selected"].append(value)

    def _input(self, attributes):
        kind, name = attributes.get("type", "").lower(), attributes.get("name")
        if not name:
            return
        if kind in TEXT_INPUTS:
            self._form["fields"].append((name, attributes.get("value", "")))
        elif kind in ("checkbox", "radio") and "checked" in attributes:
            self._form["fields"].append((name, attributes.get("value", "on")))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None:
            # A browser drops the one newline that may follow the opening tag.
            name, text = self._textarea
            self._form["fields"].append((name, text.removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = self._select["selected"] or self._select["options"][:1]
            self._form["fields"] += [(self._select["name"], value) for value in chosen]
            self._select = None


def forms(html):
    """[{"action": ..., "fields": [(name, value), …]}] for every form of the page."""
    parser = _Forms()
    parser.feed(html)
    parser.close()
    return parser.forms


def form_with(html, field):
    """The page's first form that sends `field`; None if there is none."""
    return next(
        (form for form in forms(html) if any(name == field for name, _ in form["fields"])), None
    )


def replaced(fields, changes):
    """The fields with `changes` ({name: value}) in place of theirs, added where absent."""
    kept = [(name, value) for name, value in fields if name not in changes]
    return kept + list(changes.items())
