"""First-page previews: .docx → PDF with one LibreOffice call → PNG with pdftoppm."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import InputError


def soffice_pdf(docx_files: list[Path], out_dir: Path, timeout: int = 300) -> list[Path]:
    """Convert .docx files to PDF in one headless LibreOffice run (private profile)."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        raise InputError("未安装 LibreOffice，无法转换为 PDF（请运行 scripts/install_test_tools.sh）")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pk-lo-") as profile:
        cmd = [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, docx_files)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    pdfs = [out_dir / (Path(f).stem + ".pdf") for f in docx_files]
    missing = [p.name for p in pdfs if not p.exists()]
    if proc.returncode != 0 or missing:
        raise InputError(f"LibreOffice 转换失败：{'、'.join(missing) or proc.returncode}；{proc.stderr.strip()[:300]}")
    return pdfs


def first_page_png(pdf: Path, png: Path, dpi: int = 60) -> Path:
    exe = shutil.which("pdftoppm")
    if not exe:
        raise InputError("未安装 pdftoppm（poppler-utils），无法生成预览图（请运行 scripts/install_fonts.sh）")
    png.parent.mkdir(parents=True, exist_ok=True)
    stem = png.with_suffix("")
    subprocess.run([exe, "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
                   check=True, capture_output=True)
    return png


def previews(docx_files: list[Path], out_dir: Path) -> list[Path]:
    """One PNG of the first page per kind (the first file of each kind), into ``out_dir``."""
    from ..rules.schema import DOCUMENT_KINDS

    by_kind: dict[str, Path] = {}
    for f in docx_files:
        kind = next((k for k in DOCUMENT_KINDS if f.stem.startswith(k + "_")), f.stem)
        by_kind.setdefault(kind, f)
    if not by_kind:
        return []
    with tempfile.TemporaryDirectory(prefix="pk-preview-") as tmp:
        tmp = Path(tmp)
        staged = []
        for kind, f in by_kind.items():
            dst = tmp / f"{kind}.docx"
            shutil.copyfile(f, dst)
            staged.append(dst)
        pdfs = soffice_pdf(staged, tmp / "pdf")
        return [first_page_png(p, out_dir / f"{p.stem}.png") for p in pdfs]
