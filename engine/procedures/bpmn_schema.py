"""Reading uploaded BPMN safely, and the BPMN 2.0 XSD with its messages put in plain words.

Without the XSD, duplicate ids and non-BPMN XML pass SpiffWorkflow unnoticed; lxml's messages
("not a valid value of the atomic type 'xs:ID'") do not say what to fix, so they are translated.
"""

import re
import threading
from collections import Counter

from lxml import etree
from SpiffWorkflow.spiff.parser.process import VALIDATOR

from engine.procedures.problems import BPMN_NS, BpmnDocument, Problem, clean_text

#: lxml's error log lives on the schema object: one validation at a time.
_VALIDATOR_LOCK = threading.Lock()

_ELEMENT = r"Element '(?:\{[^}]*\})?(?P<element>[\w.-]+)'"
_XSD_ID = re.compile(
    _ELEMENT + r", attribute 'id': '(?P<value>[^']*)' is not a valid value of "
    r"the atomic type 'xs:ID'"
)
_NOT_EXPECTED = re.compile(_ELEMENT + r": This element is not expected\.")
_ATTRIBUTE_NOT_ALLOWED = re.compile(
    _ELEMENT + r", attribute '(?P<attribute>[^']*)': The "
    r"attribute '[^']*' is not allowed"
)
_ATTRIBUTE_MISSING = re.compile(
    _ELEMENT + r": The attribute '(?P<attribute>[^']*)' is "
    r"required but missing"
)
_BAD_VALUE = re.compile(
    _ELEMENT + r", attribute '(?P<attribute>[^']*)': '(?P<value>[^']*)' is "
    r"not a valid value of the (?:atomic|list|union) type '(?P<type>[^']*)'"
)
_NAMESPACE = re.compile(r"\{[^}]*\}")


def parse_xml(file: str, content: bytes) -> tuple[BpmnDocument | None, list[Problem]]:
    """Parse without entities or network access; a syntax error becomes a located problem."""
    try:
        root = etree.fromstring(content, _safe_parser())
    except etree.XMLSyntaxError as error:
        line = error.lineno or None
        detail = clean_text(error.msg or str(error))
        return None, [
            Problem(
                None,
                f"Tệp {file} không phải XML hợp lệ (dòng {line}): {detail}. Hãy lưu lại tệp "
                "từ trình vẽ BPMN.",
                f"{file} is not well-formed XML (line {line}): {detail}. Save it again from "
                "the BPMN editor.",
                file=file,
                line=line,
                rule="xml_syntax",
            )
        ]
    if root.getroottree().docinfo.doctype:
        return None, [
            Problem(
                None,
                f"Tệp {file} chứa khai báo DOCTYPE/thực thể XML, không được phép trong sơ đồ "
                "BPMN; xoá phần <!DOCTYPE ...>.",
                f"{file} contains a DOCTYPE/XML entity declaration, which a BPMN diagram may "
                "not have; remove the <!DOCTYPE ...> part.",
                file=file,
                line=1,
                rule="doctype",
            )
        ]
    if root.tag != f"{{{BPMN_NS}}}definitions":
        return None, [
            Problem(
                None,
                f"Tệp {file} không phải sơ đồ BPMN 2.0: phần tử gốc là {root.tag}, cần "
                f"bpmn:definitions thuộc không gian tên {BPMN_NS}.",
                f"{file} is not a BPMN 2.0 diagram: the root element is {root.tag}; it must be "
                f"bpmn:definitions in the namespace {BPMN_NS}.",
                file=file,
                line=root.sourceline,
                rule="not_bpmn",
            )
        ]
    return BpmnDocument(file, root), []


