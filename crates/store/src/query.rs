//! Dynamic queries (lists with optional filters): the SQL text is built from
//! fixed fragments, every value is a bound argument, and the same text runs
//! on either backend.

use domain::NetworkScope;
use sqlx::{FromRow, postgres::PgRow, sqlite::SqliteRow};
use uuid::Uuid;

use crate::{Db, StoreError, Tx};

#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Text(String),
    OptText(Option<String>),
    Uuid(Uuid),
    Int(i64),
    Bool(bool),
    Real(f64),
}

impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Text(v.to_owned())
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::Text(v)
    }
}
impl From<Option<String>> for Arg {
    fn from(v: Option<String>) -> Self {
        Arg::OptText(v)
    }
}
impl From<Uuid> for Arg {
    fn from(v: Uuid) -> Self {
        Arg::Uuid(v)
    }
}
impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Arg::Int(v)
    }
}
impl From<bool> for Arg {
    fn from(v: bool) -> Self {
        Arg::Bool(v)
    }
}
impl From<f64> for Arg {
    fn from(v: f64) -> Self {
        Arg::Real(v)
    }
}

/// A SQL text with its arguments, numbered `$1`, `$2`… as they are added.
#[derive(Debug, Clone, Default)]
pub(crate) struct Sql {
    pub text: String,
    pub args: Vec<Arg>,
}

macro_rules! bind_args {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for a in $args {
            q = match a {
                $crate::query::Arg::Text(v) => q.bind(v.clone()),
                $crate::query::Arg::OptText(v) => q.bind(v.clone()),
                $crate::query::Arg::Uuid(v) => q.bind(*v),
                $crate::query::Arg::Int(v) => q.bind(*v),
                $crate::query::Arg::Bool(v) => q.bind(*v),
                $crate::query::Arg::Real(v) => q.bind(*v),
            };
        }
        q
    }};
}

impl Sql {
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            args: Vec::new(),
        }
    }

    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Adds an argument and returns its placeholder.
    pub fn arg(&mut self, value: impl Into<Arg>) -> String {
        self.args.push(value.into());
        format!("${}", self.args.len())
    }

    /// `IN (...)` over values; an empty list gives a condition that is false.
    pub fn in_list<T: Into<Arg> + Clone>(&mut self, column: &str, values: &[T]) -> String {
        if values.is_empty() {
            return "1 = 0".to_owned();
        }
        let marks: Vec<String> = values.iter().map(|v| self.arg(v.clone())).collect();
        format!("{column} IN ({})", marks.join(", "))
    }

    pub async fn fetch_all<T>(&self, db: &Db) -> Result<Vec<T>, StoreError>
    where
        T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin,
    {
        Ok(read!(db, c => {
            bind_args!(sqlx::query_as::<_, T>(sqlx::AssertSqlSafe(self.text.as_str())), &self.args)
                .fetch_all(c)
                .await?
        }))
    }

    pub async fn fetch_optional<T>(&self, db: &Db) -> Result<Option<T>, StoreError>
    where
        T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin,
    {
        Ok(read!(db, c => {
            bind_args!(sqlx::query_as::<_, T>(sqlx::AssertSqlSafe(self.text.as_str())), &self.args)
                .fetch_optional(c)
                .await?
        }))
    }

    pub async fn count(&self, db: &Db) -> Result<i64, StoreError> {
        Ok(read!(db, c => {
            bind_args!(sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(self.text.as_str())), &self.args)
                .fetch_one(c)
                .await?
        }))
    }

    /// [`Sql::count`] inside a write transaction (what it reads is what
    /// the transaction will change).
    pub async fn count_in(&self, tx: &mut Tx) -> Result<i64, StoreError> {
        Ok(write!(tx, c => {
            bind_args!(sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(self.text.as_str())), &self.args)
                .fetch_one(c)
                .await?
        }))
    }

    pub async fn execute(&self, tx: &mut Tx) -> Result<u64, StoreError> {
        Ok(write!(tx, c => {
            bind_args!(sqlx::query(sqlx::AssertSqlSafe(self.text.as_str())), &self.args)
                .execute(c)
                .await?
                .rows_affected()
        }))
    }
}

/// Where a table keeps what network scopes filter on.
pub(crate) struct ScopeColumns<'a> {
    pub department: &'a str,
    pub structure: &'a str,
    /// The condition for a promeneur's own account; `{}` stands for the
    /// account's placeholder.
    pub own: &'a str,
}

/// The `WHERE` condition of a network scope: staff see their
/// départements, referents their structures, a promeneur its own record.
pub(crate) fn scope_condition(
    sql: &mut Sql,
    scope: &NetworkScope,
    cols: &ScopeColumns<'_>,
) -> String {
    let mut parts = Vec::new();
    match scope.departments.codes() {
        None => return "1 = 1".to_owned(),
        Some(codes) if !codes.is_empty() => parts.push(sql.in_list(cols.department, &codes)),
        Some(_) => {}
    }
    if !scope.structures.is_empty() {
        let ids: Vec<Uuid> = scope.structures.iter().copied().collect();
        parts.push(sql.in_list(cols.structure, &ids));
    }
    if let Some(user) = scope.own_user {
        let m = sql.arg(user);
        parts.push(cols.own.replace("{}", &m));
    }
    if parts.is_empty() {
        "1 = 0".to_owned()
    } else {
        format!("({})", parts.join(" OR "))
    }
}
