"""荣誉证书 at scale: lay out each kind of certificate once, then print every person's name on it.

A certificate differs from the next only in two lines: the name line ("张三同志：" / "某村党支部：") and the
unit line ("某村党支部书记"); the title, the frame, the citation ("被中共河北省委评为优秀共产党员"), the round and the
signature are the same for every certificate of one category. WeasyPrint spends ~12 ms per page on page
layout and drawing (60–99 s for 5,000 pages), so:

1. WeasyPrint renders one *pattern* page per (kind, category, with/without unit line) — the name and unit
   replaced by a placeholder (``PLACEHOLDER``) — plus a glyph sheet holding every character of every
   name and unit line in the same fonts, so the embedded font subsets (made once, by WeasyPrint) carry
   all the glyphs and their ToUnicode entries (the text stays extractable: pdftotext finds the names).
2. Each pattern page's content stream is cut at the placeholder lines (``[<…>] TJ``) into shared pieces;
   every certificate is a new page whose ``/Contents`` is [shared, its name line, shared, its unit line,
   shared], the lines written with the glyph codes and widths of WeasyPrint's own embedded fonts, at the
   position WeasyPrint laid the placeholder out (pikepdf).
3. A row that cannot be printed that way — a line too long for one line (WeasyPrint would wrap it and
   move what follows), a character the certificate font lacks (WeasyPrint would fall back to another
   font) — is rendered by WeasyPrint in full (``render_full``) and its page put in its place.

The output is what WeasyPrint alone makes (the same page, fonts, positions and text); the tests compare
both renders' text and pixels.
"""

import io
import re
from dataclasses import dataclass, field

from django.template.loader import render_to_string

PLACEHOLDER = "\u3013"  # 〓 GETA MARK: in Noto CJK, never in a name or unit
# How often the stamping loop reports progress (rows).
PROGRESS_EVERY = 250

_TF = re.compile(rb"^/(\S+) ([0-9.]+) Tf$")
_TJ = re.compile(rb"^\[(.*)\] TJ$")
_HEX = re.compile(rb"<([0-9a-fA-F]*)>")


_CSS_SPACE = " \t\n\r\f"  # what CSS collapses (not U+3000, the ideographic space)


def line_text(text: str) -> str:
    """The text as CSS ``white-space: normal`` prints one line: runs of white space collapsed, ends trimmed."""
    return re.sub(f"[{_CSS_SPACE}]+", " ", text or "").strip(_CSS_SPACE)


@dataclass
class EmbeddedFont:
    """An Identity-H font WeasyPrint embedded: character → 2-byte code (from its ToUnicode map) and
    code → advance width in 1/1000 em (from its ``/W`` array)."""

    codes: dict = field(default_factory=dict)
    chars: dict = field(default_factory=dict)
    widths: dict = field(default_factory=dict)
    default_width: float = 1000.0

    @classmethod
    def from_pdf(cls, font) -> "EmbeddedFont":
        import pikepdf

        self = cls()
        cmap = bytes(font.ToUnicode.read_bytes())
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
            for code, text in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>", block):
                self._add(int(code, 16), text)
        for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
            for low, high, text in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
                start = int(text, 16)
                for offset in range(int(high, 16) - int(low, 16) + 1):
                    self._add(int(low, 16) + offset, b"%04x" % (start + offset))
        descendant = font.DescendantFonts[0]
        self.default_width = float(descendant.get("/DW", 1000))
        widths = list(descendant.get("/W", []))
        i = 0
        while i < len(widths):
            first = int(widths[i])
            if not isinstance(widths[i + 1], pikepdf.Array):
                last, width = int(widths[i + 1]), float(widths[i + 2])
                for code in range(first, last + 1):
                    self.widths[code] = width
                i += 3
            else:
                for offset, width in enumerate(widths[i + 1]):
                    self.widths[first + offset] = float(width)
                i += 2
        return self

    def _add(self, code: int, text: bytes) -> None:
        try:
            char = bytes.fromhex(text.decode()).decode("utf-16-be")
        except (ValueError, UnicodeDecodeError):
            return
        if len(char) != 1:
            return  # a ligature or a cluster: not a glyph of one character
        self.chars[code] = char
        self.codes.setdefault(char, code)

    def decode(self, tj: bytes) -> str:
        return "".join(
            self.chars.get(int(h[k : k + 4], 16), "\ufffd") for h in _HEX.findall(tj) for k in range(0, len(h), 4)
        )

    def encode(self, text: str) -> tuple[bytes, float] | None:
        """(the TJ operand, width in 1/1000 em) of ``text``, or None if a character has no glyph here."""
        codes = []
        for char in text:
            code = self.codes.get(char)
            if code is None:
                return None
            codes.append(code)
        width = sum(self.widths.get(code, self.default_width) for code in codes)
        return b"[<" + b"".join(b"%04x" % code for code in codes) + b">] TJ", width


