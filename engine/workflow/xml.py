"""Hardened XML parsing: no DTDs, no entities, no network, no huge trees."""

from __future__ import annotations

from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
DMN_NAMESPACES = frozenset({
    "https://www.omg.org/spec/DMN/20191111/MODEL/",
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
    "http://www.omg.org/spec/DMN/20180521/MODEL/",
    "https://www.omg.org/spec/DMN/20230324/MODEL/",
})

class UnsafeXml(ValueError):
    """The document is not well-formed, or uses DTDs or entities."""


def parse_xml(content: bytes | str) -> etree._Element:
    """Parse untrusted XML; refuse any document type declaration outright.

    Refusing the DOCTYPE is what makes XXE and entity expansion ("billion
    laughs") harmless: no entity can be declared, so none can be expanded.
    """
    raw = content.encode("utf-8") if isinstance(content, str) else content
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
