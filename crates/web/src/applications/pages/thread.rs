//! The two forms of an application's thread: staff ask for a complement,
//! and either side writes to the other. A refusal comes back on the
//! application's page with the text kept.

use super::show::{Feedback, answer_form};
#[allow(clippy::wildcard_imports)]
use super::*;

/// What a form of the application's thread posts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ThreadForm {
    /// Staff ask for a complement (the status changes).
    Complement,
    /// A message to the other side (the applicant, or the call's staff).
    Message,
}

async fn post_to_thread(
    state: &AppState,
    (p, auth): (&Principal, &Auth),
    id: Uuid,
    f: &Fields,
    form: ThreadForm,
) -> Result<Response, AppError> {
    let (field, to) = match form {
        ThreadForm::Complement => (
            "complement_message",
            format!("/candidatures/{id}?message=complement-demande"),
        ),
        ThreadForm::Message => (
            "conversation_message",
            format!("/candidatures/{id}?message=message-envoye#echanges"),
        ),
    };
    let text = f.get(field).to_owned();
    let result = match form {
        ThreadForm::Complement => calls::request_complement(state, p, id, &text)
            .await
            .map(|_| ()),
        ThreadForm::Message => calls::post_message(state, p, id, &text).await.map(|_| ()),
    }
    .map_err(AppError::from);
    answer_form(
        state,
        p,
        auth,
        id,
        result,
        |()| to,
        |e| {
            let error = Some(e.fields.values().next().cloned().unwrap_or(e.message));
            Ok(match form {
                ThreadForm::Complement => Feedback {
                    complement_error: error,
                    complement: text,
                    ..Feedback::default()
                },
                ThreadForm::Message => Feedback {
                    conversation_error: error,
                    conversation: text,
                    ..Feedback::default()
                },
            })
        },
    )
    .await
}

/// Staff ask the applicant for a complement.
pub(super) async fn complement(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    f: Fields,
) -> Result<Response, AppError> {
    post_to_thread(&state, (&p, &auth), id, &f, ThreadForm::Complement).await
}

/// A message to the other side of the application (the applicant, or the
/// call's staff).
pub(super) async fn converse(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    f: Fields,
) -> Result<Response, AppError> {
    post_to_thread(&state, (&p, &auth), id, &f, ThreadForm::Message).await
}
