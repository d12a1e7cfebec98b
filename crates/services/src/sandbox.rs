//! Untrusted documents (spreadsheets to import, photos, letter templates
//! written by admins) are read and typeset in a child process of the same
//! binary, `promeneurs sandbox <job>`, limited in memory (`RLIMIT_AS`) and
//! CPU time (`RLIMIT_CPU`), with a wall-clock deadline kept by this side:
//! a hostile file fails its own request and never the server.
//!
//! The job's input goes on the child's stdin; its answer comes on stdout:
//! one byte ([`OK`] or [`REFUSED`]) then the payload. A refusal carries
//! the French message of the document's error (as JSON); a child killed by
//! its limits is reported as [`Failure::Time`] or [`Failure::Memory`].
//! [`execute`] is the work itself, the same in the child and in process.

use std::{path::PathBuf, process::Stdio, time::Duration};

use documents::{
    import::{ImportFileError, Table},
    letters::{LetterEngine, LetterError},
    photo::{Photo, PhotoError},
};
use serde::{Deserialize, Serialize};
use tokio::io::AsyncWriteExt;

/// Reads a spreadsheet (CSV, XLSX, ODS) into a [`Table`].
pub const JOB_TABLE: &str = "table";
/// Checks and normalises a photo.
pub const JOB_PHOTO: &str = "photo";
/// Typesets letters and conventions.
pub const JOB_LETTERS: &str = "letters";

/// First byte of an answer: the payload is the result.
pub const OK: u8 = b'0';
/// First byte of an answer: the document was refused; the payload is a
/// [`Refusal`] in JSON.
pub const REFUSED: u8 = b'1';

/// The limits of the child process.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// The `promeneurs` binary (run as `promeneurs sandbox <job>`). `None`
    /// does the work in this process, without limits: for tests of the web
    /// layer alone and trusted data only.
    pub binary: Option<PathBuf>,
    /// Address space of the child, in MB.
    pub memory_mb: u64,
    /// CPU time of the child, in seconds (the wall-clock deadline is a
    /// little longer).
    pub seconds: u64,
}

/// Default memory limit of a child, in MB.
pub const DEFAULT_MEMORY_MB: u64 = 512;
/// Default CPU time of a child, in seconds.
pub const DEFAULT_SECONDS: u64 = 15;

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            binary: None,
            memory_mb: DEFAULT_MEMORY_MB,
            seconds: DEFAULT_SECONDS,
        }
    }
}

/// Why a job gave no answer.
#[derive(Debug)]
pub enum Failure {
    /// The document was refused: its error in French.
    Refused(Refusal),
    /// More CPU or wall-clock time than allowed.
    Time,
    /// More memory than allowed (or a stack overflow).
    Memory,
    /// The child died otherwise, or could not be started: a server error.
    Crashed(String),
}

/// A document's error, as the child reports it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Refusal {
    /// `too_large` for a photo refused for its size, `template` for an
    /// error in a letter template, `data` for letters data that could not
    /// be written, else `file`.
    pub kind: String,
    /// In French.
    pub message: String,
    /// Of a template error, from 1.
    pub line: Option<usize>,
}

impl Refusal {
    fn new(kind: &str, message: String) -> Self {
        Self {
            kind: kind.to_owned(),
            message,
            line: None,
        }
    }
}

/// Runs `job` on `input` under the limits of `config`; `scale` multiplies
/// the time allowed (a batch of letters gets more than one letter).
pub async fn run(
    config: &SandboxConfig,
    job: &'static str,
    input: Vec<u8>,
    scale: u64,
) -> Result<Vec<u8>, Failure> {
    let answer = match &config.binary {
        None => tokio::task::spawn_blocking(move || execute(job, &input))
            .await
            .map_err(|e| Failure::Crashed(e.to_string()))?,
        Some(binary) => spawn(binary, config, job, input, scale.max(1)).await?,
    };
    match answer.split_first() {
        Some((&OK, payload)) => Ok(payload.to_vec()),
        Some((&REFUSED, payload)) => Err(Failure::Refused(
            serde_json::from_slice(payload).map_err(|e| Failure::Crashed(e.to_string()))?,
        )),
        _ => Err(Failure::Crashed("réponse vide".into())),
    }
}

