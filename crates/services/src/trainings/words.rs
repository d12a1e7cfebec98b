//! Sessions, registrations and passports told in French for the pages
//! and e-mails: "3 places libres sur 12", "En liste d'attente (position 2)",
//! "6 h 30".

use domain::training::{RegistrationStatus, TrainingKind};
use store::trainings::{Passport, Registration, Session};
use uuid::Uuid;

use crate::auditions::french_start;

/// The place, or how the session is held.
pub fn place(s: &Session) -> String {
    match (s.place.is_empty(), s.online_url.is_empty()) {
        (false, _) => s.place.clone(),
        (true, false) => "en visioconférence".to_owned(),
        (true, true) => "lieu à préciser".to_owned(),
    }
}

/// "3 places libres sur 12", "Complet : 2 personnes en liste d'attente".
pub fn seats(s: &Session) -> String {
    match s.seats_left() {
        0 if s.waitlisted == 0 => "Complet : inscription sur liste d'attente".to_owned(),
        0 => format!(
            "Complet : {} {} en liste d'attente",
            s.waitlisted,
            if s.waitlisted == 1 {
                "personne"
            } else {
                "personnes"
            }
        ),
        1 => format!("1 place libre sur {}", s.capacity),
        n => format!("{n} places libres sur {}", s.capacity),
    }
}

/// "Inscrit", "En liste d'attente (position 2)".
pub fn status(r: &Registration) -> String {
    match (r.status, r.position) {
        (RegistrationStatus::Waitlisted, Some(n)) => format!("En liste d'attente (position {n})"),
        (status, _) => status.label().to_owned(),
    }
}

/// "6 h 30", "45 min"; empty for none.
pub fn hours(minutes: i64) -> String {
    match (minutes / 60, minutes % 60) {
        (0, 0) => String::new(),
        (h, 0) => format!("{h} h"),
        (0, m) => format!("{m} min"),
        (h, m) => format!("{h} h {m:02}"),
    }
}

/// The kinds of training, as (value, label) for a form.
pub fn kinds() -> Vec<(&'static str, &'static str)> {
    TrainingKind::ALL
        .iter()
        .map(|k| (k.as_str(), k.label()))
        .collect()
}

/// A session in a list.
pub struct SessionLine {
    pub id: Uuid,
    pub title: String,
    pub kind: &'static str,
    pub when: String,
    pub place: String,
    pub seats: String,
}

pub fn session_line(s: &Session) -> SessionLine {
    SessionLine {
        id: s.id,
        title: s.training_title.clone(),
        kind: s.kind.label(),
        when: french_start(s.starts_at),
        place: place(s),
        seats: seats(s),
    }
}

/// One training of a promeneur's passport.
pub struct PassportLine {
    pub session_id: Uuid,
    pub registration_id: Uuid,
    pub title: String,
    pub kind: &'static str,
    pub when: String,
    pub status: String,
    /// Attended every half-day: the certificate can be downloaded.
    pub certificate: bool,
    /// The certificate's verification code, for `/verifier/{code}`.
    pub code: String,
}

pub fn passport_lines(items: &[Passport]) -> Vec<PassportLine> {
    items
        .iter()
        .map(|x| {
            let done = x.registration.earned_certificate();
            PassportLine {
                session_id: x.session.id,
                registration_id: x.registration.id,
                title: x.session.training_title.clone(),
                kind: x.session.kind.label(),
                when: french_start(x.session.starts_at),
                status: if done {
                    "Suivie".to_owned()
                } else {
                    x.registration.status.label().to_owned()
                },
                certificate: done,
                code: x
                    .registration
                    .certificate_code
                    .clone()
                    .filter(|_| done)
                    .unwrap_or_default(),
            }
        })
        .collect()
}
