//! The statuses of an application and their transitions (DESIGN §4).

use std::fmt;

/// The life of an application (DESIGN §4): `draft → submitted →
/// (complement_requested ↔ submitted) → under_review → retained |
/// not_retained`, and `withdrawn` from any state that is not final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ApplicationStatus {
    Draft,
    Submitted,
    ComplementRequested,
    UnderReview,
    Retained,
    NotRetained,
    Withdrawn,
}

/// A transition asked from a state that does not allow it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct TransitionError {
    pub from: ApplicationStatus,
    pub message: &'static str,
}

impl ApplicationStatus {
    pub const ALL: [Self; 7] = [
        Self::Draft,
        Self::Submitted,
        Self::ComplementRequested,
        Self::UnderReview,
        Self::Retained,
        Self::NotRetained,
        Self::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::ComplementRequested => "complement_requested",
            Self::UnderReview => "under_review",
            Self::Retained => "retained",
            Self::NotRetained => "not_retained",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "Brouillon",
            Self::Submitted => "Déposée",
            Self::ComplementRequested => "Complément demandé",
            Self::UnderReview => "En instruction",
            Self::Retained => "Retenue",
            Self::NotRetained => "Non retenue",
            Self::Withdrawn => "Retirée",
        }
    }

    pub fn is_final(self) -> bool {
        matches!(self, Self::Retained | Self::NotRetained | Self::Withdrawn)
    }

    /// The applicant may still change the form and the documents: while
    /// it may file them.
    pub fn editable(self) -> bool {
        self.submit().is_ok()
    }

    fn refuse(self, message: &'static str) -> TransitionError {
        TransitionError {
            from: self,
            message,
        }
    }

    /// Filing (from a draft) or filing again after a complement request.
    pub fn submit(self) -> Result<Self, TransitionError> {
        match self {
            Self::Draft | Self::ComplementRequested => Ok(Self::Submitted),
            Self::Submitted | Self::UnderReview => {
                Err(self.refuse("Cette candidature est déjà déposée."))
            }
            _ => Err(self.refuse("Cette candidature ne peut plus être déposée.")),
        }
    }

    /// Staff ask the applicant for more.
    pub fn request_complement(self) -> Result<Self, TransitionError> {
        match self {
            Self::Submitted | Self::UnderReview | Self::ComplementRequested => {
                Ok(Self::ComplementRequested)
            }
            Self::Draft => Err(self.refuse(
                "Cette candidature n'est pas encore déposée : aucun complément ne peut être demandé.",
            )),
            _ => Err(self.refuse("Cette candidature est close : aucun complément ne peut être demandé.")),
        }
    }

    /// Staff and the applicant may write to each other about a filed
    /// application, until it is withdrawn (a decided one still has its
    /// letter and its convention to talk about).
    pub fn conversation(self) -> Result<(), TransitionError> {
        match self {
            Self::Draft => Err(self.refuse(
                "Cette candidature n'est pas encore déposée : la Caf ne la voit pas encore. Pour une question sur l'appel, utilisez le contact indiqué dans l'appel.",
            )),
            Self::Withdrawn => {
                Err(self.refuse("Cette candidature est retirée : la conversation est close."))
            }
            _ => Ok(()),
        }
    }

    /// Staff start examining a filed application.
    pub fn start_review(self) -> Result<Self, TransitionError> {
        match self {
            Self::Submitted => Ok(Self::UnderReview),
            _ => Err(self.refuse("Seule une candidature déposée peut passer en instruction.")),
        }
    }

    /// The applicant withdraws before the decision.
    pub fn withdraw(self) -> Result<Self, TransitionError> {
        if self.is_final() {
            Err(self.refuse("Cette candidature est close : elle ne peut plus être retirée."))
        } else {
            Ok(Self::Withdrawn)
        }
    }
}

/// A change of an application's status, as the store applies it: the
/// store's `UPDATE … WHERE status IN (…)` takes its source states from here,
/// so the rule is written once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Submit,
    RequestComplement,
    StartReview,
    Withdraw,
}

impl Transition {
    pub const ALL: [Self; 4] = [
        Self::Submit,
        Self::RequestComplement,
        Self::StartReview,
        Self::Withdraw,
    ];

    /// The transition applied to `from`, by the rules of `ApplicationStatus`.
    pub fn apply(self, from: ApplicationStatus) -> Result<ApplicationStatus, TransitionError> {
        match self {
            Self::Submit => from.submit(),
            Self::RequestComplement => from.request_complement(),
            Self::StartReview => from.start_review(),
            Self::Withdraw => from.withdraw(),
        }
    }

    /// The states the transition starts from.
    pub fn sources(self) -> Vec<ApplicationStatus> {
        ApplicationStatus::ALL
            .into_iter()
            .filter(|s| self.apply(*s).is_ok())
            .collect()
    }

    /// The state the transition leads to (the same from every source).
    pub fn target(self) -> ApplicationStatus {
        match self {
            Self::Submit => ApplicationStatus::Submitted,
            Self::RequestComplement => ApplicationStatus::ComplementRequested,
            Self::StartReview => ApplicationStatus::UnderReview,
            Self::Withdraw => ApplicationStatus::Withdrawn,
        }
    }
}

impl fmt::Display for ApplicationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
