//! What every page shares: the layout (title, navigation by role, the CSRF
//! token for forms, a flash message) and the error page.

use askama::Template;
use domain::Role;

use crate::{AppError, assets, auth::Auth};

pub struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
}

pub struct Layout {
    pub title: String,
    /// The CAFs of the wordmark ("Caf de l'Allier et du Puy-de-Dôme").
    pub cafs: std::sync::Arc<str>,
    pub user_name: Option<String>,
    pub nav: Vec<NavLink>,
    pub csrf: String,
    pub flash: Option<Flash>,
    pub css: Vec<String>,
    /// The URL of the site's icon.
    pub favicon: String,
    /// Reload the page after this many seconds (progress pages).
    pub refresh: Option<u32>,
}

pub struct Flash {
    pub kind: &'static str,
    pub text: String,
}

impl Layout {
    pub fn new(auth: &Auth, title: impl Into<String>) -> Self {
        let mut nav = vec![
            NavLink {
                href: "/annuaire",
                label: "Annuaire",
            },
            NavLink {
                href: "/communes",
                label: "Communes",
            },
            NavLink {
                href: "/appels",
                label: "Appels à candidatures",
            },
        ];
        let user_name = auth.principal.as_ref().map(|p| p.name.clone());
        if let Some(p) = &auth.principal {
            nav.insert(
                0,
                NavLink {
                    href: "/accueil",
                    label: "Mon accueil",
                },
            );
            if p.is_staff() {
                nav.push(NavLink {
                    href: "/gestion/appels",
                    label: "Gestion des appels",
                });
            }
            if !p.network_scope().departments.is_empty() || !p.referent_structures().is_empty() {
                nav.push(NavLink {
                    href: "/reseau/promeneurs",
                    label: "Promeneurs",
                });
                nav.push(NavLink {
                    href: "/reseau/structures",
                    label: "Structures",
                });
            }
            if p.is_staff() {
                nav.push(NavLink {
                    href: "/reseau/conventions",
                    label: "Conventions",
                });
            }
            if p.has_role(Role::StructureReferent) {
                nav.push(NavLink {
                    href: "/candidatures",
                    label: "Candidatures",
                });
            }
            if p.has_role(Role::CommitteeMember) {
                nav.push(NavLink {
                    href: "/comite",
                    label: "Comité",
                });
            }
            if p.has_role(Role::Promeneur) {
                nav.push(NavLink {
                    href: "/mon-profil",
                    label: "Mon profil",
                });
            }
            if p.has_role(Role::Promeneur) || p.has_role(Role::Trainer) || p.is_staff() {
                nav.push(NavLink {
                    href: "/formations",
                    label: "Formations",
                });
            }
            if p.has_role(Role::CafAgent) || p.is_admin() {
                nav.push(NavLink {
                    href: "/caf",
                    label: "Ma Caf",
                });
            }
            if p.has_role(Role::CafAgent) || p.has_role(Role::Coordinator) {
                nav.push(NavLink {
                    href: "/gestion/tuilages",
                    label: "Tuilage",
                });
            }
            if p.is_admin() {
                // The audit log is an administrator's page; a CAF agent
                // reaches its départements' part from "Ma Caf".
                nav.push(NavLink {
                    href: "/journal",
                    label: "Journal",
                });
                nav.push(NavLink {
                    href: "/admin/utilisateurs",
                    label: "Comptes",
                });
                nav.push(NavLink {
                    href: "/admin/jetons",
                    label: "Jetons d'API",
                });
                nav.push(NavLink {
                    href: "/admin/emails",
                    label: "E-mails",
                });
                nav.push(NavLink {
                    href: "/admin/themes",
                    label: "Thèmes",
                });
                nav.push(NavLink {
                    href: "/admin/modeles-de-courrier",
                    label: "Modèles de courrier",
                });
            }
            nav.push(NavLink {
                href: "/compte",
                label: "Mon compte",
            });
        }
        Self {
            title: title.into(),
            cafs: auth.cafs.clone(),
            user_name,
            nav,
            // Reading the token makes a visitor's response set the CSRF
            // cookie: only pages with forms do (see `for_form`).
            csrf: if auth.principal.is_some() {
                auth.csrf_value()
            } else {
                String::new()
            },
            flash: None,
            css: assets::stylesheets(),
            favicon: assets::url("favicon.svg"),
            refresh: None,
        }
    }

