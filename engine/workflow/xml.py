"""Hardened XML parsing: no DTDs, no entities, no network, no huge trees; any encoding
a file declares (its byte-order mark, its first bytes, its XML declaration)."""

from __future__ import annotations

import codecs
import re

from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
DMN_NAMESPACES = frozenset({
    "https://www.omg.org/spec/DMN/20191111/MODEL/",
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
    "http://www.omg.org/spec/DMN/20180521/MODEL/",
    "https://www.omg.org/spec/DMN/20230324/MODEL/",
})


class UnsafeXml(ValueError):
    """The document is not well-formed, or uses DTDs or entities, or cannot be decoded."""


# Checked in this order: a UTF-32 mark begins with the UTF-16 one.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
_ENCODING = re.compile(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]{1,40})[\"']")
_DECLARATION = re.compile(r"\s*<\?xml[^>]*\?>")
UTF8_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'


def xml_text(content: bytes | str) -> str:
    """The text of an XML file, decoded by its byte-order mark, its first bytes or its
    declaration (UTF-8 when none says otherwise); a declaration is rewritten to say UTF-8,
    as the text is stored and parsed again as UTF-8. UnsafeXml if it cannot be decoded."""
    text = content if isinstance(content, str) else _decode(content)
    declaration = _DECLARATION.match(text)
    return UTF8_DECLARATION + text[declaration.end():] if declaration else text


def _unmarked_utf16(head: bytes) -> str | None:
    """UTF-16 without a mark, from two ASCII characters ("<?", or "\\n<"): every other byte
    is zero (never so in UTF-8 or GBK, where a zero byte is a NUL character)."""
    if len(head) < 4:
        return None
    if head[1] == head[3] == 0 and head[0] and head[2]:
        return "utf-16-le"
    if head[0] == head[2] == 0 and head[1] and head[3]:
        return "utf-16-be"
    return None


def _decode(raw: bytes) -> str:
    encoding = next((name for bom, name in _BOMS if raw.startswith(bom)), None)
    encoding = encoding or _unmarked_utf16(raw[:4])
    if encoding is None:
        declared = _ENCODING.match(raw.lstrip())
        encoding = declared.group(1).decode("ascii") if declared else "utf-8"
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise UnsafeXml(f"unknown encoding {encoding!r}") from None
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UnsafeXml(f"the file is not {encoding.upper()} text as it declares (byte "
                        f"{exc.start + 1})") from None


def parse_xml(content: bytes | str) -> etree._Element:
    """Parse untrusted XML (decoded first, see xml_text); refuse any document type
    declaration outright.

    Refusing the DOCTYPE is what makes XXE and entity expansion ("billion
    laughs") harmless: no entity can be declared, so none can be expanded.
    """
    raw = xml_text(content).encode("utf-8")
    head = raw[:4096].lstrip().lower()
    if b"<!doctype" in raw.lower() or b"<!entity" in head:
        raise UnsafeXml("document type declarations (DTD) and entities are not allowed")
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=False, remove_comments=False,
    )
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        raise UnsafeXml(f"not well-formed XML: {exc}") from exc
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise UnsafeXml("document type declarations (DTD) are not allowed")
    for node in root.iter():
        if isinstance(node, etree._Entity):
            raise UnsafeXml("entity references are not allowed")
    return root


def kind_of(root: etree._Element) -> str | None:
    """"bpmn", "dmn" or None, from the root element's namespace and tag."""
    qname = etree.QName(root)
    if qname.localname != "definitions":
        return None
    if qname.namespace == BPMN_NS:
        return "bpmn"
    if qname.namespace in DMN_NAMESPACES:
        return "dmn"
    return None


def element_names(bpmn_xml: str) -> dict[str, str]:
    """Element id → its name as the diagram gives it ("中文 English" in the shipped ones),
    for the BPMN elements that have both; a diagram that cannot be read names nothing."""
    try:
        root = parse_xml(bpmn_xml)
    except UnsafeXml:
        return {}
    return {node.get("id", ""): " ".join(node.get("name", "").split())
            for node in root.iter(f"{{{BPMN_NS}}}*")
            if node.get("id") and (node.get("name") or "").strip()}
