//! The themes promeneurs choose from, kept by administrators.

use domain::Principal;
use store::promeneurs::Theme;

use crate::{Ctx, ServiceError, accounts::actor, admin::admin};

/// Every theme, archived ones included, in their order.
pub async fn themes(ctx: &Ctx) -> Result<Vec<Theme>, ServiceError> {
    Ok(store::promeneurs::themes(&ctx.db).await?)
}

/// The themes one may still choose.
pub async fn active_themes(ctx: &Ctx) -> Result<Vec<Theme>, ServiceError> {
    Ok(themes(ctx)
        .await?
        .into_iter()
        .filter(|t| !t.archived)
        .collect())
}

/// A theme as typed: its code (empty: made from the label), label,
/// position (unreadable: 100) and whether it is archived.
#[derive(Debug, Clone, Default)]
pub struct ThemeDraft {
    pub slug: String,
    pub label: String,
    pub position: String,
    pub archived: bool,
}

/// Checks a theme as typed.
pub fn parse(d: &ThemeDraft) -> Result<Theme, ServiceError> {
    let label = d.label.trim().to_owned();
    let slug = match d.slug.trim() {
        "" => domain::text::search_key(&label).replace(' ', "_"),
        s => s.to_owned(),
    };
    if label.is_empty() || label.chars().count() > 80 {
        return Err(ServiceError::invalid_field(
            "label",
            "Le libellé doit compter de 1 à 80 caractères.",
        ));
    }
    if slug.is_empty()
        || !slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return Err(ServiceError::invalid_field(
            "label",
            "Le code ne peut contenir que des lettres minuscules sans accent, des chiffres et « _ ».",
        ));
    }
    Ok(Theme {
        slug,
        label,
        position: d.position.trim().parse().unwrap_or(100),
        archived: d.archived,
    })
}

/// Adds a theme (a new code) or changes one (label, order, archived).
pub async fn save_theme(ctx: &Ctx, p: &Principal, d: &ThemeDraft) -> Result<(), ServiceError> {
    let cap = admin(p)?;
    let theme = parse(d)?;
    let mut tx = ctx.db.begin().await?;
    store::promeneurs::save_theme(&mut tx, &cap, &actor(p), ctx.now(), &theme).await?;
    tx.commit().await?;
    ctx.directory.invalidate();
    Ok(())
}
