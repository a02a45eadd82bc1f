import io
import stat
import zipfile
from pathlib import Path

import pytest

from engine.errors import InvalidInput
from engine.procedures.package import (
    content_hash,
    load_package_dir,
    load_package_zip,
    package_from_files,
)

VALID = Path(__file__).parent / "packages" / "valid"


def zip_of(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def valid_files() -> dict[str, bytes]:
    return {
        p.relative_to(VALID).as_posix(): p.read_bytes() for p in VALID.rglob("*") if p.is_file()
    }


def test_directory_package_reads_metadata_diagram_and_forms():
    package = load_package_dir(VALID)
    assert package.metadata["code"] == "test.validation"
    assert package.bpmn_files == ["process.bpmn"]
    assert package.forms["reception.json"]["title"] == "Tiếp nhận hồ sơ"


def test_zip_and_folder_of_the_same_files_have_the_same_hash():
    from_zip = load_package_zip(zip_of(valid_files()), max_bytes=10**6, max_files=10)
    assert content_hash(from_zip) == content_hash(load_package_dir(VALID))


def test_zipped_folder_loses_its_top_folder():
    entries = {f"ho_so/{name}": content for name, content in valid_files().items()}
    package = load_package_zip(zip_of(entries), max_bytes=10**6, max_files=10)
    assert package.bpmn_files == ["process.bpmn"]


def test_hash_ignores_order_and_sees_every_byte():
    files = valid_files()
    reordered = dict(reversed(list(files.items())))
    assert content_hash(package_from_files(files)) == content_hash(package_from_files(reordered))
    changed = {**files, "process.bpmn": files["process.bpmn"] + b" "}
    assert content_hash(package_from_files(files)) != content_hash(package_from_files(changed))
    renamed = {**files, "forms/other.json": files["forms/reception.json"]}
    del renamed["forms/reception.json"]
    assert content_hash(package_from_files(files)) != content_hash(package_from_files(renamed))


@pytest.mark.parametrize("name", ["../evil.bpmn", "/etc/evil.bpmn", "a/../../evil", "C:/x.bpmn"])
def test_zip_slip_is_refused(name):
    data = zip_of({**valid_files(), name: b"x"})
    with pytest.raises(InvalidInput, match="không an toàn"):
        load_package_zip(data, max_bytes=10**6, max_files=10)


def test_symlink_in_zip_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in valid_files().items():
            archive.writestr(name, content)
        link = zipfile.ZipInfo("forms/link.json")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    with pytest.raises(InvalidInput, match="liên kết"):
        load_package_zip(buffer.getvalue(), max_bytes=10**6, max_files=10)


def test_too_many_files_is_refused():
    entries = {**valid_files(), **{f"templates/{i}.txt": b"x" for i in range(20)}}
    with pytest.raises(InvalidInput, match="quá nhiều tệp"):
        load_package_zip(zip_of(entries), max_bytes=10**6, max_files=10)


def test_zip_bomb_is_refused_by_uncompressed_size():
    entries = {**valid_files(), "bomb.txt": b"0" * 2_000_000}
    data = zip_of(entries)
    assert len(data) < 100_000
    with pytest.raises(InvalidInput, match="quá lớn"):
        load_package_zip(data, max_bytes=1_000_000, max_files=10)


def test_not_a_zip():
    with pytest.raises(InvalidInput, match=r"\.zip"):
        load_package_zip(b"not a zip", max_bytes=10**6, max_files=10)


def test_missing_metadata():
    files = valid_files()
    del files["procedure.json"]
    with pytest.raises(InvalidInput, match=r"procedure\.json"):
        load_package_zip(zip_of(files), max_bytes=10**6, max_files=10)


def test_broken_form_json_names_file_and_line():
    files = {**valid_files(), "forms/reception.json": b'{\n  "title": "x",\n  oops\n}'}
    with pytest.raises(InvalidInput, match=r"forms/reception\.json.*dòng 3"):
        load_package_zip(zip_of(files), max_bytes=10**6, max_files=10)


def test_folder_loader_skips_hidden_files(tmp_path):
    for name, content in valid_files().items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(content)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("x")
    assert set(load_package_dir(tmp_path).files) == set(valid_files())
