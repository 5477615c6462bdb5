"""Synthetic data sets in the docs/spec.md §3 input format, written as a stream.

``generate(out, customers=N, persons_per=M, employees=E, competitors=K, ...)`` writes one
JSON document with the eight sections of the input format. It never holds the data set
in memory: each customer is generated on its own (from a random generator seeded by
``(seed, customer index)``) and its records are appended to one spool file per section;
the spool files are then copied into the output, section by section. Memory therefore
depends on the size of one customer (plus the employee and competitor-staff id lists),
not on N: 250k key persons and ~1M arcs take a few MB.

What a generated customer looks like:

* an org chart: a head (总经理 / President), one or two deputies, departments chosen from
  the customer's industry, each with a head reporting to the head or a deputy and
  members reporting to an earlier member of the same department (a tree, so no cycle);
* the seven features with realistic mixes (heads more often veto holders, many
  ``unknown`` values lower down);
* internal influence, mostly within a department or towards superiors, plus a 3-cycle;
* an account team of our employees (from the team of the customer's industry plus a
  solutions engineer) with external influence edges, and interactions of every depth
  over the last three years (relative to ``today``, default 2026-11-23);
* the staff of the competitors active at the customer with their own influence edges;
* ``projects_per`` projects: every third one (index 2, 5, ...) is won or lost, the others
  open; each has a decision chain of distinct key persons of the customer with roles
  (decision_maker, approver, technical_evaluator, user, procurement) and 0-2 competitors.

The output obeys every import rule of docs/spec.md §3: ids are unique across kinds (prefixes C, P,
E, K, S, J), ``reports_to`` stays within the customer and is acyclic, internal influence
stays within the customer, there are no self-loops and no duplicate (source, target)
pairs, decision-chain members belong to the project's customer, and interactions are
distinct. The same arguments and seed give the same bytes.

>>> import io
>>> buf = io.StringIO()
>>> s = generate(buf, customers=2, persons_per=5, employees=3, competitors=1, staff_per=2, seed=7)
>>> s.counts["customers"], s.counts["key_persons"], s.counts["competitor_staff"]
(2, 10, 2)
>>> import json; sorted(json.loads(buf.getvalue())) == sorted(SECTIONS)
True
"""

from __future__ import annotations

import bisect
import codecs
import contextlib
import io
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import IO, Any

__all__ = ["SECTIONS", "GenerateSummary", "generate", "arcs_estimate"]

SECTIONS = (
    "customers",
    "key_persons",
    "employees",
    "competitors",
    "competitor_staff",
    "influences",
    "projects",
    "interactions",
)

DEFAULT_TODAY = date(2026, 11, 23)

# --------------------------------------------------------------------------- vocabularies
_SURNAMES = [
    ("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"), ("杨", "Yang"),
    ("黄", "Huang"), ("赵", "Zhao"), ("吴", "Wu"), ("周", "Zhou"), ("徐", "Xu"), ("孙", "Sun"),
    ("马", "Ma"), ("朱", "Zhu"), ("胡", "Hu"), ("郭", "Guo"), ("何", "He"), ("高", "Gao"),
    ("林", "Lin"), ("罗", "Luo"), ("郑", "Zheng"), ("梁", "Liang"), ("谢", "Xie"), ("宋", "Song"),
    ("唐", "Tang"), ("许", "Xu"), ("韩", "Han"), ("冯", "Feng"), ("邓", "Deng"), ("曹", "Cao"),
]
_GIVEN = [
    ("伟", "Wei"), ("芳", "Fang"), ("娜", "Na"), ("敏", "Min"), ("静", "Jing"), ("丽", "Li"),
    ("强", "Qiang"), ("磊", "Lei"), ("军", "Jun"), ("洋", "Yang"), ("勇", "Yong"), ("艳", "Yan"),
    ("杰", "Jie"), ("涛", "Tao"), ("明", "Ming"), ("超", "Chao"), ("霞", "Xia"), ("平", "Ping"),
    ("刚", "Gang"), ("华", "Hua"), ("慧", "Hui"), ("宇", "Yu"), ("欣", "Xin"), ("晨", "Chen"),
    ("琳", "Lin"), ("浩", "Hao"), ("婷", "Ting"), ("斌", "Bin"), ("凯", "Kai"), ("雪", "Xue"),
]
_SYLLABLES = [
    ("华", "Hua"), ("信", "xin"), ("康", "Kang"), ("仁", "ren"), ("金", "Jin"), ("鼎", "ding"),
    ("天", "Tian"), ("瑞", "rui"), ("恒", "Heng"), ("泰", "tai"), ("安", "An"), ("盛", "sheng"),
    ("中", "Zhong"), ("海", "hai"), ("宏", "Hong"), ("达", "da"), ("东", "Dong"), ("方", "fang"),
    ("新", "Xin"), ("源", "yuan"), ("永", "Yong"), ("昌", "chang"), ("远", "Yuan"), ("航", "hang"),
]

