//! What the staff decide on the results of a module: the proposals of
//! each département, their validation, the relaunch of the call.

#[allow(clippy::wildcard_imports)]
use super::*;

pub(super) async fn propose(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id((id, code)): Id<(Uuid, String)>,
    f: Fields,
) -> Result<Response, AppError> {
    let call_id = id;
    let choice = f.get("choice").trim();
    let draft = ProposalDraft {
        department: f.get("department").trim().to_owned(),
        // Anything else than an application of the list or "infructueux"
        // is neither: the service says which to choose.
        application_id: Uuid::parse_str(choice).ok(),
        unsuccessful: choice == "infructueux",
        motivation: f.get("motivation").to_owned(),
    };
    match committee::propose(&state, &p, call_id, &code, &draft)
        .await
        .map_err(AppError::from)
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/gestion/appels/{call_id}/modules/{code}/resultats?message=proposition-enregistree#departement-{}",
            draft.department
        ))
        .into_response()),
        Err(e) if matches!(e.status, StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT) => {
            let status = e.status;
            let form = ProposalForm {
                department: draft.department.clone(),
                choice: choice.to_owned(),
                motivation: draft.motivation.clone(),
                alert: (status == StatusCode::CONFLICT).then(|| e.message.clone()),
                errors: e.fields,
            };
            let refused = Some(Refused::Proposal(form));
            let page = results_page(&state, &p, &auth, call_id, &code, refused, None).await?;
            Ok((status, render(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// The CAF of the proposal's département validates or rejects it (403 for
/// any other, shown as a page).
pub(super) async fn validate(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    f: Fields,
) -> Result<Redirect, AppError> {
    let approve = match f.get("decision") {
        "valider" => true,
        "rejeter" => false,
        _ => {
            return Err(AppError::bad_request(
                "Choisissez de valider ou de rejeter la proposition.",
            ));
        }
    };
    let done = committee::validate(&state, &p, id, approve, f.get("comment")).await?;
    Ok(Redirect::to(&format!(
        "/gestion/appels/{}/modules/{}/resultats?message={}#departement-{}",
        done.call_id,
        done.module_code,
        if approve {
            "proposition-validee"
        } else {
            "proposition-rejetee"
        },
        done.department
    )))
}

/// Relaunches the module in one département as a new draft call (a CAF
/// agent of that département, once the module is declared unsuccessful
/// there and the decision validated).
pub(super) async fn relaunch(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id((id, code)): Id<(Uuid, String)>,
    f: Fields,
) -> Result<Response, AppError> {
    let call_id = id;
    let department = f.get("department").trim().to_owned();
    let deadline = f.get("deadline").trim().to_owned();
    match services::relaunch::relaunch(&state, &p, call_id, &code, &department, &deadline)
        .await
        .map_err(AppError::from)
    {
        Ok(new) => Ok(
            Redirect::to(&format!("/gestion/appels/{new}?message=appel-relance")).into_response(),
        ),
        Err(e)
            if matches!(
                e.status,
                StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT
            ) =>
        {
            let status = e.status;
            let typed = RelaunchForm {
                department,
                deadline,
                error: e.fields.get("deadline").cloned(),
                alert: if status == StatusCode::CONFLICT {
                    Some(e.message.clone())
                } else {
                    e.fields.get("department").cloned()
                },
            };
            let page = results_page(
                &state,
                &p,
                &auth,
                call_id,
                &code,
                Some(Refused::Relaunch(typed)),
                None,
            )
            .await?;
            Ok((status, render(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}
