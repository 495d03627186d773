"""Templates sent out (下发): what each records about itself, and never overwriting one that
was changed after targetbook wrote it.

A template records, as custom document properties, the campaign, the unit it is made for, the
phase (年初/年中/年终) and when it was issued: the reader takes them back (read/_sniff.py),
so a return made from one unit's template cannot speak for another unit, and a saved time
before the template was issued is not believed.

The folder keeps `.targetbook-templates.json`: the SHA-256 of every template written there.
A template whose bytes no longer match (a colleague edited it, or it was never ours) is
never overwritten unless forced, and then it is first kept under 历史/<time>/.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from targetbook import labels as L
from targetbook.beijing import OFFSET, from_utc
from targetbook.errors import TargetbookError
from targetbook.outputs import TEMP_PREFIX, keep_previous, remove_stale_temps, writing

SHOW_CHANGED = 5  # changed templates named in the message; the rest are counted


def issued_properties(*, campaign: str, phase: str, when: datetime | None = None) -> dict[str, str]:
    """The custom document properties of templates issued now (or at naive-UTC `when`)."""
    when = when or datetime.now(UTC).replace(tzinfo=None)
    local = from_utc(when).replace(microsecond=0)
    hours = int(OFFSET.total_seconds()) // 3600
    return {
        L.PROP_CAMPAIGN: campaign,
        L.PROP_PHASE: phase,
        L.PROP_ISSUED: f"{local.isoformat()}+{hours:02d}:00",
    }


def campaign_name(town: str | None, year: int | str) -> str:
    """南桐镇2022年度 (the town may be unknown: 2022年度)."""
    return L.CAMPAIGN_NAME.format(town=town or "", year=year)


def sha256(path: Path) -> str:
    """SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_manifest(folder: Path) -> dict[str, str]:
    """{file name: SHA-256} of the templates targetbook wrote into `folder` ({} if none)."""
    try:
        data = json.loads((folder / L.TEMPLATE_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _save_manifest(folder: Path, manifest: dict[str, str]) -> None:
    from targetbook.write.atomic import atomic_path

    with atomic_path(folder / L.TEMPLATE_MANIFEST) as tmp:
        text = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True)
        tmp.write_text(text, encoding="utf-8")


def changed_templates(folder: Path, names: list[str]) -> list[str]:
    """Of `names`, the files in `folder` that differ from what targetbook wrote there."""
    manifest = load_manifest(folder)
    changed = []
    for name in names:
        path = folder / name
        if path.exists() and sha256(path) != manifest.get(name):
            changed.append(name)
    return changed


def issue_templates(
    write: Callable[[Path], list], out_dir: str | Path, *, force: bool = False
) -> list[Path]:
    """Run `write(folder)` into a staging folder, then move its templates into `out_dir`.

    A template already in `out_dir` that differs from what targetbook wrote there stops the
    whole job (TargetbookError `template_changed`, exit 2, nothing written), unless `force`:
    then it is kept under `out_dir`/历史/<time>/ before it is replaced."""
    out = Path(out_dir)
    with writing(out, keep=False):
        out.mkdir(parents=True, exist_ok=True)
        remove_stale_temps(out)
        staging = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", dir=out))
        try:
            made = [Path(p) for p in write(staging)]
            names = [str(p.relative_to(staging)) for p in made]
            changed = changed_templates(out, names)
            if changed and not force:
                shown = L.LIST_SEP.join(changed[:SHOW_CHANGED])
                more = len(changed) - SHOW_CHANGED
                raise TargetbookError(
                    "template_changed",
                    path=str(out),
                    files=shown + (L.MORE_FILES.format(n=more) if more > 0 else ""),
                )
            manifest = load_manifest(out)
            when = datetime.now(UTC).replace(tzinfo=None)
            final = []
            for src, name in zip(made, names, strict=True):
                dest = out / name
                if name in changed:
                    keep_previous(dest, when)
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.replace(src, dest)
                manifest[name] = sha256(dest)
                final.append(dest)
            _save_manifest(out, manifest)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return final
