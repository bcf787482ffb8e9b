"""The defused streamed XML parse on the C parser (`io.xml_stream`): same elements as `defusedxml`, same refusals."""

from __future__ import annotations

import io
from pathlib import Path
from xml.etree.ElementTree import ParseError

import pytest
from defusedxml import EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import iterparse

from pae_desktop.io.xml_stream import CHUNK, element_ends

SAMPLES = Path(__file__).resolve().parent / "fixtures" / "siecle" / "samples"


def _shape(elements) -> list[tuple]:
    """Each element's tag, attributes, text and children, then the parse error's position if any."""
    shape: list[tuple] = []
    try:
        for e in elements:
            shape.append((e.tag, dict(e.attrib), (e.text or "").strip(), len(e)))
    except ParseError as error:
        shape.append(("error", error.position))
    return shape


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*.xml")))
def test_every_sample_gives_the_elements_defusedxml_gives(name):
    data = (SAMPLES / name).read_bytes()
    ours = _shape(element_ends(io.BytesIO(data)))
    theirs = _shape(element for _event, element in iterparse(io.BytesIO(data), events=("end",)))
    assert ours[-1] == theirs[-1]  # the root, or the same parse error at the same place
    # before an error (the reader then refuses the file), the elements of the chunk it ends are not given
    assert ours[:-1] == theirs[: len(ours) - 1]
    assert len(theirs) > 5


def _document(prolog: str, body: str = "<R><A>x</A></R>", padding: int = 0) -> io.BytesIO:
    comment = f"<!-- {'p' * padding} -->\n" if padding else ""
    return io.BytesIO(f'<?xml version="1.0" encoding="ISO-8859-15"?>\n{comment}{prolog}{body}'.encode("latin-1"))


BOMB = '<!DOCTYPE R [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
EXTERNAL = '<!DOCTYPE R [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
UNPARSED = '<!DOCTYPE R [<!NOTATION n SYSTEM "n"><!ENTITY u SYSTEM "u.bin" NDATA n>]>'


@pytest.mark.parametrize("prolog", [BOMB, EXTERNAL, UNPARSED], ids=["expansion", "external", "unparsed"])
@pytest.mark.parametrize("padding", [0, 3 * CHUNK], ids=["first chunk", "after three chunks"])
def test_entity_declarations_are_refused_before_any_element(prolog, padding):
    seen = []
    with pytest.raises(EntitiesForbidden):
        for element in element_ends(_document(prolog, "<R><A>&b;</A></R>", padding)):
            seen.append(element.tag)
    assert seen == []


def test_an_external_dtd_reference_is_refused_or_unresolved():
    document = _document('<!DOCTYPE R SYSTEM "http://example.invalid/r.dtd">', "<R><A>&x;</A></R>")
    with pytest.raises((ExternalReferenceForbidden, ParseError)):
        list(element_ends(document))


def test_a_document_type_without_entities_is_read():
    elements = list(element_ends(_document("<!DOCTYPE R>", "<R><A>é</A></R>")))
    assert [(e.tag, e.text) for e in elements] == [("A", "é"), ("R", None)]


def test_entity_like_text_after_the_root_opened_is_plain_text():
    elements = list(element_ends(_document("", "<R><A>&lt;!ENTITY a \"b\"&gt;</A></R>", CHUNK)))
    assert elements[0].text == '<!ENTITY a "b">'


@pytest.mark.parametrize(
    "body, position",
    [("<R><A>x</B></R>", (3, 9)), ("<R><A>x</A>", (3, 11)), ("", (3, 0))],
    ids=["mismatched", "truncated", "empty"],
)
def test_malformed_documents_report_the_position_defusedxml_reports(body, position):
    with pytest.raises(ParseError) as ours:
        list(element_ends(_document("", body)))
    with pytest.raises(ParseError) as theirs:
        list(iterparse(_document("", body), events=("end",)))
    assert ours.value.position == theirs.value.position
    assert str(ours.value).split(":")[0] == str(theirs.value).split(":")[0]