async fn spawn(
    binary: &std::path::Path,
    config: &SandboxConfig,
    job: &'static str,
    input: Vec<u8>,
    scale: u64,
) -> Result<Vec<u8>, Failure> {
    let seconds = config.seconds.saturating_mul(scale);
    let mut child = tokio::process::Command::new(binary)
        .arg("sandbox")
        .arg(job)
        .arg("--memory-mb")
        .arg(config.memory_mb.to_string())
        .arg("--seconds")
        .arg(seconds.to_string())
        // Nothing of the server's environment (database URL, SMTP
        // password) reaches the child; few malloc arenas keep the address
        // space small.
        .env_clear()
        .env("MALLOC_ARENA_MAX", "2")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Dropped (deadline passed, request cancelled, server stopping):
        // killed.
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| Failure::Crashed(format!("{}: {e}", binary.display())))?;
    let mut stdin = child.stdin.take();
    let writer = async move {
        if let Some(stdin) = stdin.as_mut() {
            // A child that dies early closes its stdin: its exit status
            // tells why, not this error.
            let _ = stdin.write_all(&input).await;
            let _ = stdin.shutdown().await;
        }
        drop(stdin);
    };
    // The CPU limit stops a busy child; the deadline also stops one that
    // sleeps or waits (a second more for the start of the process).
    let deadline = Duration::from_secs(seconds.saturating_add(2));
    let work = async {
        let ((), output) = tokio::join!(writer, child.wait_with_output());
        output
    };
    let Ok(output) = tokio::time::timeout(deadline, work).await else {
        tracing::warn!(job, seconds, "sandbox: deadline passed, child killed");
        return Err(Failure::Time);
    };
    let output = output.map_err(|e| Failure::Crashed(e.to_string()))?;
    if output.status.success() {
        return Ok(output.stdout);
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stderr = stderr.trim();
    let stderr: String = stderr.chars().take(500).collect();
    #[cfg(unix)]
    let signal = std::os::unix::process::ExitStatusExt::signal(&output.status);
    #[cfg(not(unix))]
    let signal: Option<i32> = None;
    tracing::warn!(job, status = %output.status, stderr, "sandbox: child failed");
    // SIGXCPU (24): the soft CPU limit; SIGKILL (9): the hard one.
    if matches!(signal, Some(24 | 9)) {
        return Err(Failure::Time);
    }
    if stderr.contains("memory allocation")
        || stderr.contains("overflowed its stack")
        || stderr.contains("out of memory")
        || stderr.contains("capacity overflow")
    {
        return Err(Failure::Memory);
    }
    // An abort without a message is most often an allocation refused.
    if signal == Some(6) {
        return Err(Failure::Memory);
    }
    Err(Failure::Crashed(format!("{}: {stderr}", output.status)))
}

/// Does `job` on `input` and returns the answer (first byte [`OK`] or
/// [`REFUSED`]). Called in the child (`promeneurs sandbox <job>`), or in
/// process without a binary configured.
pub fn execute(job: &str, input: &[u8]) -> Vec<u8> {
    let result = match job {
        JOB_TABLE => table_job(input),
        JOB_PHOTO => photo_job(input),
        JOB_LETTERS => letters_job(input),
        other => Err(Refusal::new("file", format!("tâche inconnue : {other}"))),
    };
    match result {
        Ok(mut payload) => {
            payload.insert(0, OK);
            payload
        }
        Err(refusal) => {
            let mut out = vec![REFUSED];
            out.extend(serde_json::to_vec(&refusal).unwrap_or_default());
            out
        }
    }
}

fn table_job(input: &[u8]) -> Result<Vec<u8>, Refusal> {
    let table =
        documents::import::read_table(input).map_err(|e| Refusal::new("file", e.to_string()))?;
    serde_json::to_vec(&table).map_err(|e| Refusal::new("file", e.to_string()))
}

fn photo_job(input: &[u8]) -> Result<Vec<u8>, Refusal> {
    let photo = documents::photo::normalise_photo(input).map_err(|e| {
        Refusal::new(
            if e.is_too_large() {
                "too_large"
            } else {
                "file"
            },
            e.to_string(),
        )
    })?;
    let mut out = Vec::with_capacity(photo.bytes.len() + 8);
    out.extend(photo.width.to_le_bytes());
    out.extend(photo.height.to_le_bytes());
    out.extend(photo.bytes);
    Ok(out)
}

