"""Synthetic spec files and a matching live snapshot, for the benchmarks.

E entities x C connections x F fields, with a chosen share of drifted items of every kind
(connection missing / unexpected / changed, field missing / unexpected / changed), harmless
noise that must *not* be reported (server-managed attributes, live-only optional attributes,
groups in another order), shuffled order on both sides, and a deterministic seed.

The spec side is written as block-style YAML like a real repository (several files per
entity); the live side goes through ``driftcheck.live.snapshot.write_snapshot``. ``expected.json``
records how many drift items of each kind a correct check reports, so a fast wrong answer
cannot pass the benchmark.

Usage::

    python benchmarks/generate.py OUT_DIR --connections 200 --fields 50 --drift 0.01
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ENTITIES = ("users", "accounts")  # the only entities the spec schema accepts
# fmt: off
WORDS = (
    "account", "arr", "billing", "churn", "cohort", "country", "customer", "device", "email",
    "engagement", "feature", "growth", "health", "industry", "invoice", "language", "lifetime",
    "market", "onboarding", "owner", "plan", "platform", "region", "renewal", "revenue",
    "segment", "seats", "signup", "source", "status", "subscription", "support", "team",
    "tenure", "tier", "trial", "usage", "value", "vertical",
)
# fmt: on
GROUPS = ("Business", "Marketing", "Financial", "Product", "Support", "Sales", "Risk")
TEAMS = ("growth", "sales-ops", "data-platform", "finance", "support-eng")
SOURCES = ("ref_table", "salesforce", "snowflake")
JOINS = {
    "users": (("user_email", "email"), ("user_id", "user_id")),
    "accounts": (("account_id", "account_id"), ("account_domain", "domain")),
}
FIELD_TYPES = ("string", "number")
FIELD_CHANGES = ("source_name", "type", "display_name", "description", "groups")
#: Share of the drift budget per kind; every kind gets at least one item when there is room.
KIND_WEIGHTS = {
    "connection_missing": 0.04,
    "connection_unexpected": 0.04,
    "connection_changed": 0.07,
    "field_missing": 0.15,
    "field_unexpected": 0.15,
    "field_changed": 0.55,
}


@dataclass
class Dataset:
    """What was generated, where, and what a correct check must report."""

    root: Path
    spec_files: list[Path]
    snapshot: Path
    fields: int
    expected: Counter[str] = field(default_factory=Counter)  # drift item kind -> count
    ignored: int = 0


def _words(rng: random.Random, n: int) -> list[str]:
    return [rng.choice(WORDS) for _ in range(n)]


def _field(rng: random.Random, conn_no: int, no: int) -> dict[str, Any]:
    name = "_".join(_words(rng, 2))
    body: dict[str, Any] = {
        "id": f"{name}_{conn_no}_{no}",
        "source_name": f"col_{name}_{no}",
        "type": rng.choice(FIELD_TYPES),
        "display_name": " ".join(w.capitalize() for w in name.split("_")),
        "description": " ".join(_words(rng, rng.randint(4, 9))).capitalize(),
        "groups": rng.sample(GROUPS, rng.randint(1, 3)),
    }
    return body


def _connection(rng: random.Random, entity: str, no: int, fields: int) -> dict[str, Any]:
    attribute, join_type = rng.choice(JOINS[entity])
    body: dict[str, Any] = {
        "id": f"{entity[:-1]}-{rng.choice(WORDS)}-{no:05d}",
        "type": rng.choice(SOURCES),
        "join": {"attribute": attribute, "type": join_type},
    }
    if rng.random() < 0.7:
        body["metadata"] = {"owner": rng.choice(TEAMS), "table": f"{rng.choice(WORDS)}_{no}"}
    body["fields"] = [_field(rng, no, j) for j in range(fields)]
    return body


def _live_connection(rng: random.Random, spec: dict[str, Any]) -> dict[str, Any]:
    """The live twin of a declared connection, plus noise a correct check ignores."""
    live: dict[str, Any] = json.loads(json.dumps(spec))
    for item in live["fields"]:
        rng.shuffle(item["groups"])  # groups are a set: another order is no drift
    live["created_at"] = "2026-01-05T09:00:00Z"
    live["created_by"] = "00000000-0000-0000-0000-000000000000"
    live["updated_at"] = f"2026-03-{rng.randint(1, 28):02d}T10:02:11Z"
    live["updated_by"] = rng.choice(("jane@example.com", "etl-bot@example.com"))
    return live


def _budget(total: int, share: float) -> Counter[str]:
    n = round(total * share)
    if n <= 0:
        return Counter()
    plan = Counter({kind: int(n * w) for kind, w in KIND_WEIGHTS.items()})
    if n >= len(KIND_WEIGHTS):
        for kind in KIND_WEIGHTS:
            plan[kind] = max(plan[kind], 1)
    plan["field_changed"] += n - sum(plan.values())
    return +plan


def _drift(
    rng: random.Random,
    entity: str,
    spec: list[dict[str, Any]],
    live: dict[str, dict[str, Any]],
    plan: Counter[str],
    *,
    fields: int,
) -> Counter[str]:
    """Apply ``plan`` to the live side (and spec side for missing); return item counts."""
    found: Counter[str] = Counter()
    order = list(range(len(spec)))
    rng.shuffle(order)
    missing = order[: plan["connection_missing"]]
    for i in missing:
        del live[spec[i]["id"]]
        found["missing"] += 1
    present = order[plan["connection_missing"] :]
    for k in range(plan["connection_unexpected"]):
        extra = _connection(rng, entity, 90_000 + k, fields)
        live[extra["id"]] = _live_connection(rng, extra)
        found["unexpected"] += 1
    for i in rng.sample(present, min(len(present), plan["connection_changed"])):
        conn = live[spec[i]["id"]]
        choice = rng.choice(("type", "join.attribute", "join.type", "metadata.owner"))
        if choice == "type":
            conn["type"] = "manual_upload"
        elif choice.startswith("join."):
            conn["join"][choice[5:]] += "_v2"
        elif "metadata" in conn:
            conn["metadata"]["owner"] = "someone-else"
        else:
            conn["type"] = "manual_upload"
        found["changed"] += 1
    slots = [(i, j) for i in present for j in range(len(spec[i]["fields"]))]
    chosen = rng.sample(slots, min(len(slots), plan["field_missing"] + plan["field_changed"]))
    for i, j in chosen[: plan["field_missing"]]:
        wanted = spec[i]["fields"][j]["id"]
        conn = live[spec[i]["id"]]
        conn["fields"] = [f for f in conn["fields"] if f["id"] != wanted]
        found["missing"] += 1
    for i, j in chosen[plan["field_missing"] :]:
        declared = spec[i]["fields"][j]
        item = next(f for f in live[spec[i]["id"]]["fields"] if f["id"] == declared["id"])
        _change(item, rng.choice([a for a in FIELD_CHANGES if a in declared]))  # managed only
        found["changed"] += 1
    for k in range(plan["field_unexpected"]):
        i = rng.choice(present)
        live[spec[i]["id"]]["fields"].append(_field(rng, i, 80_000 + k))
        found["unexpected"] += 1
    return found


def _change(item: dict[str, Any], what: str) -> None:
    """Change attribute ``what`` of a live field so that it differs from the spec."""
    if what == "type":
        item["type"] = "number" if item["type"] == "string" else "string"
    elif what == "groups":
        item["groups"] = [g for g in GROUPS if g not in item["groups"]][:2]
    else:
        item[what] = item[what] + " (edited)"


def _drift_every_field(spec: list[dict[str, Any]], live: dict[str, dict[str, Any]]) -> Counter[str]:
    """One changed attribute in every declared field, the attribute in turn."""
    found: Counter[str] = Counter()
    for conn in spec:
        by_id = {f["id"]: f for f in live[conn["id"]]["fields"]}
        for n, declared in enumerate(conn["fields"]):
            item = by_id[declared["id"]]
            managed = [a for a in FIELD_CHANGES if a in declared]
            _change(item, managed[n % len(managed)])
            found["changed"] += 1
    return found


def _noise(rng: random.Random, spec: list[dict[str, Any]]) -> None:
    """Declared fields that leave optional attributes unmanaged (live keeps them: no drift)."""
    for conn in spec:
        for item in conn["fields"]:
            if rng.random() < 0.2:
                del item["description"]
            if rng.random() < 0.1:
                del item["groups"]


# ---------------------------------------------------------------- YAML text


def _yaml_connection(conn: dict[str, Any]) -> list[str]:
    join = conn["join"]
    lines = [
        f"      - id: {conn['id']}",
        f"        type: {conn['type']}",
        f"        join: {{attribute: {join['attribute']}, type: {join['type']}}}",
    ]
    if "metadata" in conn:
        meta = ", ".join(f"{k}: {v}" for k, v in conn["metadata"].items())
        lines.append(f"        metadata: {{{meta}}}")
    lines.append("        fields:")
    for item in conn["fields"]:
        lines.append(f"          - id: {item['id']}")
        for key in ("source_name", "type", "display_name", "description"):
            if key in item:
                lines.append(f"            {key}: {item[key]}")
        if "groups" in item:
            lines.append(f"            groups: [{', '.join(item['groups'])}]")
    return lines


def _yaml_file(
    entity: str, conns: list[dict[str, Any]], ignores: list[dict[str, str]], first: bool
) -> str:
    lines = [
        "# Generated by benchmarks/generate.py: synthetic data connections.",
        "version: 1",
        "entities:",
        f"  {entity}:",
    ]
    if first:
        lines += ["    unmanaged_connections: fail", "    unmanaged_fields: fail"]
    lines.append("    connections:")
    for conn in conns:
        lines += _yaml_connection(conn)
    if ignores:
        lines.append("ignore:")
        for rule in ignores:
            lines.append(f"  - entity: {rule['entity']}")
            for key in ("connection", "field", "attribute"):
                lines.append(f"    {key}: {rule[key]}")
            lines.append(f'    reason: "{rule["reason"]}"')
    return "\n".join(lines) + "\n"


def _check_yaml(text: str, entity: str, conns: list[dict[str, Any]]) -> None:
    """The emitted text must load back to exactly the intended data."""
    import yaml

    loaded = yaml.load(text, Loader=yaml.CSafeLoader)
    if loaded["entities"][entity]["connections"] != conns:
        raise AssertionError("generated YAML does not load back to the intended spec")


# ---------------------------------------------------------------- driver


def _ignore_rules(
    rng: random.Random,
    entity: str,
    spec: list[dict[str, Any]],
    live: dict[str, dict[str, Any]],
    count: int,
) -> list[dict[str, str]]:
    """Rules that each accept one changed field attribute (reported as 'ignored')."""
    rules = []
    for conn in rng.sample(spec, len(spec)):
        found = live.get(conn["id"])
        if found is None:
            continue
        by_id = {f["id"]: f for f in found["fields"]}
        for item in conn["fields"]:
            other = by_id.get(item["id"])
            if other and "description" in item and other["description"] != item["description"]:
                rules.append(
                    {
                        "entity": entity,
                        "connection": conn["id"],
                        "field": item["id"],
                        "attribute": "description",
                        "reason": "edited in the UI",
                    }
                )
                break
        if len(rules) == count:
            break
    return rules


def generate(
    out: Path,
    *,
    entities: int = 1,
    connections: int = 200,
    fields: int = 50,
    drift: float = 0.01,
    seed: int = 7,
    per_file: int = 25,
    ignores: int = 1,
    every_field: bool = False,
) -> Dataset:
    """Write ``out/specs/<entity>/*.yaml``, ``out/live-snapshot.json``, ``out/expected.json``.

    ``connections`` is per entity; ``drift`` is the share of fields that become a drift item.
    ``every_field``: "deep drift" instead, one changed attribute in every field (no other
    drift, no ignore rule): a report of as many items as there are fields.
    """
    from driftcheck.live.snapshot import write_snapshot
    from driftcheck.model import EntityRead, LiveState

    if not 1 <= entities <= len(ENTITIES):
        raise ValueError(f"entities: 1 or 2 (the spec schema knows {', '.join(ENTITIES)})")
    rng = random.Random(seed)
    data = Dataset(
        root=out,
        spec_files=[],
        snapshot=out / "live-snapshot.json",
        fields=entities * connections * fields,
    )
    reads = {}
    for entity in ENTITIES[:entities]:
        spec = [_connection(rng, entity, i, fields) for i in range(connections)]
        live = {c["id"]: _live_connection(rng, c) for c in spec}
        _noise(rng, spec)
        if every_field:
            data.expected += _drift_every_field(spec, live)
            rules = []
        else:
            data.expected += _drift(
                rng, entity, spec, live, _budget(connections * fields, drift), fields=fields
            )
            rules = _ignore_rules(rng, entity, spec, live, ignores)
        data.ignored += len(rules)
        for conn in spec:
            rng.shuffle(conn["fields"])
        rng.shuffle(spec)
        folder = out / "specs" / entity
        folder.mkdir(parents=True, exist_ok=True)
        for n, start in enumerate(range(0, max(1, len(spec)), per_file)):
            chunk = spec[start : start + per_file]
            text = _yaml_file(entity, chunk, rules if n == 0 else [], n == 0)
            _check_yaml(text, entity, chunk)
            path = folder / f"{entity}-{n:03d}.yaml"
            path.write_text(text, encoding="utf-8")
            data.spec_files.append(path)
        conns = list(live.values())
        rng.shuffle(conns)
        for conn in conns:
            rng.shuffle(conn["fields"])
        reads[entity] = EntityRead(entity=entity, connections=tuple(conns))
    write_snapshot(
        LiveState(site="datadoghq.com", read_at="2026-04-01T12:00:00Z", entities=reads),
        str(data.snapshot),
    )
    (out / "expected.json").write_text(
        json.dumps(
            {
                "fields": data.fields,
                "items": dict(data.expected),
                "ignored": data.ignored,
                "files": len(data.spec_files),
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--entities", type=int, default=1, help="1 (users) or 2 (+ accounts)")
    parser.add_argument("--connections", type=int, default=200, help="per entity")
    parser.add_argument("--fields", type=int, default=50, help="per connection")
    parser.add_argument("--drift", type=float, default=0.01, help="share of drifted items")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--per-file", type=int, default=25, help="connections per spec file")
    parser.add_argument("--ignores", type=int, default=1, help="ignore entries per entity")
    parser.add_argument(
        "--every-field", action="store_true", help="deep drift: every field changed (no --drift)"
    )
    args = parser.parse_args()
    data = generate(
        args.out,
        entities=args.entities,
        connections=args.connections,
        fields=args.fields,
        drift=args.drift,
        seed=args.seed,
        per_file=args.per_file,
        ignores=args.ignores,
        every_field=args.every_field,
    )
    print(
        f"wrote {len(data.spec_files)} spec file(s) and {data.snapshot}: "
        f"{data.fields} fields, expected drift items {dict(data.expected)}"
    )


if __name__ == "__main__":
    main()