# industry key -> (Chinese suffix, English suffix, head title, departments)
_INDUSTRIES: list[tuple[str, str, str, str, list[str]]] = [
    ("banking", "银行", "Bank", "President",
     ["IT", "Risk", "Retail Banking", "Corporate Banking", "Finance", "Procurement", "Operations", "Compliance"]),
    ("healthcare", "医疗集团", "Hospital Group", "President",
     ["Medical Affairs", "Information Center", "Nursing", "Clinical", "Finance", "Procurement", "Quality"]),
    ("manufacturing", "重工", "Heavy Industries", "General Manager",
     ["Production", "Technology", "Supply Chain", "Quality", "Finance", "Procurement", "HR"]),
    ("retail", "商业集团", "Retail Group", "CEO",
     ["Merchandising", "E-commerce", "Stores", "Logistics", "Finance", "Procurement", "IT"]),
    ("energy", "能源", "Energy", "General Manager",
     ["Generation", "Grid Operations", "Safety", "IT", "Finance", "Procurement", "HR"]),
    ("insurance", "保险", "Insurance", "CEO",
     ["Underwriting", "Claims", "Actuarial", "IT", "Finance", "Procurement", "Channels"]),
]
_TEAM_OF = {
    "banking": "Finance", "insurance": "Finance", "healthcare": "Healthcare",
    "manufacturing": "Manufacturing", "energy": "Energy", "retail": "Retail",
}
_ACCOUNT_TEAMS = ["Finance", "Healthcare", "Manufacturing", "Energy", "Retail"]
_COMPETITOR_NAMES = [
    ("天穹软件", "Tianqiong Software"), ("北辰系统", "Beichen Systems"), ("云图科技", "Yuntu Tech"),
    ("博远信息", "Boyuan Information"), ("致远数智", "Zhiyuan Digital"), ("汇通软件", "Huitong Software"),
    ("星河云", "Xinghe Cloud"), ("蓝鲸数据", "Lanjing Data"),
]
_PROJECT_NAMES = [
    ("核心系统升级", "Core system upgrade"), ("数据平台", "Data platform"), ("客户管理", "CRM rollout"),
    ("供应链协同", "Supply chain suite"), ("智能风控", "Risk analytics"), ("移动办公", "Mobile workplace"),
    ("财务共享中心", "Finance shared service"), ("安全合规", "Security & compliance"),
]
_STAGES_OPEN = ["qualification", "proposal", "evaluation", "negotiation"]
_CHAIN_ROLES = ["decision_maker", "approver", "technical_evaluator", "user", "procurement", "user", "technical_evaluator"]

