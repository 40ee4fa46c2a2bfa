import html
import re

BLOCK = re.compile(r'<div class="portal-messages"[^>]*>(.*?)\n</div>', re.DOTALL)
ALERT = re.compile(r'<div class="alert alert-\w+">(.*?)</div>', re.DOTALL)


def shown(content: str | bytes) -> list[str]:
    """The flash messages a page shows (partials/messages.html), as a reader reads them."""
    if isinstance(content, bytes):
        content = content.decode()
    block = BLOCK.search(content)
    return [html.unescape(text) for text in ALERT.findall(block.group(1))] if block else []
