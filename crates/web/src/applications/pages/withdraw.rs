//! The applicant withdraws its application: a confirmation page, then the
//! withdrawal.

#[allow(clippy::wildcard_imports)]
use super::*;

#[derive(Template)]
#[template(path = "applications/withdraw.html")]
pub(super) struct Withdraw {
    layout: Layout,
    a: Application,
}

pub(super) async fn withdraw_page(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
) -> Result<Html<String>, AppError> {
    let a = calls::application(&state, &p, id).await?;
    if !calls::is_applicant(&p, &a) {
        return Err(AppError::forbidden(
            "Seule la structure candidate peut retirer sa candidature.",
        ));
    }
    if a.status.is_final() {
        return Err(AppError::conflict(
            "status",
            "Cette candidature est close : elle ne peut plus être retirée.",
        ));
    }
    render(&Withdraw {
        layout: Layout::new(&auth, "Retirer la candidature"),
        a,
    })
}

pub(super) async fn withdraw(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    _f: Fields,
) -> Result<Redirect, AppError> {
    calls::withdraw(&state, &p, id).await?;
    Ok(Redirect::to(&format!("/candidatures/{id}?message=retiree")))
}
