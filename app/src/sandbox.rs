//! `promeneurs sandbox <job>`: the child process that reads and typesets
//! untrusted documents for the server (see `services::sandbox`). It limits its
//! own memory and CPU time before reading anything, reads the job's input
//! on stdin and writes the answer on stdout. A document that exceeds the
//! limits kills this process, never the server.

use std::io::{Read, Write};

/// Applies the limits, then does the job. Returns the exit code.
pub fn run(job: &str, memory_mb: u64, seconds: u64) -> i32 {
    if let Err(e) = limit(memory_mb, seconds) {
        eprintln!("sandbox: limits not applied: {e}");
        return 2;
    }
    let mut input = Vec::new();
    if let Err(e) = std::io::stdin().lock().read_to_end(&mut input) {
        eprintln!("sandbox: stdin: {e}");
        return 2;
    }
    let answer = services::sandbox::execute(job, &input);
    drop(input);
    let mut out = std::io::stdout().lock();
    if out.write_all(&answer).and_then(|()| out.flush()).is_err() {
        return 2;
    }
    0
}

#[cfg(unix)]
fn limit(memory_mb: u64, seconds: u64) -> nix::Result<()> {
    use nix::sys::resource::{Resource, setrlimit};
    let bytes = memory_mb.saturating_mul(1024 * 1024);
    setrlimit(Resource::RLIMIT_AS, bytes, bytes)?;
    // SIGXCPU at the soft limit, SIGKILL a second later.
    setrlimit(Resource::RLIMIT_CPU, seconds, seconds.saturating_add(1))?;
    // No core file of a killed child.
    setrlimit(Resource::RLIMIT_CORE, 0, 0)?;
    Ok(())
}

#[cfg(not(unix))]
fn limit(_memory_mb: u64, _seconds: u64) -> Result<(), std::convert::Infallible> {
    Ok(())
}
