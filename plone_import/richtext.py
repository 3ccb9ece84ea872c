"""Plone HTML → the portal's rich text (Wagtail's stored format) and table blocks.

Headings, paragraphs, lists, blockquotes, bold/italic and rules are kept; tables become table blocks; resolveuid and
old-site links become links to the imported pages and documents; inline images become embedded portal images.
Everything else (scripts, styles, inline attributes, unknown tags) is dropped. No link may point to the old site.
"""

import posixpath
from dataclasses import dataclass, field
from html import escape

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

KEEP = {"p", "br", "h2", "h3", "h4", "b", "i", "ul", "ol", "li", "blockquote", "hr"}
RENAME = {"h1": "h2", "h5": "h4", "h6": "h4", "strong": "b", "em": "i", "div": "p", "pre": "p"}
DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "form", "input", "button", "select", "noscript"}
SAFE_SCHEMES = ("http://", "https://", "mailto:", "tel:")


@dataclass
class Converted:
    blocks: list = field(default_factory=list)  # [(block type, value)]
    pending: set = field(default_factory=set)  # UIDs of items not imported yet
    warnings: list = field(default_factory=list)


def convert(html, *, export, item_path, resolve):
    """`resolve(uid, want)` gives ("page"|"document"|"image", id) or None; want is "link" or "image"."""
    result = Converted()
    soup = BeautifulSoup(html or "", "html.parser")
    if "<!--" in (html or ""):
        for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
            comment.extract()
    may_hold_tables = "<table" in (html or "").lower()  # a search per block costs more than this one
    folder = item_path.rsplit("/", 1)[0]

    def target_for(url, want):
        if not url or url.startswith("#"):
            return None, None
        if not url.startswith(("/", "http:", "https:", "mailto:", "tel:")) and "resolveuid/" not in url:
            url = posixpath.normpath(posixpath.join(folder or "/", url))
        target = export.resolve_url(url)
        if target is None:
            if url.startswith(SAFE_SCHEMES) and not (export.root_url and url.startswith(export.root_url)):
                return ("external", url), None
            return None, url
        found = resolve(target.uid, want)
        if found is None:
            result.pending.add(target.uid)
        return found, None

    def clean(node):
        for child in list(node.children):
            if isinstance(child, NavigableString):
                continue
            if not isinstance(child, Tag):
                child.extract()
                continue
            name = child.name.lower()
            if name in DROP_WITH_CONTENT:
                child.decompose()
                continue
            if name == "a":
                clean(child)
                found, lost = target_for(child.get("href", ""), "link")
                child.attrs = {}
                if found and found[0] == "external":
                    child["href"] = found[1]
                elif found and found[0] in ("page", "document"):
                    child["linktype"], child["id"] = found[0], str(found[1])
                else:
                    if lost:
                        result.warnings.append(f"link dropped: {lost}")
                    child.unwrap()
                continue
            if name == "img":
                found, lost = target_for(child.get("src", ""), "image")
                alt = child.get("alt") or child.get("title") or ""
                if found and found[0] == "image":
                    embed = soup.new_tag("embed")
                    embed.attrs = {"embedtype": "image", "id": str(found[1]), "format": "fullwidth", "alt": alt}
                    child.replace_with(embed)
                else:
                    if lost:
                        result.warnings.append(f"image dropped: {lost}")
                    child.decompose()
                continue
            clean(child)
            name = RENAME.get(name, name)
            if name in KEEP:
                child.name = name
                child.attrs = {}
            else:
                child.unwrap()

    def flush(parts):
        text = "".join(str(p) for p in parts).strip()
        if text:
            result.blocks.append(("paragraph", text))
        parts.clear()

    parts = []
    for node in list(soup.children):
        tables = [node] if isinstance(node, Tag) and node.name == "table" else []
        if isinstance(node, Tag) and not tables:
            tables = node.find_all("table") if may_hold_tables else []
            for table in tables:
                table.extract()
            wrapper = soup.new_tag("div")  # a bare tag: a new BeautifulSoup per node costs more than the cleaning
            wrapper.append(node)
            clean(wrapper)
            parts.append(wrapper.decode_contents())
        elif isinstance(node, NavigableString) and not isinstance(node, Comment) and node.strip():
            parts.append(f"<p>{escape(node.strip())}</p>")
        for table in tables:
            flush(parts)
            result.blocks.append(("table", _table(table)))
    flush(parts)
    return result


def _table(table):
    caption = table.find("caption")
    rows = []
    header = False
    for n, tr in enumerate(table.find_all("tr")):
        cells = tr.find_all(["td", "th"])
        if n == 0:
            header = bool(cells) and all(cell.name == "th" for cell in cells)
        rows.append([cell.get_text(" ", strip=True) for cell in cells])
    return {"caption": caption.get_text(" ", strip=True) if caption else "", "header_row": header, "rows": rows}


BLOCK_TAGS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table"}


def plain_text(html):
    """Plone HTML → plain text, one line per block (what policies.parsing reads: 第X章 / 第X条 lines)."""
    soup = BeautifulSoup(html or "", "html.parser")
    for tag in soup.find_all(DROP_WITH_CONTENT):
        tag.decompose()
    for tag in soup.find_all(BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    lines = (" ".join(line.split()) for line in soup.get_text().splitlines())
    return "\n".join(line for line in lines if line)
