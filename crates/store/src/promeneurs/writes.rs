//! Creating and changing promeneurs: the record, its profile, its status,
//! its photo and its account.

use domain::{NetworkCap, promeneur::PromeneurStatus, text::search_key};
use jiff::{Timestamp, civil::Date};
use serde_json::json;
use uuid::Uuid;

use super::{Current, ProfileInput, Promeneur, PromeneurInput, codes::new_verification_code};
use crate::{
    StoreError, Tx,
    audit::{self, Actor},
    micros,
    query::Sql,
    structures::bump_directory,
};

pub(super) fn opt(d: Option<Date>) -> Option<String> {
    d.map(|d| d.to_string())
}

fn fields(input: &PromeneurInput) -> serde_json::Value {
    json!({
        "first_name": input.first_name, "last_name": input.last_name, "email": input.email,
        "phone": input.phone, "structure_id": input.structure_id, "job_title": input.job_title,
        "commune_insee": input.commune_insee, "mandate_hours": input.mandate_hours,
        "mandate_starts_on": opt(input.mandate_starts_on), "mandate_ends_on": opt(input.mandate_ends_on),
        "charter_signed_on": opt(input.charter_signed_on),
        "initial_training_on": opt(input.initial_training_on),
        "public_consent": input.profile.public_consent,
    })
}

/// Creates a promeneur with its first status. A duplicate e-mail is
/// `Conflict("email")`.
#[allow(clippy::too_many_arguments)]
pub async fn create(
    tx: &mut Tx,
    cap: &NetworkCap,
    actor: &Actor,
    now: Timestamp,
    input: &PromeneurInput,
    status: PromeneurStatus,
    status_on: Date,
) -> Result<Uuid, StoreError> {
    check_cap(cap, input)?;
    let id = Uuid::now_v7();
    let mut sql = Sql::new(
        "INSERT INTO promeneurs (id, first_name, last_name, search_key, email, phone, structure_id, department,
         job_title, commune_insee, status, mandate_hours, mandate_starts_on, mandate_ends_on, charter_signed_on,
         initial_training_on, public_consent, public_bio, verification_code, created_at, updated_at) VALUES (",
    );
    let values = [
        sql.arg(id),
        sql.arg(input.first_name.as_str()),
        sql.arg(input.last_name.as_str()),
        sql.arg(search_key(&format!(
            "{} {}",
            input.first_name, input.last_name
        ))),
        sql.arg(input.email.as_str()),
        sql.arg(input.phone.clone()),
        sql.arg(input.structure_id),
        sql.arg(input.department.as_str()),
        sql.arg(input.job_title.as_str()),
        sql.arg(input.commune_insee.as_str()),
        sql.arg(status.as_str()),
        opt_int(&mut sql, input.mandate_hours),
        sql.arg(opt(input.mandate_starts_on)),
        sql.arg(opt(input.mandate_ends_on)),
        sql.arg(opt(input.charter_signed_on)),
        sql.arg(opt(input.initial_training_on)),
        sql.arg(input.profile.public_consent),
        sql.arg(input.profile.public_bio.as_str()),
        sql.arg(new_verification_code()),
        sql.arg(micros(now)),
    ];
    let at = values[19].clone();
    sql.push(&values.join(", "));
    sql.push(&format!(", {at})"));
    sql.execute(tx).await.map_err(|e| e.unique_as("email"))?;
    write_children(tx, id, &input.profile).await?;
    insert_history(tx, actor, now, id, status, status_on, "").await?;
    let mut f = fields(input);
    f["status"] = json!(status.as_str());
    audit::log(
        tx,
        actor,
        now,
        "create",
        "promeneur",
        id,
        Some(input.department.as_str()),
        f,
    )
    .await?;
    bump_directory(tx).await?;
    Ok(id)
}

fn opt_int(sql: &mut Sql, v: Option<i64>) -> String {
    match v {
        Some(v) => sql.arg(v),
        None => "NULL".to_owned(),
    }
}

