"""A procedure package in memory: what an administrator uploads, before anything is stored.

Loading only reads bytes and parses JSON; it never judges the workflow (validation.py does).
The loaders refuse what would be unsafe to keep (paths escaping the package, oversized or
overfull archives, unreadable JSON) with a Vietnamese `InvalidInput`.
"""

import hashlib
import io
import json
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from engine.errors import InvalidInput

METADATA_FILE = "procedure.json"
FORMS_DIR = "forms"
MAX_PACKAGE_BYTES = 20 * 1024 * 1024
MAX_PACKAGE_FILES = 200

#: Files an archiver or an editor leaves behind; never part of a procedure.
_IGNORED_PARTS = {"__MACOSX", "__pycache__", ".DS_Store", "Thumbs.db"}


@dataclass
class ProcedurePackage:
    #: relative POSIX path -> content, exactly as uploaded
    files: dict[str, bytes]
    #: procedure.json, parsed
    metadata: dict
    #: the .bpmn paths, sorted (most packages have one, `process.bpmn`)
    bpmn_files: list[str] = field(default_factory=list)
    #: the .dmn paths, sorted (decision tables of business-rule tasks)
    dmn_files: list[str] = field(default_factory=list)
    #: form name as user tasks reference it (`reception.json`) -> parsed JSON
    forms: dict[str, dict] = field(default_factory=dict)


def package_from_files(files: dict[str, bytes]) -> ProcedurePackage:
    """Build a package from its files; both loaders end here so they agree on the layout."""
    if METADATA_FILE not in files:
        raise InvalidInput(f"Gói thủ tục thiếu tệp {METADATA_FILE} ở thư mục gốc.")
    metadata = _parse_json(METADATA_FILE, files[METADATA_FILE])
    if not isinstance(metadata, dict):
        raise InvalidInput(f"Tệp {METADATA_FILE} phải là một đối tượng JSON ({{...}}).")
    forms = {}
    for path, content in files.items():
        parts = PurePosixPath(path).parts
        if len(parts) == 2 and parts[0] == FORMS_DIR and path.endswith(".json"):
            forms[parts[1]] = _parse_json(path, content)
    return ProcedurePackage(
        files=dict(files),
        metadata=metadata,
        bpmn_files=sorted(p for p in files if p.lower().endswith(".bpmn")),
        dmn_files=sorted(p for p in files if p.lower().endswith(".dmn")),
        forms=forms,
    )


def load_package_dir(
    path: str | Path, *, max_bytes: int = MAX_PACKAGE_BYTES, max_files: int = MAX_PACKAGE_FILES
) -> ProcedurePackage:
    """Read a package folder (what `motcua publish PATH` points at)."""
    root = Path(path)
    if not root.is_dir():
        raise InvalidInput(f"Không tìm thấy thư mục gói thủ tục: {root}")
    files: dict[str, bytes] = {}
    total = 0
    for file_path in sorted(root.rglob("*")):
        relative = file_path.relative_to(root).as_posix()
        if not file_path.is_file() or _is_ignored(relative):
            continue
        if file_path.is_symlink():
            raise InvalidInput(f"Gói thủ tục không được chứa liên kết tượng trưng: {relative}")
        content = file_path.read_bytes()
        total += len(content)
        files[relative] = content
        _check_limits(len(files), total, max_files=max_files, max_bytes=max_bytes)
    return package_from_files(files)


def load_package_zip(
    data: bytes, *, max_bytes: int = MAX_PACKAGE_BYTES, max_files: int = MAX_PACKAGE_FILES
) -> ProcedurePackage:
    """Read an uploaded zip; one top folder around the package (a zipped folder) is dropped."""
    if len(data) > max_bytes:
        raise InvalidInput(_too_big_message(max_bytes))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as error:
        raise InvalidInput("Tệp tải lên không phải tệp nén .zip hợp lệ.") from error
    with archive:
        entries = [info for info in archive.infolist() if not info.is_dir()]
        entries = [info for info in entries if not _is_ignored(info.filename)]
        _check_limits(len(entries), sum(i.file_size for i in entries), max_files, max_bytes)
        files: dict[str, bytes] = {}
        total = 0
        for info in entries:
            name = _safe_member_name(info)
            content = _read_member(archive, info, max_bytes - total)
            total += len(content)
            if name in files:
                raise InvalidInput(f"Tệp {name} xuất hiện hai lần trong tệp nén.")
            files[name] = content
    return package_from_files(_strip_top_folder(files))


def content_hash(package: ProcedurePackage) -> str:
    """SHA-256 over the sorted (path, content) pairs: the identity of a published version."""
    digest = hashlib.sha256()
    for path in sorted(package.files):
        encoded = path.encode("utf-8")
        content = package.files[path]
        digest.update(len(encoded).to_bytes(8, "big") + encoded)
        digest.update(len(content).to_bytes(8, "big") + content)
    return digest.hexdigest()


def _safe_member_name(info: zipfile.ZipInfo) -> str:
    """Refuse entries that would land outside the package (zip slip) or are links."""
    name = info.filename
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise InvalidInput(f"Tệp nén không được chứa liên kết tượng trưng: {name}")
    path = PurePosixPath(name)
    if (
        "\\" in name
        or "\0" in name
        or path.is_absolute()
        or ".." in path.parts
        or (path.parts and ":" in path.parts[0])
    ):
        raise InvalidInput(f"Đường dẫn không an toàn trong tệp nén: {name}")
    return path.as_posix()


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    """Read at most `budget` bytes: the sizes in a zip header can lie (zip bombs)."""
    try:
        with archive.open(info) as member:
            content = member.read(budget + 1)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError) as error:
        raise InvalidInput(f"Không đọc được tệp {info.filename} trong tệp nén.") from error
    if len(content) > budget:
        raise InvalidInput(_too_big_message(budget))
    return content


def _strip_top_folder(files: dict[str, bytes]) -> dict[str, bytes]:
    if METADATA_FILE in files or not files:
        return files
    tops = {PurePosixPath(p).parts[0] for p in files}
    if len(tops) != 1 or any(len(PurePosixPath(p).parts) < 2 for p in files):
        return files
    top = tops.pop()
    return {p[len(top) + 1 :]: content for p, content in files.items()}


def _check_limits(count: int, total: int, max_files: int, max_bytes: int) -> None:
    if count > max_files:
        raise InvalidInput(f"Gói thủ tục có quá nhiều tệp (tối đa {max_files} tệp).")
    if total > max_bytes:
        raise InvalidInput(_too_big_message(max_bytes))


def _too_big_message(max_bytes: int) -> str:
    return f"Gói thủ tục quá lớn (tối đa {max_bytes / (1024 * 1024):.0f} MB)."


def _is_ignored(relative: str) -> bool:
    parts = PurePosixPath(relative).parts
    return any(part in _IGNORED_PARTS or (part.startswith(".") and part != "..") for part in parts)


def _parse_json(path: str, content: bytes) -> object:
    try:
        return json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise InvalidInput(f"Tệp {path} không phải văn bản UTF-8.") from error
    except json.JSONDecodeError as error:
        raise InvalidInput(
            f"Tệp {path} không phải JSON hợp lệ (dòng {error.lineno}, cột {error.colno}): "
            f"{error.msg}."
        ) from error