def _safe_parser() -> etree.XMLParser:
    """No entity expansion, DTD loading or network: uploads are untrusted."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def check_schema(document: BpmnDocument, content: bytes) -> list[Problem]:
    """Validate a fresh parse against the BPMN XSD (SpiffWorkflow's preprocessing renames tags;
    re-parsing the bytes keeps lxml's line numbers those of the uploaded file)."""
    copy = etree.fromstring(content, _safe_parser())
    with _VALIDATOR_LOCK:
        VALIDATOR.preprocess(copy)
        VALIDATOR.validator.validate(copy)
        errors = [
            (entry.line, entry.message, entry.path) for entry in VALIDATOR.validator.error_log
        ]
    id_counts = Counter(document.all_ids())
    problems = []
    seen = set()
    for line, message, path in errors:
        problem = _translate(document, copy, line, message, path, id_counts)
        key = (problem.element_id, problem.rule, problem.message)
        if key not in seen:
            seen.add(key)
            problems.append(problem)
    return problems


def _translate(document, copy, line, message, path, id_counts) -> Problem:
    element_id = _element_id_at(copy, path, line)
    match = _XSD_ID.search(message)
    if match:
        value = match["value"]
        if id_counts[value] > 1:
            return _schema_problem(
                document,
                value,
                line,
                "duplicate_id",
                f"Mã phần tử {value} bị trùng: mỗi phần tử phải có mã (id) riêng. Đổi mã của một "
                "trong các phần tử trùng.",
                f"Element id {value} is used more than once: every element needs its own id. "
                "Rename one of them.",
            )
        return _schema_problem(
            document,
            value,
            line,
            "invalid_id",
            f"Mã phần tử '{value}' không hợp lệ: mã phải bắt đầu bằng chữ cái hoặc '_' và không "
            "chứa khoảng trắng.",
            f"Element id '{value}' is not valid: an id must start with a letter or '_' and "
            "contain no spaces.",
        )
    match = _NOT_EXPECTED.search(message)
    if match:
        expected = _NAMESPACE.sub("", message.split("Expected is", 1)[-1]).strip(" ().")
        hint_vi = f" Cần: {expected}." if "Expected is" in message else ""
        hint_en = f" Expected: {expected}." if "Expected is" in message else ""
        return _schema_problem(
            document,
            element_id,
            line,
            "schema",
            f"Phần tử {match['element']} không được phép ở vị trí này (dòng {line}).{hint_vi}",
            f"Element {match['element']} is not allowed here (line {line}).{hint_en}",
        )
    match = _ATTRIBUTE_NOT_ALLOWED.search(message)
    if match:
        return _schema_problem(
            document,
            element_id,
            line,
            "schema",
            f"Thuộc tính {match['attribute']} không được phép trên phần tử "
            f"{match['element']} (dòng {line}).",
            f"Attribute {match['attribute']} is not allowed on {match['element']} (line {line}).",
        )
    match = _ATTRIBUTE_MISSING.search(message)
    if match:
        return _schema_problem(
            document,
            element_id,
            line,
            "schema",
            f"Phần tử {match['element']} thiếu thuộc tính bắt buộc {match['attribute']} "
            f"(dòng {line}).",
            f"Element {match['element']} lacks the required attribute {match['attribute']} "
            f"(line {line}).",
        )
    match = _BAD_VALUE.search(message)
    if match:
        return _schema_problem(
            document,
            element_id,
            line,
            "schema",
            f"Giá trị '{match['value']}' của thuộc tính {match['attribute']} trên phần tử "
            f"{match['element']} không hợp lệ (cần kiểu {match['type']}, dòng {line}).",
            f"Value '{match['value']}' of attribute {match['attribute']} on {match['element']} "
            f"is not valid (expected {match['type']}, line {line}).",
        )
    detail = clean_text(_NAMESPACE.sub("", message))
    return _schema_problem(
        document,
        element_id,
        line,
        "schema",
        f"Sơ đồ không đúng lược đồ BPMN 2.0 (dòng {line}): {detail}.",
        f"The diagram does not follow the BPMN 2.0 schema (line {line}): {detail}.",
    )


def _schema_problem(document, element_id, line, rule, message, message_en) -> Problem:
    return Problem(element_id, message, message_en, file=document.file, line=line, rule=rule)


def _element_id_at(copy: etree._Element, path: str | None, line: int) -> str | None:
    """The id of the element an lxml error points at, or of its closest ancestor with one."""
    element = _element_at_path(copy, path)
    if element is None:
        element = next((e for e in copy.iter() if e.sourceline == line), None)
    while element is not None and element.get("id") is None:
        element = element.getparent()
    return element.get("id") if element is not None else None


def _element_at_path(copy: etree._Element, path: str | None) -> etree._Element | None:
    if not path:
        return None
    namespaces = {prefix: uri for prefix, uri in copy.nsmap.items() if prefix}
    try:
        found = copy.getroottree().xpath(path, namespaces=namespaces)
    except etree.XPathError:
        return None
    return found[0] if found and isinstance(found[0], etree._Element) else None