@dataclass
class Slot:
    """A placeholder line in a pattern page: the text around the placeholder, its font and size, and
    the width the line may take before WeasyPrint would wrap it (CSS px, the unit of the content)."""

    font: EmbeddedFont
    size: float
    prefix: str
    suffix: str
    room: float

    def line(self, text: str) -> bytes | None:
        """The TJ operand printing ``text`` in the slot, or None when WeasyPrint must lay it out."""
        if not text.strip():
            return None
        encoded = self.font.encode(line_text(self.prefix + text + self.suffix))
        if encoded is None:
            return None
        operand, width = encoded
        if width * self.size / 1000 > self.room + 0.01:
            return None
        return operand


@dataclass
class Pattern:
    key: tuple
    page: object = None  # the pattern's pikepdf page
    pieces: list = field(default_factory=list)  # shared content streams between the slots
    slots: list = field(default_factory=list)


def pattern_key(row) -> tuple:
    """Certificates of one key differ only in the name and unit lines. The template prints the unit line
    when unit or post is set (even if blank after collapsing: then the row goes to WeasyPrint)."""
    return (row.get("kind") == "org", row["category"], bool(row.get("unit") or row.get("post")))


def _pattern_row(key) -> dict:
    is_org, category, has_unit = key
    return {
        "kind": "org" if is_org else "member",
        "category": category,
        "name": PLACEHOLDER,
        "unit": PLACEHOLDER if has_unit else "",
        "post": "",
    }


def _glyphs(texts) -> str:
    """Every character of ``texts`` once, space-separated (each shaped alone, as in a line of CJK)."""
    chars = sorted({char for text in texts for char in text if char not in _CSS_SPACE})
    return " ".join(chars)


def _line_widths(document, count: int) -> list[dict]:
    """For the first ``count`` pages: {"cert-name": px, "cert-unit": px}, the content width of each line's box."""
    found = []
    for page in document.pages[:count]:
        widths = {}
        for box in page._page_box.descendants():
            classes = (box.element.get("class") or "").split() if getattr(box, "element", None) is not None else []
            for name in ("cert-name", "cert-unit"):
                if name in classes and box.element_tag == "p" and name not in widths:
                    widths[name] = box.width
        found.append(widths)
    return found


def _cut(pdf, pattern: Pattern, fonts: dict, widths: dict) -> bool:
    """Cut the pattern page's content at its placeholder lines; False when the page is not as expected."""
    import pikepdf

    content = pattern.page.obj.Contents
    if isinstance(content, pikepdf.Array):
        return False
    lines = bytes(content.read_bytes()).split(b"\n")
    current, size = None, 0.0
    piece: list[bytes] = []
    names = ["cert-name", "cert-unit"] if pattern.key[2] else ["cert-name"]
    for line in lines:
        tf = _TF.match(line)
        if tf:
            current, size = tf.group(1).decode(), float(tf.group(2))
        tj = _TJ.match(line)
        font = fonts.get(current) if tj else None
        text = font.decode(line) if font else ""
        if tj and PLACEHOLDER in text:
            if text.count(PLACEHOLDER) != 1 or len(pattern.slots) >= len(names):
                return False
            prefix, suffix = text.split(PLACEHOLDER)
            room = widths.get(names[len(pattern.slots)])
            if room is None:
                return False
            pattern.slots.append(Slot(font, size, prefix, suffix, room))
            pattern.pieces.append(pdf.make_indirect(pikepdf.Stream(pdf, b"\n".join([*piece, b""]))))
            piece = []
        else:
            piece.append(line)
    pattern.pieces.append(pdf.make_indirect(pikepdf.Stream(pdf, b"\n".join(piece))))
    return len(pattern.slots) == len(names)


