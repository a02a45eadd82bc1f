"""Files that are more than they claim: zip bombs, polyglots, active content.

A file whose first bytes make it a PDF, an image or a DOCX may still carry a second reading: a
ZIP archive appended to a PDF, an HTML page or script a browser would run if it ever sniffed the
file, JavaScript or launch actions inside a PDF, macros inside a DOCX, or a small archive that
inflates to gigabytes. Each check answers with the Vietnamese reason the file is refused.
"""

from __future__ import annotations

import io
import re
import zipfile

#: limits for ZIP-based documents (DOCX): what a real form or scan never comes near
MAX_ZIP_ENTRIES = 1000
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100

#: markup a browser would render or run, looked for at the start of any file
_MARKUP = re.compile(
    rb"<\s*(?:script|html|body|iframe|svg|object|embed|meta|!doctype)\b|<\?php|javascript:",
    re.IGNORECASE,
)
_MARKUP_WINDOW = 1024
#: PDF actions that run something on opening: scripts, programs, embedded files
_PDF_ACTIVE = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFile|RichMedia|XFA)\b")
_MACRO_PARTS = ("vbaproject.bin", "vbadata.xml")

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def hostile_content_problem(content: bytes, content_type: str) -> str | None:
    """Why the file must be refused despite its type, or None when it is what it claims."""
    if _MARKUP.search(content[:_MARKUP_WINDOW]):
        return "Tệp chứa mã HTML hoặc mã lệnh, không phải tài liệu thông thường."
    if content_type == DOCX:
        return zip_archive_problem(content) or _macro_problem(content)
    if zipfile.is_zipfile(io.BytesIO(content)):
        return "Tệp đồng thời là một tệp nén (ZIP) giấu bên trong, không được chấp nhận."
    if content_type == "application/pdf" and _PDF_ACTIVE.search(content):
        return "Tệp PDF chứa mã lệnh, tệp đính kèm hoặc thao tác tự chạy, không được chấp nhận."
    return None


def zip_archive_problem(content: bytes) -> str | None:
    """Refuse an archive with too many entries, too much inflated data or a suspicious ratio.

    The sizes the archive declares are checked first; then every entry is inflated up to the
    limit, since declared sizes can lie."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES:
                return f"Tệp nén có quá nhiều thành phần (tối đa {MAX_ZIP_ENTRIES})."
            if any(entry.flag_bits & 0x1 for entry in entries):
                return "Tệp nén có thành phần được mã hoá, không kiểm tra được."
            budget = min(MAX_UNCOMPRESSED_BYTES, max(len(content), 1) * MAX_COMPRESSION_RATIO)
            if sum(entry.file_size for entry in entries) > budget:
                return _inflation_message()
            inflated = 0
            for entry in entries:
                with archive.open(entry) as stream:
                    while chunk := stream.read(64 * 1024):
                        inflated += len(chunk)
                        if inflated > budget:
                            return _inflation_message()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError):
        return "Tệp nén bị hỏng hoặc không đọc được."
    return None


def _inflation_message() -> str:
    limit = MAX_UNCOMPRESSED_BYTES // (1024 * 1024)
    return (
        f"Tệp nén khi giải nén quá lớn (tối đa {limit} MB, gấp tối đa "
        f"{MAX_COMPRESSION_RATIO} lần tệp gốc): có dấu hiệu tệp nén độc hại."
    )


def _macro_problem(content: bytes) -> str | None:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = [name.lower() for name in archive.namelist()]
    if any(name.endswith(_MACRO_PARTS) for name in names):
        return "Tệp Word chứa macro, không được chấp nhận. Vui lòng lưu lại dưới dạng DOCX thường."
    return None
