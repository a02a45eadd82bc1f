"""Hypothesis strategies that spoil a valid procedure package: corrupted or truncated XML,
removed elements, entity attacks (XXE, billion laughs), broken JSON, huge files and zip
oddities. Each draws a zip (bytes) built from the shipped birth-registration package."""

from __future__ import annotations

import io
import json
import stat
import warnings
import zipfile
from pathlib import Path

from hypothesis import strategies as st
from lxml import etree

PACKAGE = Path(__file__).resolve().parents[4] / "processes" / "dang_ky_khai_sinh"
#: a line of /etc/passwd, which an external entity would pull into the package
LEAK = "root:x:0:0"


def package_files() -> dict[str, bytes]:
    return {
        path.relative_to(PACKAGE).as_posix(): path.read_bytes()
        for path in sorted(PACKAGE.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def zipped(files: dict[str, bytes] | list[tuple[str, bytes]], **options) -> bytes:
    out = io.BytesIO()
    items = files.items() if isinstance(files, dict) else files
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # a duplicate name is made on purpose
        for name, content in items:
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if options.get("symlink") == name:
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, content)
    return out.getvalue()


XXE = (
    '<?xml version="1.0"?>\n<!DOCTYPE definitions [\n'
    '  <!ENTITY xxe SYSTEM "file:///etc/passwd">\n'
    '  <!ENTITY remote SYSTEM "http://127.0.0.1:9/dtd">\n]>\n'
)
LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE definitions [\n  <!ENTITY lol "lol">\n'
    + "".join(
        f'  <!ENTITY lol{n} "{(f"&lol{n - 1};" if n > 1 else "&lol;") * 10}">\n'
        for n in range(1, 10)
    )
    + "]>\n"
)


def _without_declaration(xml: str) -> str:
    return xml.split("?>", 1)[1] if xml.startswith("<?xml") else xml


@st.composite
def spoiled_bpmn(draw, xml: bytes) -> bytes:
    text = xml.decode("utf-8")
    kind = draw(
        st.sampled_from(
            ["cut", "insert", "truncate", "remove", "rename", "attribute", "xxe", "laughs", "bytes"]
        )
    )
    if kind == "cut":
        start = draw(st.integers(0, len(text) - 1))
        return (text[:start] + text[start + draw(st.integers(1, 400)) :]).encode()
    if kind == "insert":
        at = draw(st.integers(0, len(text)))
        junk = draw(st.sampled_from(["<", ">", "&", "]]>", "<bpmn:task>", '"', "\x00", "&#0;"]))
        return (text[:at] + junk + text[at:]).encode("utf-8", "surrogatepass")
    if kind == "truncate":
        return text[: draw(st.integers(0, len(text) - 1))].encode()
    if kind in ("remove", "rename", "attribute"):
        root = etree.fromstring(xml)
        elements = [e for e in root.iter() if isinstance(e.tag, str)][1:]
        element = draw(st.sampled_from(elements))
        if kind == "remove":
            element.getparent().remove(element)
        elif kind == "rename":
            element.tag = draw(
                st.sampled_from(["{http://www.omg.org/spec/BPMN/20100524/MODEL}bogus", "x", "End"])
            )
        else:
            name = draw(st.sampled_from(["id", "sourceRef", "targetRef", "name", "isExecutable"]))
            element.set(name, draw(st.sampled_from(["", "End", "Start", "1bad", "a" * 5000])))
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    if kind == "xxe":
        body = _without_declaration(text).replace('name="', 'name="&xxe;', 1)
        return (
            XXE + body.replace("<bpmn:documentation>", "<bpmn:documentation>&remote;", 1)
        ).encode()
    if kind == "laughs":
        return (LAUGHS + _without_declaration(text).replace('name="', 'name="&lol9;', 1)).encode()
    return draw(st.binary(max_size=200))


json_junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def spoiled_json(draw, content: bytes) -> bytes:
    kind = draw(st.sampled_from(["drop", "replace", "junk", "bytes"]))
    record = json.loads(content)
    if kind == "junk" or not isinstance(record, dict) or not record:
        return json.dumps(draw(json_junk)).encode()
    if kind == "bytes":
        return content[: draw(st.integers(0, len(content)))] + draw(st.binary(max_size=20))
    key = draw(st.sampled_from(sorted(record)))
    if kind == "drop":
        del record[key]
    else:
        record[key] = draw(json_junk)
    return json.dumps(record, ensure_ascii=False).encode()


@st.composite
def spoiled_packages(draw) -> bytes:
    """A zip of the birth-registration package with one thing wrong with it."""
    files = package_files()
    kind = draw(st.sampled_from(["bpmn", "bpmn", "bpmn", "json", "zip"]))
    if kind == "bpmn":
        files["process.bpmn"] = draw(spoiled_bpmn(files["process.bpmn"]))
        return zipped(files)
    if kind == "json":
        name = draw(st.sampled_from(sorted(n for n in files if n.endswith(".json"))))
        files[name] = draw(spoiled_json(files[name]))
        return zipped(files)
    return draw(zip_oddities(files))


@st.composite
def zip_oddities(draw, files: dict[str, bytes]) -> bytes:
    kind = draw(
        st.sampled_from(
            [
                "not_zip",
                "truncated",
                "empty",
                "slip",
                "absolute",
                "backslash",
                "duplicate",
                "symlink",
                "nested",
                "bomb",
                "many",
                "two_tops",
            ]
        )
    )
    if kind == "not_zip":
        return draw(st.binary(max_size=300))
    if kind == "truncated":
        data = zipped(files)
        return data[: draw(st.integers(0, len(data) - 1))]
    if kind == "empty":
        return zipped({})
    if kind == "slip":
        return zipped({**files, "../../evil.json": b"{}"})
    if kind == "absolute":
        return zipped({**files, "/etc/cron.d/evil": b"x"})
    if kind == "backslash":
        return zipped({**files, "forms\\..\\..\\evil.json": b"{}"})
    if kind == "duplicate":
        return zipped([*files.items(), ("process.bpmn", files["process.bpmn"])])
    if kind == "symlink":
        return zipped({**files, "link.json": b"/etc/passwd"}, symlink="link.json")
    if kind == "nested":
        return zipped({"package.zip": zipped(files)})
    if kind == "bomb":
        # 25 MB of zeros, a few KB compressed: over the 20 MB budget once inflated
        return zipped({**files, "forms/bomb.json": b"0" * (25 * 1024 * 1024)})
    if kind == "many":
        return zipped({**files, **{f"forms/extra_{n}.txt": b"x" for n in range(250)}})
    return zipped({f"a/{k}": v for k, v in files.items()} | {"b/procedure.json": b"{}"})