_CLOSENESS = (["unknown", "neutral", "support", "strong_support", "oppose", "strong_oppose"], [20, 33, 22, 8, 12, 5])
_ACCEPTANCE = (["unknown", "neutral", "support", "strong_support", "oppose", "strong_oppose"], [35, 30, 18, 5, 9, 3])
_STRENGTH = (["strong", "medium", "weak"], [25, 45, 30])
_KINDS_BY_DEPTH = {
    1: ["greeting", "like"],
    2: ["visit", "meeting"],
    3: ["business consultation", "technical consultation"],
    4: ["family consultation", "career consultation"],
    5: ["friend", "mentor"],
}
_DEPTH = {
    "strong": ([1, 2, 3, 4, 5], [10, 30, 30, 18, 12]),
    "medium": ([1, 2, 3, 4, 5], [20, 40, 30, 8, 2]),
    "weak": ([1, 2, 3, 4, 5], [45, 40, 13, 2, 0]),
}
_N_INTERACTIONS = ([0, 1, 2, 3, 4], [15, 35, 25, 15, 10])
_VETO_HEAD = (["yes", "unknown"], [85, 15])
_APPROVER_HEAD = (["yes", "unknown", "no"], [60, 25, 15])
_VETO_SENIOR = (["yes", "no", "unknown"], [18, 52, 30])
_APPROVER_SENIOR = (["yes", "no", "unknown"], [3, 67, 30])
_VETO_OTHER = (["yes", "no", "unknown"], [2, 60, 38])
_APPROVER_OTHER = (["no", "unknown"], [62, 38])
_TIER = (["A", "B", "C", "D", ""], [15, 30, 30, 15, 10])


# --------------------------------------------------------------------------- writing
class _SectionSpool:
    """One spool file per section; records are appended as compact UTF-8 JSON lines."""

    CHUNK = 1 << 16

    def __init__(self, directory: str) -> None:
        self.dir = directory
        self.files: dict[str, IO[bytes]] = {}
        self.counts: dict[str, int] = {s: 0 for s in SECTIONS}
        for s in SECTIONS:
            self.files[s] = open(os.path.join(directory, f"{s}.jsonl"), "w+b")
        self._dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

    def add(self, section: str, rec: dict[str, Any]) -> None:
        if self.counts[section]:
            self.files[section].write((",\n" + self._dumps(rec)).encode("utf-8"))
        else:
            self.files[section].write(self._dumps(rec).encode("utf-8"))
        self.counts[section] += 1

    def copy_to(self, write: Callable[[bytes], Any]) -> None:
        """Write the JSON document, section by section, in small chunks."""
        write(b"{\n")
        for n, s in enumerate(SECTIONS):
            f = self.files[s]
            f.flush()
            f.seek(0)
            write(f'"{s}": [\n'.encode())
            while chunk := f.read(self.CHUNK):
                write(chunk)
            write(b"\n]" + (b",\n" if n < len(SECTIONS) - 1 else b"\n"))
        write(b"}\n")

    def close(self) -> None:
        for f in self.files.values():
            f.close()


@dataclass
class GenerateSummary:
    """What was written: records per section, arcs (docs/spec.md §4.2) and open projects."""

    counts: dict[str, int]
    arcs: int = 0
    open_projects: int = 0
    seconds: float = 0.0
    out: str = ""

    @property
    def records(self) -> int:
        return sum(self.counts.values())

    def as_dict(self) -> dict[str, Any]:
        return {"out": self.out, "counts": self.counts, "records": self.records, "arcs": self.arcs,
                "open_projects": self.open_projects, "seconds": round(self.seconds, 2)}


def arcs_estimate(customers: int, persons_per: int) -> int:
    """Rough number of arcs (docs/spec.md §4.2) a generated data set has, for sizing benchmarks."""
    return customers * (2 * max(persons_per - 1, 0) + 2 * persons_per)


# --------------------------------------------------------------------------- generating
def _width(n: int) -> int:
    return max(len(str(max(n, 1))), 1)


def _name(rng: random.Random) -> str:
    zs, es = rng.choice(_SURNAMES)
    g1, e1 = rng.choice(_GIVEN)
    if rng.random() < 0.55:
        g2, e2 = rng.choice(_GIVEN)
        return f"{zs}{g1}{g2} {es} {e1}{e2.lower()}"
    return f"{zs}{g1} {es} {e1}"


@dataclass
class _Globals:
    employees: list[str]
    team_members: dict[str, list[str]]
    solutions: list[str]
    leadership: list[str]
    competitors: list[str]
    staff_of: dict[str, list[str]] = field(default_factory=dict)


