//! The pages of a staff list: 50 rows at a time, with links to the
//! previous and next pages that keep the list's filters.

/// Rows on one page of a staff list.
pub(super) const PAGE_ROWS: i64 = 50;

/// The page asked for (`?page=`, from 1): anything else is the first.
pub(super) fn page_number(raw: &str) -> i64 {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| (1..=1_000_000).contains(n))
        .unwrap_or(1)
}

/// The offset of the first row of `page`.
pub(super) fn offset_of(page: i64) -> i64 {
    (page - 1) * PAGE_ROWS
}

/// Where the reader is in the list ("51 à 100 sur 10 000") and the links
/// around.
pub(super) struct Pager {
    pub from: i64,
    pub to: i64,
    pub total: i64,
    pub previous: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// `filters`: the list's query, without the page.
    pub(super) fn new(
        path: &str,
        filters: &[(&str, &str)],
        page: i64,
        shown: usize,
        total: i64,
    ) -> Self {
        let link = |n: i64| {
            let n = n.to_string();
            let mut query: Vec<(&str, &str)> = filters
                .iter()
                .filter(|(_, v)| !v.is_empty())
                .copied()
                .collect();
            query.push(("page", &n));
            format!(
                "{path}?{}",
                serde_urlencoded::to_string(&query).unwrap_or_default()
            )
        };
        let from = offset_of(page) + 1;
        let to = offset_of(page) + i64::try_from(shown).unwrap_or(0);
        // Past the end (an old link after a filter or a deletion): back to
        // the last page that has rows.
        let last = ((total + PAGE_ROWS - 1) / PAGE_ROWS).max(1);
        Self {
            from,
            to,
            total,
            previous: (page > 1).then(|| link((page - 1).min(last))),
            next: (to < total && shown > 0).then(|| link(page + 1)),
        }
    }

    /// Whether this page shows rows ("51 à 100 sur 120").
    pub fn has_rows(&self) -> bool {
        self.to >= self.from
    }

    /// Whether the list spans more than one page.
    pub fn shown(&self) -> bool {
        self.previous.is_some() || self.next.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_the_filters_and_stop_at_the_ends() {
        let p = Pager::new(
            "/reseau/promeneurs",
            &[("q", "é t"), ("status", "")],
            1,
            50,
            120,
        );
        assert_eq!((p.from, p.to, p.total), (1, 50, 120));
        assert!(p.previous.is_none());
        assert_eq!(
            p.next.as_deref(),
            Some("/reseau/promeneurs?q=%C3%A9+t&page=2")
        );
        let p = Pager::new("/reseau/promeneurs", &[], 3, 20, 120);
        assert_eq!((p.from, p.to), (101, 120));
        assert_eq!(p.previous.as_deref(), Some("/reseau/promeneurs?page=2"));
        assert!(p.next.is_none());
        assert!(!Pager::new("/x", &[], 1, 3, 3).shown());
        // Past the end: no rows, a link back to the last page.
        let p = Pager::new("/x", &[], 9, 0, 120);
        assert!(!p.has_rows());
        assert_eq!(p.previous.as_deref(), Some("/x?page=3"));
        assert!(p.next.is_none());
    }

    #[test]
    fn a_strange_page_number_is_the_first() {
        for raw in ["", "0", "-2", "abc", "1e9", "99999999999"] {
            assert_eq!(page_number(raw), 1, "{raw}");
        }
        assert_eq!(page_number(" 4 "), 4);
        assert_eq!(offset_of(4), 150);
    }
}