/// Letters input: a frame with the templates (JSON list of texts), a frame
/// with the template of each document (JSON list of indexes), then a frame
/// per document with its data in JSON. Output: a frame per PDF.
fn letters_job(input: &[u8]) -> Result<Vec<u8>, Refusal> {
    let bad = |m: &str| Refusal::new("data", m.to_owned());
    let mut frames = Frames(input);
    let templates: Vec<String> = frames
        .next()
        .and_then(|f| serde_json::from_slice(f).ok())
        .ok_or_else(|| bad("modèles illisibles"))?;
    let uses: Vec<usize> = frames
        .next()
        .and_then(|f| serde_json::from_slice(f).ok())
        .ok_or_else(|| bad("liste des documents illisible"))?;
    let engine = LetterEngine::shared();
    let mut out = Vec::new();
    for index in uses {
        let template = templates.get(index).ok_or_else(|| bad("modèle inconnu"))?;
        let data = frames.next().ok_or_else(|| bad("données manquantes"))?;
        let pdf = engine
            .render_json(template, data.to_vec())
            .map_err(|e| match e {
                LetterError::Template { message, line } => Refusal {
                    kind: "template".into(),
                    message,
                    line,
                },
                LetterError::Data(m) => Refusal::new("data", m),
            })?;
        push_frame(&mut out, &pdf);
    }
    Ok(out)
}

/// Appends a frame: its length (8 bytes, little-endian), then its bytes.
pub fn push_frame(out: &mut Vec<u8>, frame: &[u8]) {
    out.extend((frame.len() as u64).to_le_bytes());
    out.extend_from_slice(frame);
}

/// The frames of a buffer, in order (stops at the first incomplete one).
pub struct Frames<'a>(pub &'a [u8]);

impl<'a> Iterator for Frames<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let (length, rest) = self.0.split_first_chunk::<8>()?;
        let length = usize::try_from(u64::from_le_bytes(*length)).ok()?;
        if rest.len() < length {
            return None;
        }
        let (frame, rest) = rest.split_at(length);
        self.0 = rest;
        Some(frame)
    }
}

// ---------------------------------------------------------------- clients

/// Reads a spreadsheet to import. Checks first what is cheap to check
/// (sizes and cell ranges declared by a workbook) without a child.
pub async fn read_table(config: &SandboxConfig, bytes: &[u8]) -> Result<Table, String> {
    let input = bytes.to_vec();
    let checked =
        tokio::task::spawn_blocking(move || documents::import::precheck(&input).map(|()| input))
            .await
            .map_err(|e| e.to_string())?;
    let input = checked.map_err(|e: ImportFileError| e.to_string())?;
    match run(config, JOB_TABLE, input, 1).await {
        Ok(json) => serde_json::from_slice(&json).map_err(|e| e.to_string()),
        Err(Failure::Refused(r)) => Err(r.message),
        Err(Failure::Time) => Err(format!(
            "Ce fichier demande trop de temps de calcul pour être lu (plus de {} s permises) : il est corrompu ou piégé. Enregistrez-le à nouveau depuis votre tableur.",
            config.seconds
        )),
        Err(Failure::Memory) => Err(format!(
            "Ce fichier demande trop de mémoire pour être lu (plus de {} Mo permis) : il est corrompu ou piégé. Enregistrez-le à nouveau depuis votre tableur.",
            config.memory_mb
        )),
        Err(Failure::Crashed(e)) => {
            tracing::error!(error = e, "sandbox: spreadsheet reading failed");
            Err("Ce fichier n'a pas pu être lu : il est corrompu ou piégé. Enregistrez-le à nouveau depuis votre tableur.".into())
        }
    }
}

