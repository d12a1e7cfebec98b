//! The rules of the house (issue 11), checked by reading the sources (no
//! application is started):
//!
//! - no source file of `crates/*/src` or `app/src` over 600 lines, tests
//!   aside (files named `tests.rs`, files under a `tests/` folder, the
//!   bodies of `#[cfg(test)] mod … { … }` and the files of
//!   `#[cfg(test)] mod …;`) and generated data aside (a file marked
//!   `@generated` in its first lines);
//! - no import circle between the modules of any crate of `crates/`
//!   (top-level modules; second-level under `pages/` and `api/`), from
//!   their `crate::…` and `super::…` paths;
//! - pages and API never import each other: `web/src/pages/*` uses no
//!   `crate::api::…`, `web/src/api/*` no `crate::pages::…`, and in an area
//!   folder `web/src/<area>/{pages, api}` neither uses the other;
//! - `crates/web` holds at most the share of the non-test Rust lines
//!   recorded below (the target is under 35 %);
//! - `crates/web` calls no function of `store` (`store::area::f(…)`):
//!   a handler asks a service; the store's row types may be named.
//!
//! The redesign is in progress: what breaks a rule today is listed below,
//! each entry as it stands. A list only shrinks: the test fails on a new
//! breach, and also on an entry that is no longer true (remove it, or
//! write the smaller figure or circle), so that nothing comes back.

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::{Path, PathBuf},
};

/// The longest a source file may be.
const MAX_LINES: usize = 600;

/// Files over `MAX_LINES` today, with their counted length. Split a file
/// (by use case, or its tests into a sibling `tests.rs`) rather than
/// raise a figure; lower the figure when a file shrinks, remove the entry
/// when it is under the limit.
const LONG_FILES: &[(&str, usize)] = &[];

/// Import circles today, each as the sorted modules of one strongly
/// connected component (`web: a, b` means `a` and `b` of `crates/web`
/// import each other, directly or through others). Break a circle by
/// moving what both need to a third module, usually a service or
/// `crates/domain`.
const CIRCLES: &[&str] = &[];

/// Imports between pages and API today, as `file -> module`. Move what
/// both sides need to a service (`crates/services`) or `web/src/http/`.
const PAGES_API: &[&str] = &[];

/// The highest share of `crates/web` in the non-test Rust lines, in
/// percent, to one decimal (a ratchet: lower it when the share falls; the
/// target is under 35).
const WEB_SHARE_MAX: f64 = 34.0;

// ---------------------------------------------------------------- sources

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// A source file: its path from the root, its text with comments removed
/// and string contents blanked (lines kept), and whether it is test code.
struct Source {
    rel: String,
    /// `crates/web/src/pages/calls.rs` → `"web"`, `["pages", "calls"]`
    /// (`pages/mod.rs` → `["pages"]`), so that `super` is always `module`
    /// without its last name.
    krate: String,
    module: Vec<String>,
    code: String,
    test_file: bool,
    generated: bool,
}

fn rs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rs_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

fn sources() -> Vec<Source> {
    let root = root();
    let mut dirs: Vec<(String, PathBuf)> = vec![("app".into(), root.join("app/src"))];
    for e in fs::read_dir(root.join("crates")).unwrap() {
        let p = e.unwrap().path();
        if p.join("src").is_dir() {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            dirs.push((name, p.join("src")));
        }
    }
    dirs.sort();
    let mut out = Vec::new();
    let mut test_files = BTreeSet::new();
    for (krate, src) in &dirs {
        let mut files = Vec::new();
        rs_files(src, &mut files);
        for path in files {
            let text = fs::read_to_string(&path).unwrap();
            let inner = path.strip_prefix(src).unwrap();
            let mut module: Vec<String> = inner
                .with_extension("")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if matches!(
                module.last().map(String::as_str),
                Some("mod" | "lib" | "main")
            ) {
                module.pop();
            }
            let code = strip(&text);
            for f in cfg_test_mod_files(&path, &code) {
                test_files.insert(f);
            }
            let test_file = path.file_name().is_some_and(|n| n == "tests.rs")
                || inner.components().any(|c| c.as_os_str() == "tests");
            out.push(Source {
                rel: path
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                krate: krate.clone(),
                module,
                generated: text.lines().take(5).any(|l| l.contains("@generated")),
                code,
                test_file,
            });
        }
    }
    for s in &mut out {
        if test_files.contains(&root.join(&s.rel)) {
            s.test_file = true;
        }
    }
    out
}

