#!/usr/bin/env python3
"""Validate Schemas/columns.json and Schemas/features.json.

Usage:
    python3 Schemas/check_schemas.py [--reference PATH] [--skip-reference]

Checks the two schema files that sit next to this script against the rules
of the fink-export column catalogue: column count, names and order (taken
from the reference catalogue fink-columns.json), types, VOUnit units, UCD1+
words, description length and originality, the lc_features expansion
markers and the 26 light-curve feature names in their fixed order.

Needs Python 3 and astropy (pip install astropy).
Prints "schemas ok" and exits 0 on success; otherwise lists every problem
found on stderr and exits 1 (also 1, with a one-line message, if a file
or astropy cannot be loaded).
"""
import argparse
import json
import os
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
# The reference catalogue sits in the team's shared/ folder beside the repository.
DEFAULT_REFERENCE = os.environ.get(
    "FINK_COLUMNS_REFERENCE",
    os.path.join(HERE, "..", "..", "shared", "reference", "fink-columns.json"),
)

EXPECTED_COLUMN_COUNT = 168
ALLOWED_TYPES = {"double", "float", "int", "long", "bool", "string", "array"}
ALLOWED_NAMESPACES = {"i", "d", "v", "b"}
ALLOWED_ENDPOINTS = {"anomaly", "objects"}
MAX_DESCRIPTION = 140
# Roles a sink may ask the schema for; each is held by at most one column.
ALLOWED_ROLES = {"objectId", "alertId", "observationTime", "classLabel", "anomalyScore", "rowKind"}
TABLE_KEYS = {"endpoint", "description"}
COLUMN_KEYS = {"name", "namespace", "type", "unit", "ucd", "description", "endpoints", "expand"}
FEATURE_KEYS = {"name", "description", "unit", "ucd"}
EXPANDED = {"d:lc_features_g": "g", "d:lc_features_r": "r"}
FEATURE_SET = "lc_features"

# Order of the 26 values in d:lc_features_<band> (fink-science FEATURES_COLS).
FEATURE_NAMES = [
    "mean", "weighted_mean", "standard_deviation", "median", "amplitude",
    "beyond_1_std", "cusum", "inter_percentile_range_10", "kurtosis",
    "linear_trend", "linear_trend_sigma", "linear_trend_noise",
    "linear_fit_slope", "linear_fit_slope_sigma", "linear_fit_reduced_chi2",
    "magnitude_percentage_ratio_40_5", "magnitude_percentage_ratio_20_10",
    "maximum_slope", "median_absolute_deviation",
    "median_buffer_range_percentage_10", "percent_amplitude", "mean_variance",
    "anderson_darling_normal", "chi2", "skew", "stetson_K",
]


class Checker:
    def __init__(self):
        self.errors = []

    def fail(self, where, msg):
        self.errors.append(f"{where}: {msg}")


def load_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        sys.exit(f"check_schemas: cannot find {path}")
    except json.JSONDecodeError as e:
        sys.exit(f"check_schemas: {path} is not valid JSON: {e}")


def check_unit(ck, where, unit):
    from astropy import units as u

    if unit is None:
        return
    if not isinstance(unit, str) or not unit.strip():
        ck.fail(where, f"unit must be a non-empty string or null, got {unit!r}")
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            u.Unit(unit, format="vounit")
        except Exception as e:  # astropy raises ValueError for bad units
            ck.fail(where, f"unit {unit!r} is not valid VOUnit: {e}")
            return
    if "^" in unit:
        ck.fail(where, f"unit {unit!r} uses '^'; VOUnit writes powers with '**'")
    if caught:
        msgs = "; ".join(str(w.message) for w in caught)
        ck.fail(where, f"unit {unit!r} parses only with warnings: {msgs}")


def check_ucd(ck, where, ucd):
    from astropy.io.votable import ucd as ucdmod

    if ucd is None:
        return
    if not isinstance(ucd, str) or not ucd.strip():
        ck.fail(where, f"ucd must be a non-empty string or null, got {ucd!r}")
        return
    try:
        ucdmod.parse_ucd(ucd, check_controlled_vocabulary=True)
    except Exception as e:
        ck.fail(where, f"ucd {ucd!r} rejected: {e}")
        return
    if ucdmod.check_ucd(ucd, check_controlled_vocabulary=True) is not True:
        ck.fail(where, f"ucd {ucd!r} fails astropy check_ucd")


def check_description(ck, where, desc, reference_doc=None):
    if not isinstance(desc, str) or not desc.strip():
        ck.fail(where, "description is empty")
        return
    if len(desc) > MAX_DESCRIPTION:
        ck.fail(where, f"description is {len(desc)} characters (max {MAX_DESCRIPTION})")
    if desc != desc.strip():
        ck.fail(where, "description has leading or trailing whitespace")
    if reference_doc is not None and desc.strip().lower() == reference_doc.strip().lower():
        ck.fail(where, "description copies the reference doc text; write it in the project's own words")


