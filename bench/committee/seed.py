#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""Builds the committee benchmark's data through the JSON API of a running
server, as the users would: a call of the Allier and the Puy-de-Dôme whose
module M1 has 5 weighted criteria, N structures that each file one
application (a fifth of them for both départements) with its signed form,
and 3 committee members who each score every application.

Tokens come from the command line (`promeneurs token new`), given here as
"email=token" lines in a file. Deterministic (seed 42). Prints the call id.
"""
import argparse
import json
import random
import sys
import urllib.error
import urllib.request

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

CRITERIA = [
    {"key": "projet", "label": "Qualité du projet", "weight": 3, "max_score": 20},
    {"key": "experience", "label": "Expérience jeunesse", "weight": 2, "max_score": 20},
    {"key": "reseau", "label": "Animation de réseau", "weight": 2, "max_score": 20},
    {"key": "moyens", "label": "Moyens humains", "weight": 1, "max_score": 20},
    {"key": "budget", "label": "Budget", "weight": 1, "max_score": 20},
]


class Api:
    def __init__(self, base):
        self.base = base

    def call(self, token, method, path, body=None, content_type="application/json"):
        data = None
        headers = {"Authorization": f"Bearer {token}"}
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            headers["Content-Type"] = content_type
        req = urllib.request.Request(self.base + "/api/v1" + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                text = r.read().decode()
                return r.status, (json.loads(text) if text else None)
        except urllib.error.HTTPError as e:
            sys.exit(f"{method} {path}: {e.code} {e.read().decode()[:400]}")


def multipart(fields, file_name, file_bytes):
    boundary = "----bench-boundary"
    out = b""
    for k, v in fields.items():
        out += f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
    out += (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n").encode()
    out += file_bytes + f"\r\n--{boundary}--\r\n".encode()
    return out, f"multipart/form-data; boundary={boundary}"


def make_structures(api, tokens, count):
    """N structures, alternately of the Allier (Moulins) and the
    Puy-de-Dôme (Clermont-Ferrand); prints "index id" lines."""
    for i in range(count):
        dep, commune = ("03", "03190") if i % 2 == 0 else ("63", "63113")
        _, s = api.call(tokens[f"agent{dep}@bench.test"], "POST", "/structures",
                        {"name": f"Structure candidate {i:03}", "kind": "centre_social",
                         "commune_insee": commune, "email": f"accueil{i}@structure.test"})
        print(i, s["id"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("step", choices=["structures", "call"])
    ap.add_argument("base")
    ap.add_argument("tokens", help="file of email=token lines")
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--structures", help="file of 'index structure_id' lines")
    ap.add_argument("--deadline", help="RFC 3339 instant, in the future")
    args = ap.parse_args()
    tokens = dict(l.strip().split("=", 1) for l in open(args.tokens) if "=" in l)
    api = Api(args.base)
    if args.step == "structures":
        make_structures(api, tokens, args.count)
        return
    structures = [l.split() for l in open(args.structures) if l.strip()]
    rng = random.Random(42)

    coordinator = tokens["agent03@bench.test"]
    module = {
        "code": "M1", "title": "Coordination du réseau", "description": "Animer le réseau des deux départements.",
        "service_starts_on": "2028-01-01", "service_ends_on": "2029-12-31",
        "deadline": args.deadline, "min_applications": 2, "quality_threshold": 50,
        "criteria": CRITERIA,
        "required_documents": [{"kind": "formulaire", "label": "Dossier de candidature signé"}],
    }
    _, call = api.call(coordinator, "POST", "/calls",
                       {"title": "Appel à candidatures (banc d'essai)", "departments": ["03", "63"], "modules": [module]})
    call_id = call["id"]
    api.call(coordinator, "POST", f"/calls/{call_id}/publish", {})

    applications = []
    for i, (index, structure_id) in enumerate(structures):
        token = tokens[f"referent{index}@bench.test"]
        deps = ["03", "63"] if i % 5 == 0 else (["03"] if i % 2 else ["63"])
        _, a = api.call(token, "POST", f"/calls/{call_id}/applications",
                        {"module": "M1", "departments": deps, "structure_id": structure_id,
                         "summary": f"Projet de coordination numéro {index}."})
        body, ct = multipart({"kind": "formulaire"}, "dossier.pdf", PDF)
        api.call(token, "POST", f"/applications/{a['id']}/documents", body, ct)
        api.call(token, "POST", f"/applications/{a['id']}/submit", {})
        applications.append(a["id"])

    for m in range(3):
        member_token = tokens[f"membre{m}@bench.test"]
        _, me = api.call(member_token, "GET", "/session")
        api.call(coordinator, "POST", f"/calls/{call_id}/committee",
                 {"user_id": me["user"]["id"], "institution": f"Institution {m}"})
        for a in applications:
            scores = {c["key"]: rng.randint(5, 20) for c in CRITERIA}
            api.call(member_token, "PUT", f"/applications/{a}/review",
                     {"scores": scores, "comment": "Dossier solide, à préciser sur le budget."})
    print(call_id)


if __name__ == "__main__":
    main()
