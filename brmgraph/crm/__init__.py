"""Data from real CRMs: declarative profiles map a CRM's export files to brmgraph records.

``brmgraph import DIR --profile salesforce|dynamics365|hubspot|PROFILE.yaml`` calls
:func:`import_crm`. A profile import owns only the fields its profile maps: every other
field of a stored record (an analyst's stances, veto, approver, an influence's strength)
keeps its stored value. See ``docs/crm.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..dataset import ImportReport, import_mapped
from ..store.base import ImportSummary, Store
from .ids import salesforce_id, salesforce_suffix
from .mapping import Mapped, files_of, map_folder
from .profile import BUNDLED, Profile, load_profile

__all__ = [
    "BUNDLED",
    "Mapped",
    "Profile",
    "export_size",
    "import_crm",
    "load_profile",
    "map_folder",
    "salesforce_id",
    "salesforce_suffix",
]


def export_size(profile: Profile, folder: Path | str) -> int:
    """Bytes of the export files the profile reads (for a progress bar)."""
    folder = Path(folder)
    if not folder.is_dir():
        return 0
    return sum(p.stat().st_size for _e, paths in files_of(profile, folder) for p in paths)


def import_crm(
    store: Store, folder: Path | str, profile: Profile | str, progress: Callable[[int], None] | None = None
) -> ImportReport:
    """Map ``folder`` with ``profile`` and import it, all or nothing; the report says what
    was created, updated, skipped (deleted rows, records that cannot be placed, these
    with a located note) and stubbed (missing owners)."""
    prof = load_profile(profile) if isinstance(profile, str) else profile
    mapped = map_folder(prof, folder, progress, stored=lambda: store.id_index().kind)
    report = ImportReport(
        ImportSummary(counts={}),
        skipped=dict(mapped.skipped),
        stubbed=list(mapped.stubbed),
        notes=[n.as_dict() for n in mapped.notes],
    )
    return import_mapped(store, mapped.raw, mapped.owned, mapped.soft, report, set(mapped.stubbed))