def check_tables(ck, tables):
    where = "columns.json tables"
    if not isinstance(tables, dict) or set(tables) != {"anomalies", "objects"}:
        ck.fail(where, "tables must be an object with anomalies and objects")
        return
    for name, table in tables.items():
        if not isinstance(table, dict) or set(table) != TABLE_KEYS:
            ck.fail(f"{where} {name!r}", f"keys must be {sorted(TABLE_KEYS)}")
            continue
        if table["endpoint"] not in ALLOWED_ENDPOINTS:
            ck.fail(f"{where} {name!r}", f"endpoint {table['endpoint']!r} not in {sorted(ALLOWED_ENDPOINTS)}")
        if not isinstance(table["description"], str) or not table["description"].strip():
            ck.fail(f"{where} {name!r}", "description must be a non-empty string")


def check_columns(ck, doc, reference):
    where = "columns.json"
    if not isinstance(doc, dict):
        ck.fail(where, "top level must be an object")
        return
    if set(doc) != {"schemaVersion", "tables", "columns"}:
        ck.fail(where, f"top-level keys must be schemaVersion, tables and columns, got {sorted(doc)}")
    check_tables(ck, doc.get("tables"))
    if not isinstance(doc.get("schemaVersion"), str) or not doc.get("schemaVersion"):
        ck.fail(where, "schemaVersion must be a non-empty string")
    cols = doc.get("columns")
    if not isinstance(cols, list):
        ck.fail(where, "columns must be a list")
        return
    if len(cols) != EXPECTED_COLUMN_COUNT:
        ck.fail(where, f"expected {EXPECTED_COLUMN_COUNT} columns, found {len(cols)}")

    names = [c.get("name") if isinstance(c, dict) else None for c in cols]
    seen = set()
    for n in names:
        if n in seen:
            ck.fail(where, f"duplicate column name {n!r}")
        seen.add(n)

    ref_by_name = {}
    if reference is not None:
        ref_names = [r["name"] for r in reference]
        ref_by_name = {r["name"]: r for r in reference}
        if names != ref_names:
            missing = [n for n in ref_names if n not in seen]
            extra = [n for n in names if n not in ref_by_name]
            detail = []
            if missing:
                detail.append(f"missing {missing}")
            if extra:
                detail.append(f"unexpected {extra}")
            if not missing and not extra:
                first = next(i for i, (a, b) in enumerate(zip(names, ref_names)) if a != b)
                detail.append(f"order differs first at index {first}: {names[first]!r} vs reference {ref_names[first]!r}")
            ck.fail(where, "column names do not match the reference list: " + "; ".join(detail))

    roles_seen = {}
    for i, c in enumerate(cols):
        if not isinstance(c, dict):
            ck.fail(f"{where}[{i}]", "column entry must be an object")
            continue
        name = c.get("name")
        at = f"{where} {name!r}" if isinstance(name, str) else f"{where}[{i}]"
        keys = set(c)
        expected_keys = COLUMN_KEYS | ({"band"} if name in EXPANDED else set())
        # "ascii": true marks text that is ASCII by construction (ids, codes, dates).
        if "ascii" in keys:
            expected_keys = expected_keys | {"ascii"}
            if c.get("ascii") is not True or c.get("type") != "string":
                ck.fail(at, "ascii may only be true, on a string column")
        # "role": what the column is to a sink (object id, alert-key part, label, score).
        if "role" in keys:
            expected_keys = expected_keys | {"role"}
            role = c.get("role")
            if role not in ALLOWED_ROLES:
                ck.fail(at, f"role {role!r} not in {sorted(ALLOWED_ROLES)}")
            elif role in roles_seen:
                ck.fail(at, f"role {role!r} is already held by {roles_seen[role]!r}")
            else:
                roles_seen[role] = name
        if keys != expected_keys:
            ck.fail(at, f"keys {sorted(keys)} differ from expected {sorted(expected_keys)}")
        if not isinstance(name, str) or ":" not in name:
            ck.fail(at, "name must be a string of the form '<namespace>:<name>'")
            continue
        prefix = name.split(":", 1)[0]
        if c.get("namespace") != prefix or prefix not in ALLOWED_NAMESPACES:
            ck.fail(at, f"namespace {c.get('namespace')!r} does not match name prefix {prefix!r}")
        ctype = c.get("type")
        if ctype not in ALLOWED_TYPES:
            ck.fail(at, f"type {ctype!r} not in {sorted(ALLOWED_TYPES)}")
        ref = ref_by_name.get(name)
        if ref is not None and ctype != ref.get("type"):
            ck.fail(at, f"type {ctype!r} differs from reference {ref.get('type')!r}")
        check_unit(ck, at, c.get("unit"))
        check_ucd(ck, at, c.get("ucd"))
        check_description(ck, at, c.get("description"), ref.get("doc") if ref else None)
        eps = c.get("endpoints")
        if not isinstance(eps, list) or not eps or not set(eps) <= ALLOWED_ENDPOINTS or len(set(eps)) != len(eps):
            ck.fail(at, f"endpoints must be a non-empty list drawn from {sorted(ALLOWED_ENDPOINTS)}, got {eps!r}")
        elif ref is not None and eps != ref.get("endpoint"):
            ck.fail(at, f"endpoints {eps!r} differ from reference {ref.get('endpoint')!r}")
        if name in EXPANDED:
            if c.get("expand") != FEATURE_SET:
                ck.fail(at, f"expand must be {FEATURE_SET!r}, got {c.get('expand')!r}")
            if c.get("band") != EXPANDED[name]:
                ck.fail(at, f"band must be {EXPANDED[name]!r}, got {c.get('band')!r}")
        elif c.get("expand") is not None:
            ck.fail(at, f"expand must be null, got {c.get('expand')!r}")