/// Checks and normalises a photo (see [`documents::photo`]).
pub async fn photo(config: &SandboxConfig, bytes: &[u8]) -> Result<Photo, PhotoRefusal> {
    documents::photo::precheck(bytes).map_err(|e: PhotoError| PhotoRefusal {
        too_large: e.is_too_large(),
        message: e.to_string(),
    })?;
    let too_large = |message: String| PhotoRefusal {
        too_large: true,
        message,
    };
    match run(config, JOB_PHOTO, bytes.to_vec(), 1).await {
        Ok(out) => {
            let (w, rest) = out
                .split_first_chunk::<4>()
                .ok_or_else(|| too_large("Cette photo n'a pas pu être lue.".into()))?;
            let (h, jpeg) = rest
                .split_first_chunk::<4>()
                .ok_or_else(|| too_large("Cette photo n'a pas pu être lue.".into()))?;
            Ok(Photo {
                bytes: jpeg.to_vec(),
                width: u32::from_le_bytes(*w),
                height: u32::from_le_bytes(*h),
            })
        }
        Err(Failure::Refused(r)) => Err(PhotoRefusal {
            too_large: r.kind == "too_large",
            message: r.message,
        }),
        Err(Failure::Time) => Err(too_large(format!(
            "Cette photo demande trop de temps de calcul pour être lue (plus de {} s permises) : envoyez une photo plus petite.",
            config.seconds
        ))),
        Err(Failure::Memory) => Err(too_large(format!(
            "Cette photo demande trop de mémoire pour être lue (plus de {} Mo permis) : envoyez une photo plus petite.",
            config.memory_mb
        ))),
        Err(Failure::Crashed(e)) => {
            tracing::error!(error = e, "sandbox: photo reading failed");
            Err(PhotoRefusal {
                too_large: false,
                message: "Cette photo n'a pas pu être lue.".into(),
            })
        }
    }
}

/// A photo refused: for its size (`too_large`, 422) or as not a photo
/// (415).
#[derive(Debug)]
pub struct PhotoRefusal {
    pub too_large: bool,
    pub message: String,
}

/// Typesets documents: `templates`, and for each document the index of its
/// template and its data. The PDFs come in the same order.
pub async fn render<T: Serialize>(
    config: &SandboxConfig,
    templates: &[&str],
    documents: &[(usize, &T)],
) -> Result<Vec<Vec<u8>>, LetterError> {
    let mut input = Vec::new();
    let data_error = |e: serde_json::Error| LetterError::Data(e.to_string());
    push_frame(
        &mut input,
        &serde_json::to_vec(templates).map_err(data_error)?,
    );
    let uses: Vec<usize> = documents.iter().map(|(i, _)| *i).collect();
    push_frame(&mut input, &serde_json::to_vec(&uses).map_err(data_error)?);
    for (_, data) in documents {
        push_frame(&mut input, &serde_json::to_vec(data).map_err(data_error)?);
    }
    // About 10 ms per document: a batch of 500 gets twice the time of one.
    let scale = 1 + documents.len() as u64 / 500;
    match run(config, JOB_LETTERS, input, scale).await {
        Ok(out) => {
            let pdfs: Vec<Vec<u8>> = Frames(&out).map(<[u8]>::to_vec).collect();
            if pdfs.len() == documents.len() {
                Ok(pdfs)
            } else {
                Err(LetterError::Data("réponse incomplète".into()))
            }
        }
        Err(Failure::Refused(r)) if r.kind == "template" => Err(LetterError::Template {
            message: r.message,
            line: r.line,
        }),
        Err(Failure::Refused(r)) => Err(LetterError::Data(r.message)),
        Err(Failure::Time) => Err(LetterError::Template {
            message: format!(
                "le modèle dépasse le temps de calcul permis ({} s) : une boucle sans fin ou trop longue ?",
                config.seconds * scale
            ),
            line: None,
        }),
        Err(Failure::Memory) => Err(LetterError::Template {
            message: format!(
                "le modèle dépasse la mémoire permise ({} Mo) : un texte ou une liste démesurés ?",
                config.memory_mb
            ),
            line: None,
        }),
        Err(Failure::Crashed(e)) => Err(LetterError::Data(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip() {
        let mut out = Vec::new();
        push_frame(&mut out, b"abc");
        push_frame(&mut out, b"");
        push_frame(&mut out, b"de");
        let frames: Vec<&[u8]> = Frames(&out).collect();
        assert_eq!(frames, vec![&b"abc"[..], b"", b"de"]);
        // A truncated frame ends the list.
        assert_eq!(Frames(&out[..out.len() - 1]).count(), 2);
    }

    #[test]
    fn unknown_job_is_refused() {
        let out = execute("nope", b"");
        assert_eq!(out[0], REFUSED);
    }
}
