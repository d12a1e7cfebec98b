//! What the downloads of applications hold: the list of applications as a
//! spreadsheet, and the ZIP of the filed documents of a module. The web
//! layer sends them (file name, headers, streaming).

use std::collections::HashSet;

use documents::{
    bundle::{BundleEntry, write_zip},
    export::{Cell, Sheet},
    filename::unique,
};
use domain::{DepartmentCode, Principal, call::ApplicationStatus};
use store::applications::{Application, Document};
use uuid::Uuid;

use crate::{Ctx, ServiceError, calls};

/// The applications of a call as a sheet: one row each.
pub fn applications_sheet(items: &[Application], docs: &[Document]) -> Sheet {
    Sheet {
        title: "Candidatures".into(),
        headers: [
            "module",
            "structure",
            "siret",
            "departements",
            "statut",
            "deposee_le",
            "pieces",
            "resume",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: items
            .iter()
            .map(|a| {
                let n = docs.iter().filter(|d| d.application_id == a.id).count();
                vec![
                    Cell::Text(a.module_code.clone()),
                    Cell::Text(a.structure_name.clone()),
                    a.structure_siret
                        .clone()
                        .map_or(Cell::Empty, |s| Cell::Text(s.into())),
                    Cell::Text(DepartmentCode::join(&a.departments, " ")),
                    Cell::Text(a.status.label().to_owned()),
                    a.submitted_at.map_or(Cell::Empty, |t| {
                        Cell::Text(calls::french_instant_seconds(t))
                    }),
                    Cell::Int(i64::try_from(n).unwrap_or(0)),
                    Cell::Text(a.summary.clone()),
                ]
            })
            .collect(),
    }
}

/// The filed documents of a module, for the call's staff.
#[derive(Debug)]
pub struct ModuleDocuments {
    /// The filed applications `p` may see, withdrawn ones left out.
    pub applications: Vec<Application>,
    /// Their filed documents.
    pub documents: Vec<Document>,
    /// The name of the download, without its extension: "pieces-m1".
    pub stem: String,
}

/// The filed documents of the filed applications of a module `p` may see
/// (staff of the call; 404 for anyone else).
pub async fn module_documents(
    ctx: &Ctx,
    p: &Principal,
    call_id: Uuid,
    code: &str,
) -> Result<ModuleDocuments, ServiceError> {
    let v = calls::staff_call(ctx, p, call_id).await?;
    let m = v.module(code).ok_or(ServiceError::NotFound)?;
    let scope = p.application_scope();
    let (mut items, _) = store::applications::list(
        &ctx.db,
        &scope,
        &store::applications::Filter {
            call_id: Some(v.call.id),
            module_code: Some(m.spec.code.clone()),
            filed_only: true,
            limit: 10_000,
            ..Default::default()
        },
    )
    .await?;
    items.retain(|a| a.status != ApplicationStatus::Withdrawn);
    let ids: Vec<Uuid> = items.iter().map(|a| a.id).collect();
    let mut docs = store::applications::documents_of(&ctx.db, &ids).await?;
    docs.retain(|d| d.filed);
    Ok(ModuleDocuments {
        applications: items,
        documents: docs,
        stem: format!("pieces-{}", m.spec.code.to_lowercase()),
    })
}

/// A ZIP of the documents of these applications, one folder per
/// structure, written to a temporary file (stored, not compressed: PDFs
/// and office files already are); returns it open, with its size. The
/// file is unlinked once open, so nothing is left behind.
pub async fn bundle(
    ctx: &Ctx,
    items: &[Application],
    docs: &[Document],
) -> Result<(tokio::fs::File, u64), ServiceError> {
    let internal = |e: std::io::Error| ServiceError::internal(e);
    let mut folders = HashSet::new();
    let mut entries = Vec::new();
    for a in items {
        let folder = unique(
            &mut folders,
            documents::filename::safe_filename(&a.structure_name, "d")
                .trim_end_matches(".d")
                .to_owned(),
        );
        let mut names = HashSet::new();
        for d in docs.iter().filter(|d| d.application_id == a.id) {
            let Some(source) = ctx.blobs.path_of(&d.sha256) else {
                continue;
            };
            let name = unique(&mut names, format!("{}-{}", d.kind, d.file_name));
            entries.push(BundleEntry {
                name: format!("{folder}/{name}"),
                source,
            });
        }
    }
    let dir = ctx.blobs.root().join("tmp");
    tokio::fs::create_dir_all(&dir).await.map_err(internal)?;
    let path = dir.join(format!("{}.zip.part", Uuid::new_v4().simple()));
    let p2 = path.clone();
    let written = tokio::task::spawn_blocking(move || {
        let file = std::fs::File::create(&p2)?;
        write_zip(std::io::BufWriter::new(file), &entries)
            .map_err(std::io::Error::other)
            .and_then(|w| w.into_inner().map_err(std::io::Error::other))
            .map(|_| ())
    })
    .await
    .map_err(ServiceError::internal)?;
    if let Err(e) = written {
        let _ = tokio::fs::remove_file(&path).await;
        return Err(internal(e));
    }
    let file = tokio::fs::File::open(&path).await.map_err(internal)?;
    let size = file.metadata().await.map_err(internal)?.len();
    let _ = tokio::fs::remove_file(&path).await;
    Ok((file, size))
}
