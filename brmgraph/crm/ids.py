"""Id rules of CRM exports.

Salesforce ids come in two forms: 15 characters, case-sensitive (reports, the UI), and
18 characters, case-insensitive (the API, Data Loader, Data Export). The 3 extra
characters encode which of the first 15 are upper-case letters, 5 characters per
suffix character. brmgraph always stores the 18-character form, so a 15-character
export and an 18-character one land on the same records.

>>> salesforce_id("001A0000006Vm9r")
'001A0000006Vm9rIAC'
>>> salesforce_id("001a0000006vm9rIAC")  # 18 characters: case restored from the suffix
'001A0000006Vm9rIAC'
"""

from __future__ import annotations

import re

_SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_SF = re.compile(r"^[0-9A-Za-z]{15}([0-9A-Za-z]{3})?$")


def salesforce_suffix(id15: str) -> str:
    """The 3 checksum characters of a 15-character Salesforce id."""
    out = []
    for start in (0, 5, 10):
        bits = 0
        for i, ch in enumerate(id15[start : start + 5]):
            if "A" <= ch <= "Z":
                bits |= 1 << i
        out.append(_SUFFIX[bits])
    return "".join(out)


def salesforce_id(text: str) -> str:
    """The canonical 18-character form of a 15- or 18-character Salesforce id; raises
    ValueError for anything else."""
    t = text.strip()
    if not _SF.match(t):
        raise ValueError(f"{text!r} is not a Salesforce id (15 or 18 letters and digits)")
    if len(t) == 15:
        return t + salesforce_suffix(t)
    suffix = t[15:].upper()
    flags: list[bool] = []
    for ch in suffix:
        n = _SUFFIX.index(ch)
        flags.extend(bool(n >> i & 1) for i in range(5))
    base = "".join(c.upper() if up else c.lower() for c, up in zip(t[:15], flags))
    if salesforce_suffix(base) != suffix:  # pragma: no cover - consistent by construction
        raise ValueError(f"{text!r} has an inconsistent checksum")
    for c, up in zip(t[:15], flags):
        if c.isdigit() and up:
            raise ValueError(f"{text!r}: its last 3 characters do not match the first 15 (checksum)")
    return base + suffix


def guid_id(text: str) -> str:
    """A Dataverse / Dynamics GUID: case-insensitive, braces optional → lower case."""
    return text.strip().strip("{}").lower()


def text_id(text: str) -> str:
    return text.strip()


ID_RULES = {"salesforce": salesforce_id, "guid": guid_id, "text": text_id}
