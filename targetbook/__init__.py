"""targetbook: township target management (创先争优) — read, validate, consolidate, rank, report.

The public API is re-exported here. Names are resolved lazily (PEP 562) so that
`import targetbook` and the command line start fast: pandas and pandera are imported only
by the stages that need them.

The pure stage functions named like their modules (`consolidate`, `score`, `rank`) are not
re-exported: importing a submodule binds its name on the package, so `targetbook.rank`
could not reliably be both. Import them from their modules
(`from targetbook.consolidate import consolidate`).
"""

from __future__ import annotations

import importlib

from targetbook.errors import Issue, TargetbookError

__version__ = "0.1.0"

# public name → module that defines it
_EXPORTS: dict[str, str] = {
    # read
    "Table": "targetbook.read",
    "Source": "targetbook.read",
    "find_returns": "targetbook.read",
    "read_return": "targetbook.read",
    "read_returns": "targetbook.read",
    "read_grids": "targetbook.read",
    "iter_returns": "targetbook.read",
    # registry
    "Unit": "targetbook.registry",
    "Registry": "targetbook.registry",
    "load_registry": "targetbook.write.registry",
    "registry_from_frame": "targetbook.registry",
    # validate / consolidate
    "validate_tables": "targetbook.validate",
    "Consolidation": "targetbook.results",
    "Duplicate": "targetbook.results",
    "load_consolidation": "targetbook.write.consolidation",
    # write
    "write_consolidation": "targetbook.write",
    "write_templates": "targetbook.write",
    "write_ranking": "targetbook.write.ranking",
    "load_ranking": "targetbook.write.ranking",
    # targets
    "Target": "targetbook.targets",
    "Actual": "targetbook.targets",
    "parse_target": "targetbook.targets",
    "parse_targets_frame": "targetbook.targets",
    "judge": "targetbook.targets",
    # rules / score / rank
    "Rules": "targetbook.rules",
    "Records": "targetbook.rules",
    "load_rules": "targetbook.write.rules",
    "rules_from_frames": "targetbook.rules",
    "load_scores": "targetbook.write.rules",
    "records_from_frames": "targetbook.rules",
    "Scores": "targetbook.results",
    "Ranking": "targetbook.results",
    "Campaign": "targetbook.results",
    # pipeline (the whole jobs)
    "check_returns": "targetbook.pipeline",
    "consolidate_returns": "targetbook.pipeline",
    "rank_campaign": "targetbook.pipeline",
    "rank_files": "targetbook.pipeline",
    "publish": "targetbook.pipeline",
    "init_campaign": "targetbook.pipeline",
    # report
    "render_report": "targetbook.report",
    # demo
    "run_demo": "targetbook.demo",
}

__all__ = ["Issue", "TargetbookError", "__version__", *_EXPORTS]


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'targetbook' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
