"""Errors of BPMN scripts and expressions, shared by the compiler and the run-time guards."""

from typing import NamedTuple


class Problem(NamedTuple):
    """One reason a source is refused, with its line."""

    vi: str
    en: str


class ScriptError(Exception):
    """A BPMN script or expression problem; `args[0]` is the Vietnamese message."""

    def __init__(self, message_vi: str, message_en: str, element_id: str | None = None):
        super().__init__(message_vi)
        self.message_vi = message_vi
        self.message_en = message_en
        self.element_id = element_id

    @property
    def message(self) -> str:
        return self.message_vi


class ScriptRefused(ScriptError):
    """The source is refused by the compiler (at upload, or if it reaches run time anyway)."""

    def __init__(self, problems: list[Problem], element_id: str | None = None):
        super().__init__(
            "Kịch bản hoặc biểu thức bị từ chối: " + " ".join(p.vi for p in problems),
            "Script refused: " + " ".join(p.en for p in problems),
            element_id,
        )
        self.problems = [p.vi for p in problems]


class ScriptFailed(ScriptError):
    """The source compiled but failed, or exceeded its time or size budget, while running."""