def check_features(ck, doc):
    where = "features.json"
    if not isinstance(doc, dict):
        ck.fail(where, "top level must be an object")
        return
    if set(doc) != {"featureSet", "separator", "features"}:
        ck.fail(where, f"top-level keys must be featureSet, separator and features, got {sorted(doc)}")
    if doc.get("featureSet") != FEATURE_SET:
        ck.fail(where, f"featureSet must be {FEATURE_SET!r}, got {doc.get('featureSet')!r}")
    if doc.get("separator") != "_":
        ck.fail(where, f"separator must be '_', got {doc.get('separator')!r}")
    feats = doc.get("features")
    if not isinstance(feats, list):
        ck.fail(where, "features must be a list")
        return
    names = [f.get("name") if isinstance(f, dict) else None for f in feats]
    if names != FEATURE_NAMES:
        ck.fail(where, f"expected the {len(FEATURE_NAMES)} feature names in fixed order {FEATURE_NAMES}, got {names}")
    for i, f in enumerate(feats):
        if not isinstance(f, dict):
            ck.fail(f"{where}[{i}]", "feature entry must be an object")
            continue
        at = f"{where} {f.get('name')!r}"
        if set(f) != FEATURE_KEYS:
            ck.fail(at, f"keys {sorted(f)} differ from expected {sorted(FEATURE_KEYS)}")
        check_unit(ck, at, f.get("unit"))
        check_ucd(ck, at, f.get("ucd"))
        check_description(ck, at, f.get("description"))


def check_expansion_collisions(ck, columns_doc, features_doc):
    """Expanded names lc_features_<band>_<feature> must not clash with plain column names."""
    try:
        cols = columns_doc["columns"]
        feats = [f["name"] for f in features_doc["features"]]
        sep = features_doc["separator"]
    except (KeyError, TypeError):
        return  # shape errors are already reported
    plain = {c["name"].split(":", 1)[-1] for c in cols if isinstance(c, dict) and isinstance(c.get("name"), str)}
    full = {c["name"] for c in cols if isinstance(c, dict)}
    for c in cols:
        if not isinstance(c, dict) or c.get("expand") != FEATURE_SET:
            continue
        band = c.get("band")
        for fname in feats:
            expanded = f"{FEATURE_SET}{sep}{band}{sep}{fname}"
            if expanded in plain or f"{c.get('namespace')}:{expanded}" in full:
                ck.fail("expansion", f"{expanded!r} (from {c['name']}) collides with an existing column")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reference", default=DEFAULT_REFERENCE,
                    help="path to fink-columns.json (default: %(default)s; env FINK_COLUMNS_REFERENCE)")
    ap.add_argument("--skip-reference", action="store_true",
                    help="skip the checks that need the reference catalogue (name order, types, endpoints, doc text)")
    ap.add_argument("--schemas-dir", default=HERE, help="directory holding the two JSON files (default: this script's directory)")
    args = ap.parse_args()

    try:
        import astropy  # noqa: F401
    except ImportError:
        sys.exit("check_schemas: astropy is required (pip install astropy)")

    columns_doc = load_json(os.path.join(args.schemas_dir, "columns.json"))
    features_doc = load_json(os.path.join(args.schemas_dir, "features.json"))
    reference = None
    if not args.skip_reference:
        if not os.path.exists(args.reference):
            sys.exit(f"check_schemas: reference catalogue {args.reference} not found "
                     "(pass --reference PATH, set FINK_COLUMNS_REFERENCE, or use --skip-reference)")
        reference = load_json(args.reference)
        if not isinstance(reference, list) or len(reference) != EXPECTED_COLUMN_COUNT:
            sys.exit(f"check_schemas: reference catalogue {args.reference} should list {EXPECTED_COLUMN_COUNT} columns")

    ck = Checker()
    check_columns(ck, columns_doc, reference)
    check_features(ck, features_doc)
    check_expansion_collisions(ck, columns_doc, features_doc)

    if ck.errors:
        print(f"schemas FAILED ({len(ck.errors)} problem(s)):", file=sys.stderr)
        for e in ck.errors:
            print(f"  - {e}", file=sys.stderr)
        sys.exit(1)
    print("schemas ok")


if __name__ == "__main__":
    main()