def _employees(spool: _SectionSpool, n: int, rng: random.Random) -> _Globals:
    w = _width(n)
    ids = [f"E{i + 1:0{w}d}" for i in range(n)]
    team_members: dict[str, list[str]] = {t: [] for t in _ACCOUNT_TEAMS}
    solutions: list[str] = []
    leadership: list[str] = []
    n_lead = n // 20 if n >= 10 else 0
    n_sol = n // 5 if n >= 5 else 0
    for i, eid in enumerate(ids):
        if i < n_lead:
            team, title = "Leadership", rng.choice(["VP Sales", "Regional Director", "Sales Director"])
            leadership.append(eid)
        elif i < n_lead + n_sol:
            team = "Solutions"
            title = rng.choice(["Presales Engineer", "Solution Architect", "Customer Success Manager"])
            solutions.append(eid)
        else:
            team = _ACCOUNT_TEAMS[(i - n_lead - n_sol) % len(_ACCOUNT_TEAMS)]
            title = rng.choice(["Account Manager", "Account Manager", "Account Director"])
            team_members[team].append(eid)
        spool.add("employees", {"id": eid, "name": _name(rng), "team": team, "title": title})
    return _Globals(ids, team_members, solutions, leadership, [])


def _competitors(spool: _SectionSpool, g: _Globals, k: int, staff_per: int, rng: random.Random) -> None:
    wk = _width(k)
    ws = _width(k * staff_per)
    n = 0
    for i in range(k):
        kid = f"K{i + 1:0{wk}d}"
        zh, en = _COMPETITOR_NAMES[i % len(_COMPETITOR_NAMES)]
        suffix = "" if i < len(_COMPETITOR_NAMES) else f" {i // len(_COMPETITOR_NAMES) + 1}"
        spool.add("competitors", {"id": kid, "name": f"{zh} {en}{suffix}"})
        g.competitors.append(kid)
        g.staff_of[kid] = []
    for i in range(k):
        kid = g.competitors[i]
        for _ in range(staff_per):
            n += 1
            sid = f"S{n:0{ws}d}"
            g.staff_of[kid].append(sid)
            spool.add("competitor_staff", {"id": sid, "name": _name(rng), "competitor": kid})


_CUM: dict[int, tuple[list[Any], list[float], float]] = {}


def _pick(rng: random.Random, table: tuple[list[Any], list[int]]) -> Any:
    """Weighted choice (like ``rng.choices(*table)[0]``, cheaper: cumulative weights cached)."""
    cum = _CUM.get(id(table))
    if cum is None:
        acc, total = [], 0.0
        for w in table[1]:
            total += w
            acc.append(total)
        cum = _CUM[id(table)] = (list(table[0]), acc, total)
    values, acc, total = cum
    return values[bisect.bisect_right(acc, rng.random() * total, 0, len(acc) - 1)]


