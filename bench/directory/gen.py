#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""Generates the data set of the directory benchmark.

Writes `structures.csv` (about 500 structures) and `promeneurs.csv`
(10 000 promeneurs, every one of them public: status actif, mandate,
charter and initial training in the past, consent given) into OUT_DIR,
in the import format of `promeneurs import` (`;`-separated, UTF-8).

Communes are written as a spreadsheet would have them, "03200 Vichy"
(postal code and name): a bare five-digit code may be both a postal code
and another commune's INSEE code (03310 is Vichy's INSEE code and
Néris-les-Bains' postal code), which the import rightly refuses to guess.

Deterministic: the same seed and counts give the same bytes.

    python3 bench/directory/gen.py OUT_DIR [--seed 42] [--promeneurs 10000]
                                           [--structures 500]
"""

from __future__ import annotations

import argparse
import csv
import random
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
COMMUNES_CSV = REPO / "data" / "reference" / "communes.csv"
DEPARTMENTS = ("03", "63")

STRUCTURE_KINDS = (
    "centre social",
    "MJC",
    "association",
    "mission locale",
    "collectivité",
    "PIJ / BIJ",
)
STRUCTURE_WORDS = (
    "Les Escales", "Le Lien", "La Passerelle", "L'Envol", "Les Horizons",
    "La Fabrique", "Le Carrefour", "Les Volcans", "L'Allier", "La Source",
    "Le Trait d'union", "Les Tilleuls", "La Maison", "Le Relais", "Les Sentiers",
)
FIRST_NAMES = (
    "Léa", "Hugo", "Chloé", "Lucas", "Manon", "Nathan", "Camille", "Enzo",
    "Inès", "Théo", "Jade", "Louis", "Sarah", "Mathis", "Emma", "Noah",
    "Zoé", "Gabriel", "Lina", "Raphaël", "Anaïs", "Jules", "Océane", "Adam",
    "Clémence", "Yanis", "Maëlys", "Tom", "Élise", "Sacha", "Nina", "Amine",
    "Margaux", "Karim", "Pauline", "Bastien", "Sophie", "Rémi", "Aurélie", "Loïc",
)
LAST_NAMES = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit",
    "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel",
    "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel",
    "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "François",
    "Martinez", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin",
    "Muller", "Henry", "Roussel", "Nicolas", "Perrin", "Chabrol", "Auclair",
)
JOB_TITLES = (
    "animatrice jeunesse", "animateur jeunesse", "éducatrice spécialisée",
    "éducateur de prévention", "conseillère en insertion", "informateur jeunesse",
    "coordinatrice enfance-jeunesse", "médiateur numérique",
)
THEMES = (
    "orientation", "emploi", "sante", "sexualite", "harcelement", "numerique",
    "logement", "droits", "loisirs", "citoyennete", "mobilite", "famille",
    "addictions",
)
DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi")
SLOTS = ("10h-12h", "14h-16h", "14h-16h30", "17h-19h", "18h-20h", "20h-21h30")
BIO_PIECES = (
    "Je réponds aux questions des jeunes sur les réseaux sociaux.",
    "Écoute, information et orientation, sans jugement.",
    "Passez me voir en ligne pendant mes permanences.",
    "Je peux vous aider pour vos démarches, l'emploi ou la formation.",
    "On parle de tout : études, santé, logement, loisirs.",
    "Disponible aussi pour les parents qui s'interrogent.",
)


def ascii_slug(s: str) -> str:
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    return "".join(c for c in s.lower() if c.isalnum())


def luhn_complete(body: str) -> str:
    """Appends the digit that makes `body` + digit pass the Luhn check."""
    for d in "0123456789":
        digits = [int(c) for c in body + d]
        total = 0
        for i, v in enumerate(reversed(digits)):
            if i % 2 == 1:
                v *= 2
                if v > 9:
                    v -= 9
            total += v
        if total % 10 == 0:
            return body + d
    raise AssertionError("unreachable")


def load_communes() -> list[dict[str, str]]:
    with COMMUNES_CSV.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["department"] in DEPARTMENTS]
    for r in rows:
        r["label"] = f"{r['postal_codes'].split()[0]} {r['name']}"
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--promeneurs", type=int, default=10_000)
    ap.add_argument("--structures", type=int, default=500)
    args = ap.parse_args()

    rng = random.Random(args.seed)
    communes = load_communes()
    # Bigger communes get more structures, as in life (sqrt to keep spread).
    weights = [max(int(c["population"] or 0), 50) ** 0.5 for c in communes]
    args.out_dir.mkdir(parents=True, exist_ok=True)

    structures: list[tuple[str, str, str]] = []  # (siret, commune label, department)
    seen_sirets: set[str] = set()
    with (args.out_dir / "structures.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\n")
        w.writerow(["nom", "type", "siret", "commune", "email"])
        for i in range(args.structures):
            c = rng.choices(communes, weights)[0]
            while True:
                siret = luhn_complete(f"{rng.randrange(10**12, 10**13):013d}")
                if siret not in seen_sirets:
                    seen_sirets.add(siret)
                    break
            kind = rng.choice(STRUCTURE_KINDS)
            name = f"{rng.choice(STRUCTURE_WORDS)} {c['name']} {i + 1}"
            w.writerow([name, kind, siret, c["label"], f"contact{i + 1}@structures.bench.example.org"])
            structures.append((siret, c["label"], c["department"]))

    by_department: dict[str, list[dict[str, str]]] = {}
    for c in communes:
        by_department.setdefault(c["department"], []).append(c)

    with (args.out_dir / "promeneurs.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\n")
        w.writerow([
            "prenom", "nom", "email", "telephone", "structure", "fonction", "commune",
            "reseaux", "themes", "presences", "heures_par_semaine", "debut_mandat",
            "fin_mandat", "charte_signee_le", "formation_initiale_le", "statut",
            "consentement_public", "presentation",
        ])
        for i in range(args.promeneurs):
            n = i + 1
            first = rng.choice(FIRST_NAMES)
            last = rng.choice(LAST_NAMES)
            siret, s_commune, dep = rng.choice(structures)
            # Most work where their structure is; some elsewhere in the département.
            commune = s_commune if rng.random() < 0.7 else rng.choice(by_department[dep])["label"]
            slug = ascii_slug(first)
            networks = [f"instagram:pdn.{slug}.{n}"]
            if rng.random() < 0.6:
                networks.append(f"snapchat:pdn-{slug[:6]}{n}")
            themes = rng.sample(THEMES, rng.randint(1, 4))
            days = sorted(rng.sample(range(len(DAYS)), rng.randint(1, 3)))
            presences = ", ".join(f"{DAYS[d]} {rng.choice(SLOTS)}" for d in days)
            year = rng.choice((2022, 2023, 2024, 2025))
            month = rng.randint(1, 12)
            start = f"{rng.randint(1, 28):02d}/{month:02d}/{year}"
            charter = f"{rng.randint(1, 28):02d}/{month:02d}/{year - 1}"
            training = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{year - 1}"
            phone = f"04 {rng.choice(('70', '73'))} {rng.randint(0, 99):02d} {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}"
            bio = " ".join(rng.sample(BIO_PIECES, 2))
            w.writerow([
                first, last, f"{slug}.{ascii_slug(last)}.{n}@bench.example.org", phone,
                siret, rng.choice(JOB_TITLES), commune, ", ".join(networks), ", ".join(themes),
                presences, str(rng.choice((4, 6, 8, 10))), start, "", charter, training,
                "actif", "oui", bio,
            ])


if __name__ == "__main__":
    main()
