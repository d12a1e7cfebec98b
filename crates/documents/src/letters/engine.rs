//! The Typst "world" of a letter: one template, its data as the virtual file
//! `data.json`, and the fonts embedded in the binary. Nothing is read from
//! the disk or the network.

use std::sync::{LazyLock, OnceLock};

use serde::Serialize;

use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;

use super::LetterError;
use super::diagnostic::french_message;

/// Where a template finds its data: `json("data.json")`.
pub const DATA_FILE: &str = "data.json";
const MAIN_FILE: &str = "main.typ";

/// How many renders an unused entry of Typst's global cache survives. The
/// cache speeds up the next letters with the same template; without
/// eviction it would grow with every letter a server renders.
const CACHE_MAX_AGE: usize = 10;

/// Renders Typst templates into PDFs. The fonts and Typst's standard
/// library are loaded once, when the engine is made: keep one engine (or
/// use [`LetterEngine::shared`]) to render many letters.
///
/// Rendering is CPU-bound (about 6 ms for a letter, 13 ms for a convention
/// in a release build, see docs/performance.md): call it from a blocking
/// thread in an async server. An engine can be used
/// from several threads at once.
pub struct LetterEngine {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

impl std::fmt::Debug for LetterEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LetterEngine")
            .field("fonts", &self.fonts.len())
            .finish_non_exhaustive()
    }
}

impl Default for LetterEngine {
    fn default() -> Self {
        Self::new()
    }
}

impl LetterEngine {
    /// Loads the embedded fonts: Libertinus Serif (the text of the
    /// letters), New Computer Modern and DejaVu Sans Mono.
    pub fn new() -> Self {
        let fonts: Vec<Font> = typst_assets::fonts()
            .flat_map(|data| Font::iter(Bytes::new(data)))
            .collect();
        Self {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
        }
    }

    /// The engine of the process, made on first use.
    pub fn shared() -> &'static Self {
        static ENGINE: OnceLock<LetterEngine> = OnceLock::new();
        ENGINE.get_or_init(Self::new)
    }

    /// Renders `template`, Typst markup, with `data` readable by the
    /// template as `json("data.json")`. The data is never spliced into the
    /// markup: a `#` or a `*` in a name is printed as such.
    pub fn render(&self, template: &str, data: &serde_json::Value) -> Result<Vec<u8>, LetterError> {
        self.render_typed(template, data)
    }

    /// [`LetterEngine::render`] with data of a serialisable type.
    pub fn render_typed<T: Serialize + ?Sized>(
        &self,
        template: &str,
        data: &T,
    ) -> Result<Vec<u8>, LetterError> {
        let data = serde_json::to_vec(data).map_err(|e| LetterError::Data(e.to_string()))?;
        self.render_json(template, data)
    }

    /// [`LetterEngine::render`] with the data already written as JSON (as
    /// received by the sandbox process): the template reads these very
    /// bytes.
    pub fn render_json(&self, template: &str, data: Vec<u8>) -> Result<Vec<u8>, LetterError> {
        let world = LetterWorld {
            engine: self,
            main: Source::new(*MAIN_ID, template.to_owned()),
            data: Bytes::new(data),
        };
        let compiled = typst::compile::<PagedDocument>(&world).output;
        let pdf = compiled
            .and_then(|document| typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default()));
        typst::comemo::evict(CACHE_MAX_AGE);
        pdf.map_err(|diagnostics| world.error(&diagnostics))
    }
}

/// The ids of the two files of a letter's world (interning takes a lock:
/// done once).
static MAIN_ID: LazyLock<FileId> = LazyLock::new(|| file_id(MAIN_FILE));
static DATA_ID: LazyLock<FileId> = LazyLock::new(|| file_id(DATA_FILE));

fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("a plain file name is a valid virtual path");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

struct LetterWorld<'a> {
    engine: &'a LetterEngine,
    main: Source,
    data: Bytes,
}

impl LetterWorld<'_> {
    /// The first error of a failed render, in French, with its line in the
    /// template when Typst knows it.
    fn error(&self, diagnostics: &[SourceDiagnostic]) -> LetterError {
        let Some(first) = diagnostics
            .iter()
            .find(|d| d.severity == Severity::Error)
            .or(diagnostics.first())
        else {
            return LetterError::Template {
                message: "le modèle n’a pas pu être mis en page".into(),
                line: None,
            };
        };
        // An error inside a function points into it; a detached one (from
        // the layout or the PDF export) may still have a call in the
        // template in its trace.
        let spans = std::iter::once(first.span).chain(first.trace.iter().map(|t| t.span.into()));
        let line = spans
            .filter(|span| span.id() == Some(self.main.id()))
            .find_map(|span| self.range(span))
            .and_then(|range| self.main.lines().byte_to_line(range.start))
            .map(|line| line + 1);
        LetterError::Template {
            message: french_message(&first.message),
            line,
        }
    }
}

impl World for LetterWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.engine.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.engine.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(not_found(id))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == *DATA_ID {
            Ok(self.data.clone())
        } else if id == self.main.id() {
            Ok(Bytes::from_string(self.main.text().to_owned()))
        } else {
            Err(not_found(id))
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.engine.fonts.get(index).cloned()
    }

    /// No clock: a letter carries its date in its data, so that the same
    /// data always gives the same PDF.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.vpath().get_without_slash().into())
}