fn check_cap(cap: &NetworkCap, input: &PromeneurInput) -> Result<(), StoreError> {
    let structure_ok = cap.staff || cap.structure == Some(input.structure_id);
    if cap.department == input.department && structure_ok {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// Replaces every field set by staff or a referent (not the status).
pub async fn update(
    tx: &mut Tx,
    cap: &NetworkCap,
    actor: &Actor,
    now: Timestamp,
    current: &Current,
    input: &PromeneurInput,
) -> Result<(), StoreError> {
    let id = current.id;
    check_cap(cap, input)?;
    // The current record must be within the capability too.
    // (The caller checked the caller's rights on the current record's
    // département when it differs: a move between départements.)
    if !cap.staff && cap.structure != Some(current.structure_id) {
        return Err(StoreError::NotFound);
    }
    let mut sql = Sql::new("UPDATE promeneurs SET ");
    let sets = [
        format!("first_name = {}", sql.arg(input.first_name.as_str())),
        format!("last_name = {}", sql.arg(input.last_name.as_str())),
        format!(
            "search_key = {}",
            sql.arg(search_key(&format!(
                "{} {}",
                input.first_name, input.last_name
            )))
        ),
        format!("email = {}", sql.arg(input.email.as_str())),
        format!("phone = {}", sql.arg(input.phone.clone())),
        format!("structure_id = {}", sql.arg(input.structure_id)),
        format!("department = {}", sql.arg(input.department.as_str())),
        format!("job_title = {}", sql.arg(input.job_title.as_str())),
        format!("commune_insee = {}", sql.arg(input.commune_insee.as_str())),
        format!("mandate_hours = {}", opt_int(&mut sql, input.mandate_hours)),
        format!(
            "mandate_starts_on = {}",
            sql.arg(opt(input.mandate_starts_on))
        ),
        format!("mandate_ends_on = {}", sql.arg(opt(input.mandate_ends_on))),
        format!(
            "charter_signed_on = {}",
            sql.arg(opt(input.charter_signed_on))
        ),
        format!(
            "initial_training_on = {}",
            sql.arg(opt(input.initial_training_on))
        ),
        format!("public_consent = {}", sql.arg(input.profile.public_consent)),
        format!(
            "public_bio = {}",
            sql.arg(input.profile.public_bio.as_str())
        ),
        format!("updated_at = {}", sql.arg(micros(now))),
    ];
    sql.push(&sets.join(", "));
    let m = sql.arg(id);
    sql.push(&format!(" WHERE id = {m}"));
    let n = sql.execute(tx).await.map_err(|e| e.unique_as("email"))?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    write_children(tx, id, &input.profile).await?;
    audit::log(
        tx,
        actor,
        now,
        "update",
        "promeneur",
        id,
        Some(input.department.as_str()),
        fields(input),
    )
    .await?;
    bump_directory(tx).await
}

/// A promeneur edits its own public profile (`owner` is its account).
pub async fn update_profile(
    tx: &mut Tx,
    owner: Uuid,
    actor: &Actor,
    now: Timestamp,
    id: Uuid,
    profile: &ProfileInput,
) -> Result<(), StoreError> {
    let n = write!(&mut *tx, c => {
        sqlx::query("UPDATE promeneurs SET public_consent = $1, public_bio = $2, updated_at = $3 WHERE id = $4 AND user_id = $5")
            .bind(profile.public_consent)
            .bind(&profile.public_bio)
            .bind(micros(now))
            .bind(id)
            .bind(owner)
            .execute(c)
            .await?
            .rows_affected()
    });
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    write_children(tx, id, profile).await?;
    audit::log(
        tx,
        actor,
        now,
        "update_profile",
        "promeneur",
        id,
        None,
        json!({"public_consent": profile.public_consent, "networks": profile.networks.len(),
               "presence": profile.presence.len(), "themes": profile.themes}),
    )
    .await?;
    bump_directory(tx).await
}

async fn write_children(tx: &mut Tx, id: Uuid, p: &ProfileInput) -> Result<(), StoreError> {
    write!(&mut *tx, c => {
        sqlx::query("DELETE FROM promeneur_networks WHERE promeneur_id = $1").bind(id).execute(&mut *c).await?;
        sqlx::query("DELETE FROM promeneur_presence WHERE promeneur_id = $1").bind(id).execute(&mut *c).await?;
        sqlx::query("DELETE FROM promeneur_themes WHERE promeneur_id = $1").bind(id).execute(&mut *c).await?.rows_affected()
    });
    for (i, n) in p.networks.iter().enumerate() {
        let pos = i64::try_from(i).unwrap_or(i64::MAX);
        write!(&mut *tx, c => {
            sqlx::query("INSERT INTO promeneur_networks (promeneur_id, position, platform, handle, url) VALUES ($1, $2, $3, $4, $5)")
                .bind(id).bind(pos).bind(&n.platform).bind(&n.handle).bind(&n.url)
                .execute(c).await?.rows_affected()
        });
    }
    for (i, s) in p.presence.iter().enumerate() {
        let pos = i64::try_from(i).unwrap_or(i64::MAX);
        write!(&mut *tx, c => {
            sqlx::query("INSERT INTO promeneur_presence (promeneur_id, position, weekday, start_minute, end_minute) VALUES ($1, $2, $3, $4, $5)")
                .bind(id).bind(pos).bind(s.weekday).bind(s.start_minute).bind(s.end_minute)
                .execute(c).await?.rows_affected()
        });
    }
    let mut seen = std::collections::BTreeSet::new();
    for t in &p.themes {
        if !seen.insert(t) {
            continue;
        }
        write!(&mut *tx, c => {
            sqlx::query("INSERT INTO promeneur_themes (promeneur_id, theme) VALUES ($1, $2)")
                .bind(id).bind(t)
                .execute(c).await?.rows_affected()
        });
    }
    Ok(())
}

async fn insert_history(
    tx: &mut Tx,
    actor: &Actor,
    now: Timestamp,
    id: Uuid,
    status: PromeneurStatus,
    on: Date,
    reason: &str,
) -> Result<(), StoreError> {
    write!(tx, c => {
        sqlx::query("INSERT INTO promeneur_status_history (id, promeneur_id, status, on_date, reason, actor_label, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(Uuid::now_v7()).bind(id).bind(status.as_str()).bind(on.to_string()).bind(reason)
            .bind(&actor.label).bind(micros(now))
            .execute(c).await?.rows_affected()
    });
    Ok(())
}

/// Moves a promeneur to `status` (the caller checked the transition).
#[allow(clippy::too_many_arguments)]
pub async fn set_status(
    tx: &mut Tx,
    cap: &NetworkCap,
    actor: &Actor,
    now: Timestamp,
    current: &Current,
    status: PromeneurStatus,
    on: Date,
    reason: &str,
) -> Result<(), StoreError> {
    if current.department != cap.department
        || !(cap.staff || cap.structure == Some(current.structure_id))
    {
        return Err(StoreError::NotFound);
    }
    // Guarded by the old status: of two concurrent moves, one wins.
    let n = write!(&mut *tx, c => {
        sqlx::query("UPDATE promeneurs SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4")
            .bind(status.as_str()).bind(micros(now)).bind(current.id).bind(current.status.as_str())
            .execute(c).await?.rows_affected()
    });
    if n == 0 {
        return Err(StoreError::Conflict("status"));
    }
    insert_history(tx, actor, now, current.id, status, on, reason).await?;
    audit::log(
        tx,
        actor,
        now,
        "set_status",
        "promeneur",
        current.id,
        Some(current.department.as_str()),
        json!({"from": current.status.as_str(), "status": status.as_str(), "on": on.to_string(), "reason": reason}),
    )
    .await?;
    bump_directory(tx).await
}

/// Sets or removes the photo (an id from `files::put`).
pub async fn set_photo(
    tx: &mut Tx,
    actor: &Actor,
    now: Timestamp,
    current: &Promeneur,
    photo: Option<Uuid>,
) -> Result<(), StoreError> {
    write!(&mut *tx, c => {
        sqlx::query("UPDATE promeneurs SET photo_id = $1, updated_at = $2 WHERE id = $3")
            .bind(photo).bind(micros(now)).bind(current.id)
            .execute(c).await?.rows_affected()
    });
    if let Some(old) = current.photo_id {
        crate::files::delete(tx, old).await?;
    }
    audit::log(
        tx,
        actor,
        now,
        "set_photo",
        "promeneur",
        current.id,
        Some(current.department.as_str()),
        json!({"photo": photo.is_some()}),
    )
    .await?;
    bump_directory(tx).await
}

/// Links a promeneur record to a user account (its own login).
pub async fn link_user(tx: &mut Tx, id: Uuid, user_id: Uuid) -> Result<(), StoreError> {
    write!(tx, c => {
        sqlx::query("UPDATE promeneurs SET user_id = $1 WHERE id = $2")
            .bind(user_id).bind(id).execute(c).await?.rows_affected()
    });
    Ok(())
}
