"""What validation reports, and the parsed BPMN documents every check reads.

Kept apart from validation.py so the check modules can import it without a cycle.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
NSMAP = {"bpmn": BPMN_NS, "spiffworkflow": SPIFF_NS, "camunda": CAMUNDA_NS}

_MEMORY_ADDRESS = re.compile(r"<Element (\{[^}]*\})?([\w.-]+) at 0x[0-9a-fA-F]+>")
_BARE_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


@dataclass(frozen=True)
class Problem:
    """One reason a package cannot be published, pointing at the element to fix."""

    element_id: str | None
    message: str
    message_en: str
    file: str | None = None
    line: int | None = None
    #: short stable name of the rule that failed (`unknown_role`, `duplicate_id`, ...)
    rule: str = ""


@dataclass
class ValidationContext:
    """What the platform knows: roles, connector operations, statuses, and two checkers."""

    known_roles: set[str]
    known_operations: set[str]
    #: (source, "eval" | "exec") -> Vietnamese problems from the restricted evaluator
    check_script: Callable[[str, str], list[str]]
    #: form JSON -> the form definition's problems (Vietnamese)
    check_form: Callable[[dict], list[str]]
    #: internal dossier statuses a `dossierStatus` property may name
    known_statuses: set[str] = field(default_factory=set)
    #: operation -> the parameter names it declares; an operation absent here is not checked
    operation_parameters: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass
class BpmnDocument:
    """One well-formed BPMN file of the package."""

    file: str
    root: etree._Element
    ids: dict[str, etree._Element] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for element in self.root.iter():
            element_id = element.get("id") if isinstance(element.tag, str) else None
            if element_id is not None:
                self.ids.setdefault(element_id, element)

    def all_ids(self) -> list[str]:
        """Every id in document order, duplicates included."""
        return [e.get("id") for e in self.root.iter() if isinstance(e.tag, str) and e.get("id")]

    def xpath(self, path: str, node: etree._Element | None = None) -> list:
        return (self.root if node is None else node).xpath(path, namespaces=NSMAP)


def problem_at(
    document: BpmnDocument | None,
    element: etree._Element | None,
    message: str,
    message_en: str,
    rule: str,
) -> Problem:
    """A problem located at an element (its id, file and line)."""
    element_id = element.get("id") if element is not None else None
    line = element.sourceline if element is not None else None
    return Problem(
        element_id=element_id,
        message=message,
        message_en=message_en,
        file=document.file if document is not None else None,
        line=line,
        rule=rule,
    )


def clean_text(text: str) -> str:
    """Drop memory addresses and trailing noise from third-party messages."""
    text = _MEMORY_ADDRESS.sub(lambda m: f"<{m.group(2)}>", text)
    text = _BARE_ADDRESS.sub("", text)
    return text.strip().rstrip(". ").strip()


def local_name(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def strip_prefix(reference: str | None) -> str | None:
    """`tns:Message_1` -> `Message_1`: BPMN references are QNames."""
    if reference is None:
        return None
    return reference.strip().split(":", 1)[-1]
