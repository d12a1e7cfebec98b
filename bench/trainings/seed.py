#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""Seeds the trainings benchmark through the API (no SQL): with the
coordinator's token, 5 structures and 100 promeneurs of the Allier, one
training, 10 sessions of 20 seats (two half-days, in the weeks to come)
and, per session, 25 registrations: 20 seats and 5 on the waiting list.
The first promeneur gets its own account (the promeneur the benchmark
logs in as); it holds a seat in the first session.

Usage: seed.py BASE_URL TOKEN OUT_DIR
Writes OUT_DIR/seed.json: {"promeneur_email", "sessions": [ids]}.
"""
import datetime
import json
import sys
import urllib.request

BASE, TOKEN, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
PROMENEURS, SESSIONS, SEATS, WAITING = 100, 10, 20, 5


def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(BASE + path, data=data, method=method)
    req.add_header("Authorization", "Bearer " + TOKEN)
    req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            text = r.read().decode()
    except urllib.error.HTTPError as e:
        sys.exit(f"{method} {path}: {e.code} {e.read().decode()[:500]}")
    return json.loads(text) if text else None


communes = ["03185", "03310", "03190", "03082", "03095"]
structures = [
    call("POST", "/api/v1/structures", {
        "name": f"Centre social {i + 1}", "kind": "centre_social",
        "commune_insee": communes[i], "email": f"accueil{i + 1}@bench.test"})["id"]
    for i in range(5)
]
promeneurs = []
for i in range(PROMENEURS):
    p = call("POST", "/api/v1/promeneurs", {
        "first_name": f"Prénom{i:03d}", "last_name": f"Nom{i:03d}",
        "email": f"promeneur{i:03d}@bench.test", "phone": "06 12 34 56 78",
        "structure_id": structures[i % 5], "job_title": "Animateur jeunesse",
        "commune_insee": communes[i % 5],
        "networks": [{"platform": "instagram", "handle": f"@pdn.{i:03d}"}],
        "themes": ["orientation"],
        "presence": [{"weekday": 2, "start": "17:00", "end": "19:00"}],
        "mandate": {"hours_per_week": 6, "starts_on": "2025-09-01"},
        "charter_signed_on": "2025-09-15", "initial_training_on": "2025-10-10",
        "public_bio": "Je réponds à vos questions.", "status": "active"})
    promeneurs.append(p["id"])
call("POST", f"/api/v1/promeneurs/{promeneurs[0]}/account", {})

training = call("POST", "/api/v1/trainings", {
    "title": "Être présent en ligne", "theme": "Posture", "kind": "continuing",
    "duration_minutes": 360, "departments": ["03"],
    "description": "Une journée pour ajuster sa présence éducative en ligne."})["id"]
today = datetime.date.today()
sessions = []
for k in range(SESSIONS):
    day = today + datetime.timedelta(days=30 + 7 * k)
    closes = day - datetime.timedelta(days=5)
    s = call("POST", f"/api/v1/trainings/{training}/sessions", {
        "parts": [
            {"starts_at": f"{day}T09:00:00+01:00", "ends_at": f"{day}T12:00:00+01:00"},
            {"starts_at": f"{day}T13:30:00+01:00", "ends_at": f"{day}T16:30:00+01:00"}],
        "place": f"Salle {k + 1}, Moulins", "capacity": SEATS,
        "registration_closes_at": f"{closes}T23:59:00+01:00"})
    sessions.append(s["id"])
    for j in range(SEATS + WAITING):
        who = promeneurs[(10 * k + j) % PROMENEURS]
        call("POST", f"/api/v1/sessions/{s['id']}/registrations", {"promeneur_id": who})
check = call("GET", f"/api/v1/sessions/{sessions[0]}")
assert check["seats_left"] == 0 and check["waitlisted"] == WAITING, check
json.dump({"promeneur_email": "promeneur000@bench.test", "sessions": sessions},
          open(f"{OUT}/seed.json", "w"))
print(f"{len(structures)} structures, {len(promeneurs)} promeneurs, {len(sessions)} sessions "
      f"of {SEATS} seats + {WAITING} waiting")