/// Removes comments and blanks the contents of string and char literals,
/// keeping every line break.
fn strip(text: &str) -> String {
    let c: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let keep_lines = |s: &[char], out: &mut String| {
        for ch in s {
            if *ch == '\n' {
                out.push('\n');
            }
        }
    };
    while i < c.len() {
        if c[i] == '/' && c.get(i + 1) == Some(&'/') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if c[i] == '/' && c.get(i + 1) == Some(&'*') {
            let start = i;
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            keep_lines(&c[start..i.min(c.len())], &mut out);
        } else if c[i] == 'r'
            && (c.get(i + 1) == Some(&'"') || c.get(i + 1) == Some(&'#'))
            && (i == 0 || !(c[i - 1].is_alphanumeric() || c[i - 1] == '_'))
        {
            // A raw string r"…" or r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while c.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if c.get(j) != Some(&'"') {
                out.push(c[i]);
                i += 1;
                continue;
            }
            let start = j;
            j += 1;
            while j < c.len() {
                if c[j] == '"' && (0..hashes).all(|h| c.get(j + 1 + h) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            out.push_str("\"\"");
            keep_lines(&c[start..j.min(c.len())], &mut out);
            i = j;
        } else if c[i] == '"' {
            let start = i;
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
            keep_lines(&c[start..i.min(c.len())], &mut out);
        } else if c[i] == '\'' {
            // A char literal ('x', '\n', '\u{…}'), or a lifetime.
            if c.get(i + 1) == Some(&'\\') {
                // Past the escaped character, to the closing quote.
                let mut j = i + 3;
                while j < c.len() && c[j] != '\'' {
                    j += 1;
                }
                out.push_str("' '");
                i = j + 1;
            } else if c.get(i + 2) == Some(&'\'') {
                out.push_str("' '");
                i += 3;
            } else {
                out.push('\'');
                i += 1;
            }
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

/// The line ranges (0-based, inclusive) of the bodies of
/// `#[cfg(test)] mod … { … }` in stripped code.
fn cfg_test_bodies(code: &str) -> Vec<(usize, usize)> {
    let lines: Vec<&str> = code.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim() == "#[cfg(test)]" {
            let mut j = i + 1;
            while j < lines.len() && lines[j].trim_start().starts_with("#[") {
                j += 1;
            }
            let Some(l) = lines.get(j) else { break };
            let t = l.trim_start();
            let t = t.strip_prefix("pub(crate) ").unwrap_or(t);
            let t = t.strip_prefix("pub ").unwrap_or(t);
            if t.starts_with("mod ") && t.trim_end().ends_with('{') {
                // rustfmt closes the block with `}` at the indentation of `mod`.
                let indent = &l[..l.len() - l.trim_start().len()];
                let close = format!("{indent}}}");
                let end = (j + 1..lines.len())
                    .find(|&k| lines[k].trim_end() == close)
                    .unwrap_or(lines.len() - 1);
                out.push((i, end));
                i = end + 1;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// The files of `#[cfg(test)] mod name;` declared in `file`.
fn cfg_test_mod_files(file: &Path, code: &str) -> Vec<PathBuf> {
    let lines: Vec<&str> = code.lines().collect();
    let raw = fs::read_to_string(file).unwrap();
    let raw: Vec<&str> = raw.lines().collect();
    let dir = file.parent().unwrap();
    let name = file.file_stem().unwrap().to_string_lossy();
    let own_dir = if matches!(&*name, "mod" | "lib" | "main") {
        dir.to_owned()
    } else {
        dir.join(&*name)
    };
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if l.trim() != "#[cfg(test)]" {
            continue;
        }
        let mut path_attr = None;
        let mut j = i + 1;
        while j < lines.len() && lines[j].trim_start().starts_with("#[") {
            // The stripped code blanks strings: read the attribute raw.
            if let Some(p) = raw[j].trim().strip_prefix("#[path = \"") {
                path_attr = p.strip_suffix("\"]").map(str::to_owned);
            }
            j += 1;
        }
        let Some(decl) = lines.get(j).map(|l| l.trim()) else {
            continue;
        };
        let decl = decl.strip_prefix("pub(crate) ").unwrap_or(decl);
        let Some(m) = decl.strip_prefix("mod ").and_then(|d| d.strip_suffix(';')) else {
            continue;
        };
        if let Some(p) = path_attr {
            out.push(dir.join(p));
        } else {
            out.push(own_dir.join(format!("{m}.rs")));
            out.push(own_dir.join(m).join("mod.rs"));
        }
    }
    out
}

/// The number of lines that count in a file: all but test bodies.
fn counted_lines(s: &Source) -> usize {
    let total = s.code.lines().count();
    let tests: usize = cfg_test_bodies(&s.code)
        .iter()
        .map(|(a, b)| b - a + 1)
        .sum();
    total - tests
}

/// The code that counts (test bodies blanked).
fn non_test_code(s: &Source) -> String {
    let bodies = cfg_test_bodies(&s.code);
    s.code
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if bodies.iter().any(|(a, b)| (*a..=*b).contains(&i)) {
                ""
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

// ---------------------------------------------------------------- imports

/// Every path a file names that starts with `crate::` or `super::`,
/// resolved to a module path from the crate root (use trees expanded).
fn references(s: &Source) -> Vec<Vec<String>> {
    let code = non_test_code(s);
    let chars: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let at_word = i == 0
            || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_' || chars[i - 1] == ':');
        let rest: String = chars[i..(i + 7).min(chars.len())].iter().collect();
        let base = if at_word && rest.starts_with("crate::") {
            i += 7;
            Some(Vec::new())
        } else if at_word && rest.starts_with("super::") {
            let mut m = s.module.clone();
            m.pop();
            i += 7;
            while chars[i..].starts_with(&['s', 'u', 'p', 'e', 'r', ':', ':']) {
                m.pop();
                i += 7;
            }
            Some(m)
        } else {
            None
        };
        match base {
            Some(base) => {
                let (paths, end) = use_tree(&chars, i);
                for p in paths {
                    let mut full = base.clone();
                    full.extend(p);
                    out.push(full);
                }
                i = end;
            }
            None => i += 1,
        }
    }
    out
}

/// Reads a path or a use tree from `i` (`a::b`, `a::{b, c::d}`, `*`);
/// returns the paths (of identifiers) and where it ends.
fn use_tree(c: &[char], mut i: usize) -> (Vec<Vec<String>>, usize) {
    let skip_ws = |i: &mut usize| {
        while *i < c.len() && c[*i].is_whitespace() {
            *i += 1;
        }
    };
    skip_ws(&mut i);
    if c.get(i) == Some(&'{') {
        i += 1;
        let mut all = Vec::new();
        loop {
            skip_ws(&mut i);
            match c.get(i) {
                None => break,
                Some('}') => {
                    i += 1;
                    break;
                }
                Some(',') => i += 1,
                _ => {
                    let (paths, end) = use_tree(c, i);
                    all.extend(paths);
                    if end == i {
                        i += 1;
                    } else {
                        i = end;
                    }
                }
            }
        }
        return (all, i);
    }
    let start = i;
    while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
        i += 1;
    }
    let ident: String = c[start..i].iter().collect();
    if ident.is_empty() {
        return (vec![vec![]], i);
    }
    if c.get(i) == Some(&':') && c.get(i + 1) == Some(&':') {
        let (paths, end) = use_tree(c, i + 2);
        let paths = paths
            .into_iter()
            .map(|mut p| {
                p.insert(0, ident.clone());
                p
            })
            .collect();
        return (paths, end);
    }
    (vec![vec![ident]], i)
}

/// The unit of the module graph a module path falls in: its top-level
/// module, or `pages::x` / `api::x` in web; `None` for the crate root.
fn unit(modules: &BTreeSet<Vec<String>>, path: &[String]) -> Option<String> {
    let first = path.first()?;
    if !modules.contains(&vec![first.clone()]) {
        return None;
    }
    if matches!(first.as_str(), "pages" | "api") && path.len() >= 2 {
        let two = vec![first.clone(), path[1].clone()];
        if modules.contains(&two) {
            return Some(format!("{first}::{}", path[1]));
        }
    }
    Some(first.clone())
}

/// The module graph of a crate: unit → units it names.
fn graph(all: &[Source], krate: &str) -> BTreeMap<String, BTreeSet<String>> {
    let files: Vec<&Source> = all
        .iter()
        .filter(|s| s.krate == krate && !s.test_file)
        .collect();
    // Every module path and its prefixes.
    let mut modules = BTreeSet::new();
    for s in &files {
        for n in 1..=s.module.len() {
            modules.insert(s.module[..n].to_vec());
        }
    }
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for s in &files {
        let Some(from) = unit(&modules, &s.module) else {
            continue;
        };
        let entry = g.entry(from.clone()).or_default();
        for r in references(s) {
            let Some(to) = unit(&modules, &r) else {
                continue;
            };
            // A parent (`pages/mod.rs`) naming its own children declares
            // them: not an import.
            let child_of_self = to.starts_with(&format!("{from}::"));
            if to != from && !child_of_self {
                entry.insert(to);
            }
        }
    }
    g
}

/// The strongly connected components of more than one unit (Tarjan).
fn circles(g: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct T<'a> {
        g: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        next: usize,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a str) {
        t.index.insert(v, t.next);
        t.low.insert(v, t.next);
        t.next += 1;
        t.stack.push(v);
        t.on.insert(v);
        if let Some(ws) = t.g.get(v) {
            for w in ws {
                let w = w.as_str();
                if !t.index.contains_key(w) {
                    visit(t, w);
                    let l = t.low[w].min(t.low[v]);
                    t.low.insert(v, l);
                } else if t.on.contains(w) {
                    let l = t.index[w].min(t.low[v]);
                    t.low.insert(v, l);
                }
            }
        }
        if t.low[v] == t.index[v] {
            let mut scc = Vec::new();
            loop {
                let w = t.stack.pop().unwrap();
                t.on.remove(w);
                scc.push(w.to_owned());
                if w == v {
                    break;
                }
            }
            if scc.len() > 1 {
                scc.sort();
                t.out.push(scc);
            }
        }
    }
    let mut t = T {
        g,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in g.keys() {
        if !t.index.contains_key(v.as_str()) {
            visit(&mut t, v);
        }
    }
    t.out.sort();
    t.out
}

// ---------------------------------------------------------------- checks

fn listed_stale<T: Ord + Clone + std::fmt::Debug>(listed: &[T], found: &BTreeSet<T>) -> Vec<T> {
    listed
        .iter()
        .filter(|l| !found.contains(l))
        .cloned()
        .collect()
}

#[test]
fn no_source_file_is_over_600_lines() {
    let mut found = BTreeMap::new();
    for s in sources() {
        if s.test_file || s.generated {
            continue;
        }
        let n = counted_lines(&s);
        if n > MAX_LINES {
            found.insert(s.rel.clone(), n);
        }
    }
    let listed: BTreeMap<String, usize> = LONG_FILES
        .iter()
        .map(|(f, n)| ((*f).to_owned(), *n))
        .collect();
    let mut errors = Vec::new();
    for (f, n) in &found {
        match listed.get(f) {
            None => errors.push(format!(
                "{f} has {n} lines (over {MAX_LINES}, tests aside): split it — by use case, \
                 or move its tests to a sibling tests.rs (#[cfg(test)] #[path = \"…\"] mod tests;)"
            )),
            Some(was) if n > was => errors.push(format!(
                "{f} grew from {was} to {n} lines: it is over {MAX_LINES}, split it instead"
            )),
            Some(was) if n < was => errors.push(format!(
                "{f} shrank from {was} to {n} lines: write {n} in LONG_FILES (house_rules.rs)"
            )),
            Some(_) => {}
        }
    }
    for f in listed.keys().filter(|f| !found.contains_key(*f)) {
        errors.push(format!(
            "{f} is now at most {MAX_LINES} lines (or gone): remove it from LONG_FILES (house_rules.rs)"
        ));
    }
    println!("files over {MAX_LINES} lines: {}", found.len());
    for (f, n) in &found {
        println!("    (\"{f}\", {n}),");
    }
    assert!(errors.is_empty(), "\n{}\n", errors.join("\n"));
}

#[test]
fn no_import_circle_between_modules() {
    let all = sources();
    let mut found = BTreeSet::new();
    for krate in ["domain", "store", "documents", "services", "web"] {
        for scc in circles(&graph(&all, krate)) {
            found.insert(format!("{krate}: {}", scc.join(", ")));
        }
    }
    let mut errors = Vec::new();
    for c in &found {
        if CIRCLES.contains(&c.as_str()) {
            continue;
        }
        // A circle inside a listed one is progress; the list is stale then.
        let (krate, units) = c.split_once(": ").unwrap();
        let units: BTreeSet<&str> = units.split(", ").collect();
        let within = CIRCLES.iter().any(|l| {
            let (k, us) = l.split_once(": ").unwrap();
            let us: BTreeSet<&str> = us.split(", ").collect();
            k == krate && units.is_subset(&us)
        });
        if !within {
            errors.push(format!(
                "new import circle in crates/{krate}: {} — these modules import each other \
                 (crate::… / super::… paths); move what they share to one of them, to a \
                 third module, or to a service, so that imports go one way",
                units.into_iter().collect::<Vec<_>>().join(" ↔ ")
            ));
        }
    }
    for l in listed_stale(CIRCLES, &found.iter().map(String::as_str).collect()) {
        errors.push(format!(
            "the circle \"{l}\" is gone or smaller: replace it in CIRCLES (house_rules.rs) with \
             what is printed below, or remove it"
        ));
    }
    println!("import circles: {}", found.len());
    for c in &found {
        println!("    \"{c}\",");
    }
    assert!(errors.is_empty(), "\n{}\n", errors.join("\n"));
}

/// `pages` and `api` of one level: `["pages", …]` against `["api", …]`, or
/// `[area, "pages", …]` against `[area, "api", …]`.
fn other_side(module: &[String]) -> Option<(Vec<String>, Vec<String>)> {
    let i = module.iter().position(|m| m == "pages" || m == "api")?;
    if i > 1 {
        return None;
    }
    let other = if module[i] == "pages" { "api" } else { "pages" };
    let mut forbidden = module[..i].to_vec();
    forbidden.push(other.to_owned());
    Some((module[..=i].to_vec(), forbidden))
}

#[test]
fn pages_and_api_do_not_import_each_other() {
    let all = sources();
    let mut found = BTreeSet::new();
    for s in all.iter().filter(|s| s.krate == "web" && !s.test_file) {
        let Some((_, forbidden)) = other_side(&s.module) else {
            continue;
        };
        let file = s.rel.trim_start_matches("crates/web/src/");
        for r in references(s) {
            if r.starts_with(&forbidden) {
                let depth = (forbidden.len() + 1).min(r.len());
                found.insert(format!("{file} -> {}", r[..depth].join("::")));
            }
        }
    }
    let mut errors = Vec::new();
    for f in &found {
        if !PAGES_API.contains(&f.as_str()) {
            errors.push(format!(
                "crates/web/src/{f}: pages and API must not import each other — both call \
                 services; move what they share to crates/services (or web/src/http/ for HTTP \
                 helpers)"
            ));
        }
    }
    for l in listed_stale(PAGES_API, &found.iter().map(String::as_str).collect()) {
        errors.push(format!(
            "\"{l}\" is no longer an import between pages and API: remove it from PAGES_API \
             (house_rules.rs)"
        ));
    }
    println!("imports between pages and API: {}", found.len());
    for f in &found {
        println!("    \"{f}\",");
    }
    assert!(errors.is_empty(), "\n{}\n", errors.join("\n"));
}

#[test]
fn the_web_crate_holds_at_most_its_recorded_share_of_the_lines() {
    let mut web = 0usize;
    let mut total = 0usize;
    for s in sources() {
        if s.test_file || s.generated {
            continue;
        }
        let n = counted_lines(&s);
        total += n;
        if s.krate == "web" {
            web += n;
        }
    }
    // Line counts are far below 2^52: the conversion is exact.
    #[allow(clippy::cast_precision_loss)]
    let share = (1000.0 * web as f64 / total as f64).round() / 10.0;
    println!(
        "crates/web: {web} of {total} non-test Rust lines, {share:.1} % (recorded at most \
         {WEB_SHARE_MAX} %, target under 35 %)"
    );
    assert!(
        share <= WEB_SHARE_MAX,
        "crates/web holds {share:.1} % of the non-test Rust lines, over the {WEB_SHARE_MAX} % \
         recorded: use cases belong in crates/services, rules in crates/domain — move code out \
         of web rather than raise WEB_SHARE_MAX (house_rules.rs)"
    );
}

// ------------------------------------------------------ the checker itself

/// The calls of a store function in `code`: paths `store::…::f(` whose
/// last segment is a function (lower case), as "line: path".
fn store_calls(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (n, line) in code.lines().enumerate() {
        let mut rest = line;
        while let Some(i) = rest.find("store::") {
            let before = rest[..i].chars().next_back();
            let tail = &rest[i..];
            let end = tail
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(tail.len());
            let path = &tail[..end];
            // A function of a module: every segment lower case (a type's
            // associated function, `store::blobs::BlobStore::new`, is not).
            let is_call = tail[end..].starts_with('(')
                && path
                    .split("::")
                    .all(|seg| seg.chars().next().is_some_and(|c| c.is_ascii_lowercase()));
            if is_call && !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                out.push(format!("{}: {path}", n + 1));
            }
            rest = &tail[end.max(1)..];
        }
    }
    out
}

#[test]
fn the_web_crate_calls_no_store_function() {
    let mut found = Vec::new();
    for s in sources() {
        if s.krate != "web" || s.test_file {
            continue;
        }
        for c in store_calls(&non_test_code(&s)) {
            found.push(format!("{}:{c}", s.rel));
        }
    }
    assert!(
        found.is_empty(),
        "crates/web calls the store directly: ask a service in crates/services instead\n{}",
        found.join("\n")
    );
}

#[test]
fn the_checker_finds_store_calls_and_not_types() {
    let code = "let a = store::users::find(&db, id);\nlet b: store::users::User = x;\n\
                let c = store::blobs::BlobStore::new(dir);\nlet d = mystore::x::f();";
    assert_eq!(
        store_calls(code),
        vec!["1: store::users::find".to_owned()],
        "a type, a type's constructor and another crate's path are not store calls"
    );
}

fn source(module: &[&str], text: &str) -> Source {
    Source {
        rel: String::new(),
        krate: "web".into(),
        module: module.iter().map(|m| (*m).to_owned()).collect(),
        code: strip(text),
        test_file: false,
        generated: false,
    }
}

fn joined(paths: Vec<Vec<String>>) -> Vec<String> {
    paths.into_iter().map(|p| p.join("::")).collect()
}

#[test]
fn the_checker_reads_use_trees_super_paths_and_skips_comments_strings_and_tests() {
    let s = source(
        &["pages", "calls"],
        "use crate::{api::{network, x::Y}, http};\n\
         // crate::comment::Z\n\
         let a = \"crate::string\"; let c = '\\''; let l: &'static str = \"\";\n\
         super::form::Fields::default(); super::super::state::S;\n\
         #[cfg(test)]\n\
         mod tests {\n\
         \x20   use crate::testing::T;\n\
         }\n",
    );
    assert_eq!(
        joined(references(&s)),
        [
            "api::network",
            "api::x::Y",
            "http",
            "pages::form::Fields::default",
            "state::S",
        ]
    );
    assert_eq!(counted_lines(&s), 4);
}

#[test]
fn the_checker_knows_an_areas_pages_from_its_api() {
    let names = |v: &[&str]| v.iter().map(|m| (*m).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        other_side(&names(&["pages", "calls"])).unwrap().1,
        names(&["api"])
    );
    assert_eq!(
        other_side(&names(&["calls", "pages"])).unwrap().1,
        names(&["calls", "api"])
    );
    assert_eq!(
        other_side(&names(&["calls", "api", "documents"]))
            .unwrap()
            .1,
        names(&["calls", "pages"])
    );
    assert!(other_side(&names(&["calls", "upload"])).is_none());
}
