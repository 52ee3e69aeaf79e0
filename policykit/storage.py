"""Writing outputs safely: atomic replace, and case ids that cannot escape ``output/``."""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from pathlib import Path

_RESERVED = {
    "CON", "PRN", "AUX", "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}
_BAD = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
MAX_NAME = 80  # characters; keeps the full path well under Windows' 260


def safe_case_dirname(case_id: str) -> str:
    """A readable, portable folder name for a case id.

    Path separators, reserved characters, leading dots and Windows device names
    are replaced; if anything had to change, a short hash of the original id is
    appended so two different ids never share a folder.
    """
    text = unicodedata.normalize("NFC", str(case_id))
    name = _BAD.sub("_", text).strip(" .")
    name = re.sub(r"_+", "_", name)
    if not name or name.upper().split(".")[0] in _RESERVED:
        name = f"_{name}"
    if len(name) > MAX_NAME:
        name = name[:MAX_NAME]
    if name != text:
        digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
        name = f"{name}-{digest}"
    return name


def inside(base: Path, *parts: str) -> Path:
    """Join ``parts`` (already made safe) under ``base``; refuse anything that escapes it."""
    base_r = Path(base).resolve()
    target = base_r.joinpath(*parts).resolve()
    if target != base_r and base_r not in target.parents:
        raise ValueError(f"输出路径越出输出目录：{target}")
    return target


_UMASK = os.umask(0)
os.umask(_UMASK)


def new_file_mode() -> int:
    """The permissions a newly created file gets under the process's umask (mkstemp would give 0600)."""
    return 0o666 & ~_UMASK


def atomic_write_bytes(path: Path | str, data: bytes, fsync: bool = True) -> Path:
    """Write to a temporary file in the same folder, fsync, then rename into place.

    The rename makes a crash leave either the old file or the new one, never half
    of one. ``fsync=False`` skips flushing to disk (a power cut may then lose the
    file's content); the batch does that and checks hashes when it resumes."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, new_file_mode())  # mkstemp makes 0600: outputs get what any new file gets
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if fsync:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path


def atomic_write_text(path: Path | str, text: str) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"))


def sha256_file(path: Path | str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
