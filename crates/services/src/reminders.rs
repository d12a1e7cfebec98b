//! Reminders queued by the worker's periodic pass: to the authors of drafts
//! 7 days and 1 day before their module's deadline, and to structures and
//! their CAF 60 and 30 days before a convention ends. Each reminder is
//! claimed in the transaction that queues its e-mails, so it goes once even
//! with several workers; both are safe to run often.

use domain::{clock::french_date, convention::days_between, deadline::Deadline};
use jiff::civil::Date;
use store::{applications::DraftReminder, conventions::DueReminder, from_micros};

use crate::{Ctx, ServiceError, mail};

/// Queues the draft reminders due now; returns how many.
pub async fn queue_draft_reminders(ctx: &Ctx) -> Result<usize, ServiceError> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let due = store::applications::claim_draft_reminders(&mut tx, now).await?;
    for r in &due {
        let (subject, body) = draft_reminder(r, &ctx.settings.base_url);
        mail::queue_text(&mut tx, now, &r.email, &subject, "draft_reminder", body).await?;
    }
    tx.commit().await?;
    Ok(due.len())
}

/// Queues the convention reminders due today (in Paris); returns how many
/// conventions were reminded.
pub async fn queue_convention_reminders(ctx: &Ctx) -> Result<usize, ServiceError> {
    let now = ctx.now();
    let today = ctx.today();
    let mut tx = ctx.db.begin().await?;
    let due = store::conventions::claim_due_reminders(&mut tx, today).await?;
    for r in &due {
        let (subject, body) = convention_reminder(r, today, &ctx.settings.base_url);
        let to = r
            .structure_email
            .as_deref()
            .into_iter()
            .chain((!r.caf_email.is_empty()).then_some(r.caf_email.as_str()));
        for address in to {
            mail::queue_text(
                &mut tx,
                now,
                address,
                &subject,
                "convention_reminder",
                body.clone(),
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(due.len())
}

/// The subject and body of a draft's reminder.
fn draft_reminder(r: &DraftReminder, base_url: &str) -> (String, String) {
    let deadline = Deadline::from_instant(from_micros(r.deadline)).french();
    let within = if r.days == 1 {
        ", dans moins d'un jour".to_owned()
    } else {
        format!(", dans moins de {} jours", r.days)
    };
    let subject = format!("Votre candidature est encore un brouillon : date limite le {deadline}");
    let body = format!(
        "Bonjour {name},\n\
         \n\
         Votre candidature à l'appel « {call} » (module {code} — {title}) est encore un brouillon.\n\
         La date limite de dépôt est le {deadline}{within}.\n\
         \n\
         Après cette date, le dépôt ne sera plus possible. Complétez et envoyez-la ici :\n\
         {base_url}/candidatures/{id}\n\
         \n\
         — Promeneurs du Net",
        name = r.name,
        call = r.call_title,
        code = r.module_code,
        title = r.module_title,
        id = r.application_id,
    );
    (subject, body)
}

/// The subject and body of a convention's reminder, sent on `today`.
fn convention_reminder(r: &DueReminder, today: Date, base_url: &str) -> (String, String) {
    let c = &r.convention;
    let ends_on = french_date(c.ends_on);
    let days = i32::try_from(days_between(today, c.ends_on)).unwrap_or(r.days);
    let subject = format!("Votre convention Promeneurs du Net prend fin le {ends_on}");
    let body = format!(
        "Bonjour,\n\
         \n\
         La convention « Promeneurs du Net » entre {structure} et la {caf} prend fin le {ends_on}, dans {days} jours.\n\
         \n\
         Pour que les promeneurs de la structure restent dans le réseau et dans l'annuaire public, pensez à la renouveler : la Caf vous enverra la nouvelle convention à signer.\n\
         \n\
         Fiche de la structure : {base_url}/reseau/structures/{id}\n\
         \n\
         Ceci est un message automatique de la plateforme Promeneurs du Net.",
        structure = c.structure_name,
        caf = r.caf_name,
        id = c.structure_id,
    );
    (subject, body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use store::conventions::Convention;
    use uuid::Uuid;

    const BASE: &str = "http://promeneurs.test";

    // The bodies below are byte for byte those of the askama templates the
    // web layer used before the move (no escaping, no final newline), for
    // the same values.
    #[test]
    fn a_draft_reminder_says_how_long_is_left() {
        let deadline: jiff::Timestamp = "2027-03-14T22:59:59Z".parse().unwrap();
        let mut r = DraftReminder {
            application_id: Uuid::nil(),
            email: "a@b.fr".into(),
            name: "Aïcha Durand".into(),
            call_title: "Appel 2027 <&>".into(),
            module_code: "M1".into(),
            module_title: "Accueil \"jeunes\"".into(),
            deadline: store::micros(deadline),
            days: 1,
        };
        let (subject, body) = draft_reminder(&r, BASE);
        assert_eq!(
            subject,
            "Votre candidature est encore un brouillon : date limite le dimanche 14 mars 2027 à 23 h 59"
        );
        assert_eq!(
            body,
            "Bonjour Aïcha Durand,

Votre candidature à l'appel « Appel 2027 <&> » (module M1 — Accueil \"jeunes\") est encore un brouillon.
La date limite de dépôt est le dimanche 14 mars 2027 à 23 h 59, dans moins d'un jour.

Après cette date, le dépôt ne sera plus possible. Complétez et envoyez-la ici :
http://promeneurs.test/candidatures/00000000-0000-0000-0000-000000000000

— Promeneurs du Net"
        );
        r.days = 7;
        let (_, body) = draft_reminder(&r, BASE);
        assert!(
            body.contains("le dimanche 14 mars 2027 à 23 h 59, dans moins de 7 jours.\n"),
            "{body}"
        );
    }

    #[test]
    fn a_convention_reminder_counts_the_days_from_today() {
        let r = DueReminder {
            convention: Convention {
                id: Uuid::nil(),
                structure_id: Uuid::nil(),
                structure_name: "Centre social <L'Étoile> & co".into(),
                department: domain::DepartmentCode::parse("03").unwrap(),
                starts_on: jiff::civil::date(2024, 1, 26),
                ends_on: jiff::civil::date(2027, 1, 25),
                signed_on: None,
                document_id: None,
                document_name: None,
            },
            days: 30,
            structure_email: None,
            caf_email: String::new(),
            caf_name: "Caf de l'Allier".into(),
        };
        let (subject, body) = convention_reminder(&r, jiff::civil::date(2026, 11, 26), BASE);
        assert_eq!(
            subject,
            "Votre convention Promeneurs du Net prend fin le 25 janvier 2027"
        );
        assert_eq!(
            body,
            "Bonjour,

La convention « Promeneurs du Net » entre Centre social <L'Étoile> & co et la Caf de l'Allier prend fin le 25 janvier 2027, dans 60 jours.

Pour que les promeneurs de la structure restent dans le réseau et dans l'annuaire public, pensez à la renouveler : la Caf vous enverra la nouvelle convention à signer.

Fiche de la structure : http://promeneurs.test/reseau/structures/00000000-0000-0000-0000-000000000000

Ceci est un message automatique de la plateforme Promeneurs du Net."
        );
    }
}