def render(decision, rows, *, round_name: str, signed_on: str, render_full, on_progress=None) -> bytes:
    """All certificates of ``rows`` as one PDF, a page each, in order. ``render_full(rows)`` renders
    rows with WeasyPrint page by page (for the rows the patterns cannot print) and returns PDF bytes."""
    import pikepdf
    from weasyprint import CSS, HTML

    from .pdf import CSS_DIR

    total = len(rows)
    keys = list(dict.fromkeys(pattern_key(row) for row in rows))
    names = [row["name"] or "" for row in rows]
    units = [(row.get("unit") or "") + (row.get("post") or "") for row in rows]
    html = render_to_string(
        "awards/pdf/certificates.html",
        {
            "decision": decision,
            "rows": [_pattern_row(key) for key in keys],
            "round_name": round_name,
            "signed_on": signed_on,
            "glyph_sheet": {"names": _glyphs(names), "units": _glyphs(units)},
        },
    )
    document = HTML(string=html, base_url=str(CSS_DIR)).render(
        stylesheets=[CSS(filename=str(CSS_DIR / "certificate.css"))]
    )
    if len(document.pages) <= len(keys):  # a pattern that did not fit one page: no shared layout
        return render_full(rows)
    widths = _line_widths(document, len(keys))
    pdf = pikepdf.open(io.BytesIO(document.write_pdf()))
    del document
    patterns = {}
    for index, key in enumerate(keys):
        pattern = Pattern(key, pdf.pages[index])
        fonts = {
            str(name)[1:]: EmbeddedFont.from_pdf(font)
            for name, font in pattern.page.obj.Resources.get("/Font", {}).items()
            if "/ToUnicode" in font and "/DescendantFonts" in font
        }
        if _cut(pdf, pattern, fonts, widths[index]):
            patterns[key] = pattern
    if on_progress is not None:
        on_progress(0, total)

    # Each row's lines, or None: that row is rendered by WeasyPrint in full.
    stamped = []
    for row, name, unit in zip(rows, names, units, strict=True):
        pattern = patterns.get(pattern_key(row))
        lines = None
        if pattern is not None:
            lines = [slot.line(text) for slot, text in zip(pattern.slots, (name, unit), strict=False)]
            if any(line is None for line in lines):
                lines = None
        stamped.append((pattern, lines))
    full_rows = [row for row, (_pattern, lines) in zip(rows, stamped, strict=True) if lines is None]
    full = pikepdf.open(io.BytesIO(render_full(full_rows))) if full_rows else None

    # The pages are listed in a new /Kids array (pdf.pages.append is linear per page: 4 s for 5,000);
    # the pattern and glyph-sheet pages drop out of the tree and are not written.
    tree = pdf.Root.Pages
    bases = {}
    for key, pattern in patterns.items():
        base = {k: v for k, v in pattern.page.obj.items() if k not in ("/Contents", "/Parent")}
        if "/Resources" in base and not base["/Resources"].is_indirect:
            base["/Resources"] = pdf.make_indirect(base["/Resources"])
        bases[key] = base
    kids = pikepdf.Array()
    next_full = 0
    for done, (pattern, lines) in enumerate(stamped, start=1):
        if lines is None:
            source = full.pages[next_full].obj
            next_full += 1
            page = pdf.copy_foreign(source)  # a page is copied without its /Parent
        else:
            contents = [pattern.pieces[0]]
            for line, piece in zip(lines, pattern.pieces[1:], strict=True):
                contents += [pikepdf.Stream(pdf, line + b"\n"), piece]
            page = pikepdf.Dictionary(bases[pattern.key])
            page.Contents = pikepdf.Array(contents)
        page.Parent = tree
        kids.append(page if page.is_indirect else pdf.make_indirect(page))
        if on_progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
            on_progress(done, total)
    tree.Kids = kids
    tree.Count = len(kids)
    if "/Outlines" in pdf.Root:
        del pdf.Root.Outlines
    out = io.BytesIO()
    pdf.save(out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()