class _Customer:
    """Generates one customer; all its records go straight to the spool."""

    def __init__(self, idx: int, persons_per: int, projects_per: int, g: _Globals, seed: Any,
                 widths: tuple[int, int, int], today: date) -> None:
        self.rng = random.Random(f"{seed}:customer:{idx}")
        wc, wp, wj = widths
        self.cid = f"C{idx + 1:0{wc}d}"
        self.pids = [f"P{idx * persons_per + i + 1:0{wp}d}" for i in range(persons_per)]
        self.jids = [f"J{idx * projects_per + i + 1:0{wj}d}" for i in range(projects_per)]
        self.g = g
        self.today = today
        self.arcs = 0
        self.open_projects = 0
        self.seen: set[tuple[str, str, str, str]] = set()

    def write(self, spool: _SectionSpool) -> None:
        rng = self.rng
        ind, zh_suffix, en_suffix, head_title, all_depts = rng.choice(_INDUSTRIES)
        (z1, e1), (z2, e2) = rng.sample(_SYLLABLES, 2)
        spool.add("customers", {
            "id": self.cid, "name": f"{z1}{z2}{zh_suffix} {e1.capitalize()}{e2.lower()} {en_suffix}", "industry": ind,
            "tier": _pick(rng, _TIER),
            "attrs": {"region": rng.choice(["East", "North", "South", "West", "Central"])},
        })
        pids = self.pids
        m = len(pids)
        if m == 0:
            self._projects(spool, [], [], {})
            return
        # ---- org chart: head, deputies, departments (heads, then members)
        n_deps = min(len(all_depts), max(1, (m - 1) // 6)) if m > 2 else 0
        depts = rng.sample(all_depts, n_deps) if n_deps else []
        n_deputies = 0 if m < 4 else (1 if m < 12 else 2)
        dept_of: dict[str, str] = {pids[0]: "Executive"}
        boss: dict[str, str | None] = {pids[0]: None}
        level: dict[str, int] = {pids[0]: 0}
        titles: dict[str, str] = {pids[0]: head_title}
        seniors = [pids[0]]
        members_of: dict[str, list[str]] = {d: [] for d in depts}
        i = 1
        for _ in range(n_deputies):
            if i >= m:
                break
            p = pids[i]
            dept_of[p], boss[p], level[p] = "Executive", pids[0], 1
            titles[p] = rng.choice(["Executive Vice President", "Deputy General Manager", "Vice President"])
            seniors.append(p)
            i += 1
        execs = pids[:i]
        for d in depts:
            if i >= m:
                break
            p = pids[i]
            dept_of[p], boss[p], level[p] = d, rng.choice(execs), 1 if len(execs) == 1 else 2
            titles[p] = f"Head of {d}"
            seniors.append(p)
            members_of[d].append(p)
            i += 1
        for p in pids[i:]:
            if depts:
                d = rng.choice(depts)
                sup = rng.choice(members_of[d][:8]) if members_of[d] else pids[0]
                members_of[d].append(p)
            else:
                d, sup = "Executive", rng.choice(pids[: pids.index(p)])
            dept_of[p], boss[p], level[p] = d, sup, level[sup] + 1
            titles[p] = rng.choice(["Manager", "Senior Manager", "Specialist", "Engineer", "Analyst", "Lead"])
            titles[p] = f"{d} {titles[p]}"
        for p in pids:
            self._person(spool, p, dept_of[p], titles[p], boss[p], level[p], is_head=(p == pids[0]))
        self.arcs += 2 * sum(1 for p in pids if boss[p])

        # ---- internal influence (cycles included), no self-loops, no duplicate pairs
        pairs: set[tuple[str, str]] = set()

        def influence(s: str, t: str, strength: str | None = None) -> bool:
            if s == t or (s, t) in pairs:
                return False
            pairs.add((s, t))
            spool.add("influences", {"source": s, "target": t, "strength": strength or _pick(rng, _STRENGTH)})
            self.arcs += 1
            return True

        if m >= 3:
            a, b, c = rng.sample(pids, 3)
            for s, t in ((a, b), (b, c), (c, a)):
                influence(s, t)
        for _ in range(m - 3 if m >= 3 else m - 1):
            s = rng.choice(pids)
            r = rng.random()
            superior = boss[s]
            if r < 0.45 and superior:
                t = superior  # towards a superior (and sometimes a skip level)
                above = boss[t]
                if rng.random() < 0.3 and above:
                    t = above
            elif r < 0.8 and dept_of[s] in members_of and len(members_of[dept_of[s]]) > 1:
                t = rng.choice(members_of[dept_of[s]])
            else:
                t = rng.choice(pids)
            influence(s, t)

        # ---- our account team and its edges, with interactions
        g = self.g
        pool = g.team_members.get(_TEAM_OF.get(ind, ""), []) or [e for v in g.team_members.values() for e in v]
        team: list[str] = []
        if pool:
            team += rng.sample(pool, min(len(pool), rng.randint(2, 4)))
        if g.solutions:
            team.append(rng.choice(g.solutions))
        if g.leadership and rng.random() < 0.15:
            team.append(rng.choice(g.leadership))
        if not team and g.employees:
            team.append(rng.choice(g.employees))
        team = sorted(set(team))
        n_ours = max(1, round(0.7 * m)) if team else 0
        for k in range(n_ours):
            e = team[k % len(team)]
            # heads and seniors are more often reached directly; some never are
            t = rng.choice(seniors) if rng.random() < 0.25 else rng.choice(pids)
            strength = _pick(rng, _STRENGTH)
            if influence(e, t, strength):
                self._interactions(spool, e, t, strength)
        # a few interactions without an influence edge (met once, no relationship yet)
        for _ in range(m // 10):
            if team:
                self._interactions(spool, rng.choice(team), rng.choice(pids), "weak", at_most=1)

        # ---- competitors active here, their staff and edges
        bidding: dict[str, list[str]] = {}
        if g.competitors:
            active = rng.sample(g.competitors, min(len(g.competitors), rng.randint(1, 2)))
            n_theirs = max(1, round(0.35 * m))
            staff = [s for k in active for s in rng.sample(g.staff_of[k], min(len(g.staff_of[k]), rng.randint(1, 3)))]
            if staff:
                for _ in range(n_theirs):
                    t = rng.choice(seniors) if rng.random() < 0.35 else rng.choice(pids)
                    influence(rng.choice(staff), t)
            bidding = {k: [] for k in active}
        self._projects(spool, seniors, pids, bidding)

    def _person(self, spool: _SectionSpool, p: str, dept: str, title: str, boss: str | None, level: int,
                is_head: bool) -> None:
        rng = self.rng
        senior = level <= 1 or title.startswith("Head of")
        if is_head:
            veto, approver = _pick(rng, _VETO_HEAD), _pick(rng, _APPROVER_HEAD)
        elif senior:
            veto, approver = _pick(rng, _VETO_SENIOR), _pick(rng, _APPROVER_SENIOR)
        else:
            veto, approver = _pick(rng, _VETO_OTHER), _pick(rng, _APPROVER_OTHER)
        rec: dict[str, Any] = {
            "id": p, "customer": self.cid, "name": _name(rng), "title": title, "department": dept,
            "closeness": _pick(rng, _CLOSENESS),
            "solution_acceptance": _pick(rng, _ACCEPTANCE),
            "price_acceptance": _pick(rng, _ACCEPTANCE),
            "veto": veto, "approver": approver,
        }
        if boss:
            rec["reports_to"] = boss
        spool.add("key_persons", rec)

    def _interactions(self, spool: _SectionSpool, e: str, p: str, strength: str, at_most: int = 4) -> None:
        rng = self.rng
        n = min(_pick(rng, _N_INTERACTIONS), at_most)
        if not n:
            return
        days = sorted(rng.sample(range(0, 3 * 365), n), reverse=True)
        for d in days:
            depth = _pick(rng, _DEPTH[strength])
            rec = {"employee": e, "person": p, "date": (self.today - timedelta(days=d)).isoformat(),
                   "kind": rng.choice(_KINDS_BY_DEPTH[depth])}
            key = (e, p, rec["date"], rec["kind"])
            if key not in self.seen:
                self.seen.add(key)
                spool.add("interactions", rec)

    def _projects(self, spool: _SectionSpool, seniors: list[str], pids: list[str], bidding: dict[str, list[str]]) -> None:
        rng = self.rng
        for k, jid in enumerate(self.jids):
            is_open = k % 3 != 2
            status = "open" if is_open else rng.choice(["won", "lost"])
            if is_open:
                self.open_projects += 1
                close = self.today + timedelta(days=rng.randint(20, 400))
                stage = rng.choice(_STAGES_OPEN)
            else:
                close = self.today - timedelta(days=rng.randint(30, 3 * 365))
                stage = "closed"
            chain: list[dict[str, str]] = []
            if pids:
                size = min(len(pids), rng.randint(3, 6))
                members = [rng.choice(seniors)] if seniors else []
                rest = [p for p in rng.sample(pids, min(len(pids), size + 1)) if p not in members]
                members += rest[: size - len(members)]
                for n, p in enumerate(members):
                    chain.append({"person": p, "role": _CHAIN_ROLES[n % len(_CHAIN_ROLES)]})
            comps = sorted(rng.sample(sorted(bidding), rng.randint(0, len(bidding)))) if bidding else []
            zh, en = rng.choice(_PROJECT_NAMES)
            spool.add("projects", {
                "id": jid, "customer": self.cid, "name": f"{zh} {en}", "status": status, "stage": stage,
                "amount": rng.randint(2, 120) * 50000, "close_date": close.isoformat(),
                "decision_chain": chain, "competitors": comps,
            })


def generate(
    out: str | os.PathLike[str] | IO[str],
    *,
    customers: int,
    persons_per: int,
    employees: int,
    competitors: int,
    staff_per: int = 10,
    projects_per: int = 3,
    seed: Any = 0,
    today: date = DEFAULT_TODAY,
    progress: Callable[[int, int], None] | None = None,
    tmpdir: str | None = None,
) -> GenerateSummary:
    """Write a synthetic data set to ``out`` (a path, ``"-"`` for stdout, or a text stream).

    ``progress(done, total)`` is called every few customers. Spool files go to ``tmpdir``
    (default: next to ``out`` when it is a path, else the system temporary folder).
    """
    for name, v in (("customers", customers), ("persons_per", persons_per), ("employees", employees),
                    ("competitors", competitors), ("staff_per", staff_per), ("projects_per", projects_per)):
        if v < 0:
            from .errors import BadArgument

            raise BadArgument(f"{name} must be >= 0, not {v}")
    t0 = time.perf_counter()
    target: str | None = None
    if isinstance(out, (str, os.PathLike)) and str(out) != "-":
        target = str(out)
        if tmpdir is None:
            tmpdir = str(Path(target).resolve().parent)
    try:
        return _generate(out, target, tmpdir, customers, persons_per, employees, competitors, staff_per,
                         projects_per, seed, today, progress, t0)
    except OSError as exc:
        if target is not None:
            with contextlib.suppress(OSError):
                os.remove(target + ".part")
        if isinstance(exc, BrokenPipeError):
            raise
        from .errors import CannotWrite, escaped, os_error_text

        where = escaped(target, 300) if target is not None else "the output"
        raise CannotWrite(
            f"cannot write {where}: {os_error_text(exc)}; nothing was written (free some space, "
            "or choose another file)"
        ) from None


def _generate(out: Any, target: str | None, tmpdir: str | None, customers: int, persons_per: int, employees: int,
              competitors: int, staff_per: int, projects_per: int, seed: Any, today: date,
              progress: Callable[[int, int], None] | None, t0: float) -> GenerateSummary:
    with tempfile.TemporaryDirectory(prefix="brmgen-", dir=tmpdir) as spool_dir:
        spool = _SectionSpool(spool_dir)
        try:
            grng = random.Random(f"{seed}:globals")
            g = _employees(spool, employees, grng)
            _competitors(spool, g, competitors, staff_per, grng)
            widths = (_width(customers), _width(customers * persons_per), _width(customers * projects_per))
            arcs = opened = 0
            step = max(1, customers // 200)
            for idx in range(customers):
                c = _Customer(idx, persons_per, projects_per, g, seed, widths, today)
                c.write(spool)
                arcs += c.arcs
                opened += c.open_projects
                if progress and (idx % step == 0 or idx == customers - 1):
                    progress(idx + 1, customers)
            if target is None:
                stream: Any = sys.stdout if not hasattr(out, "write") else out
                stream.flush()
                buffer = getattr(stream, "buffer", None)
                if buffer is not None:  # a real text stream: write its bytes
                    spool.copy_to(buffer.write)
                    buffer.flush()
                elif isinstance(stream, io.TextIOBase) or not isinstance(stream, io.RawIOBase | io.BufferedIOBase):
                    decoder = codecs.getincrementaldecoder("utf-8")()
                    spool.copy_to(lambda b: stream.write(decoder.decode(b)))
                    stream.flush()
                else:
                    spool.copy_to(stream.write)
            else:
                part = target + ".part"
                with open(part, "wb") as f:
                    spool.copy_to(f.write)
                os.replace(part, target)
            counts = dict(spool.counts)
        finally:
            spool.close()
    return GenerateSummary(counts=counts, arcs=arcs, open_projects=opened, seconds=time.perf_counter() - t0,
                           out=target or "-")