    /// The layout of a page with a form that a visitor (not logged in) may
    /// post: it carries the CSRF token, and sets its cookie if needed.
    pub fn for_form(auth: &Auth, title: impl Into<String>) -> Self {
        let mut l = Self::new(auth, title);
        l.csrf = auth.csrf_value();
        l
    }

    pub fn with_flash(mut self, kind: &'static str, text: impl Into<String>) -> Self {
        self.flash = Some(Flash {
            kind,
            text: text.into(),
        });
        self
    }

    /// A success message chosen by a code in the query string (never text
    /// from the URL itself).
    pub fn with_message(self, code: Option<&str>) -> Self {
        let text = match code {
            Some("mot-de-passe-modifie") => {
                "Votre mot de passe a été modifié. Vous pouvez vous connecter."
            }
            Some("mot-de-passe-change") => "Votre mot de passe a été changé.",
            Some("deconnecte") => "Vous êtes déconnecté.",
            Some("compte-cree") => "Compte créé. Un e-mail d'activation a été envoyé.",
            Some("jeton-revoque") => "Le jeton a été révoqué.",
            Some("enregistre") => "Modifications enregistrées.",
            Some("compte-desactive") => "Le compte a été désactivé.",
            Some("compte-reactive") => "Le compte a été réactivé.",
            Some("archivee") => "La structure est archivée : elle n'apparaît plus dans les listes.",
            Some("restauree") => "La structure est de nouveau active.",
            Some("convention-enregistree") => "La convention est enregistrée.",
            Some("statut-modifie") => "Le statut est modifié.",
            Some("propose") => {
                "Enregistré. Le statut « Actif », le mandat, la charte et la formation initiale sont proposés : la Caf ou la coordination du département les confirme."
            }
            Some("proposition-confirmee") => "La proposition est confirmée.",
            Some("proposition-refusee") => "La proposition est refusée.",
            Some("structure-validee") => {
                "La structure est validée : ses promeneurs peuvent paraître dans l'annuaire."
            }
            Some("photo-enregistree") => "La photo est enregistrée.",
            Some("photo-supprimee") => "La photo est supprimée.",
            Some("compte-ouvert") => {
                "Le compte est créé : le promeneur a reçu un e-mail pour choisir son mot de passe."
            }
            _ => return self,
        };
        self.with_flash("success", text)
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate<'a> {
    layout: Layout,
    heading: &'a str,
    message: &'a str,
    status: u16,
}

pub struct ErrorPage;

impl ErrorPage {
    #[expect(clippy::new_ret_no_self, reason = "renders straight to HTML")]
    pub fn new(auth: &Auth, err: &AppError) -> String {
        let heading = match err.status.as_u16() {
            403 => "Accès refusé",
            404 => "Page introuvable",
            413 => "Contenu trop volumineux",
            429 => "Trop de tentatives",
            s if s >= 500 => "Erreur du serveur",
            _ => "Requête refusée",
        };
        let t = ErrorTemplate {
            layout: Layout::new(auth, heading),
            heading,
            message: &err.message,
            status: err.status.as_u16(),
        };
        t.render().unwrap_or_else(|_| heading.to_owned())
    }
}

/// Renders a page template to an HTML response.
pub fn render(t: &impl Template) -> Result<axum::response::Html<String>, AppError> {
    t.render()
        .map(axum::response::Html)
        .map_err(AppError::internal)
}

/// Renders a large page template into a buffer of `capacity` bytes made at
/// once.
pub fn render_sized(
    t: &impl Template,
    capacity: usize,
) -> Result<axum::response::Html<String>, AppError> {
    let mut out = String::with_capacity(capacity);
    t.render_into(&mut out).map_err(AppError::internal)?;
    Ok(axum::response::Html(out))
}
