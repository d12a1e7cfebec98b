//! A real process killed (SIGKILL) in the middle of an upload: the next
//! start leaves neither a record nor a file behind. A real process asked
//! to stop (SIGTERM) while a template loops: it stops within its grace.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_promeneurs");

fn command(data: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--data-dir").arg(data).env_remove("DATABASE_URL");
    c
}

/// Starts `serve` and returns it with its address.
fn serve(data: &Path, demo: bool) -> (Child, String) {
    serve_with(command(data), demo)
}

/// Starts `serve` from a command with its global settings already given.
fn serve_with(mut c: Command, demo: bool) -> (Child, String) {
    c.args(["serve", "--bind", "127.0.0.1:0", "--no-worker"]);
    if demo {
        c.arg("--demo");
    }
    let mut child = c
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Keep reading its output in the background, so that it never writes
    // to a closed pipe.
    let out = BufReader::new(child.stdout.take().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in out.lines().map_while(Result::ok) {
            if let Some(addr) = line.split("http://").nth(1) {
                let _ = tx.send(addr.trim().to_owned());
            }
        }
    });
    if let Ok(addr) = rx.recv_timeout(Duration::from_mins(2)) {
        (child, addr)
    } else {
        let _ = child.kill();
        let _ = child.wait();
        panic!("the server did not start");
    }
}

/// One HTTP/1.1 request; returns (status, body).
fn request(
    addr: &str,
    method: &str,
    path: &str,
    token: &str,
    body: Option<&Value>,
) -> (u16, Value) {
    let mut s = TcpStream::connect(addr).unwrap();
    let body = body.map(Value::to_string).unwrap_or_default();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let status = raw[9..12].parse().unwrap();
    let (_, payload) = raw.split_once("\r\n\r\n").unwrap();
    (status, serde_json::from_str(payload).unwrap_or(Value::Null))
}

#[test]
fn a_kill_during_an_upload_leaves_nothing_after_the_restart() {
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        // The process behaviour does not depend on the backend: this runs
        // once, on SQLite in a data directory of its own.
        return;
    }
    let data = std::env::temp_dir().join(format!(
        "promeneurs-crash-{}",
        uuid::Uuid::new_v4().simple()
    ));
    let (mut server, addr) = serve(&data, true);
    let token = String::from_utf8(
        command(&data)
            .args(["token", "new", "--email", "structure@demo.promeneurs.fr"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap()
    .trim()
    .to_owned();
    let (_, calls) = request(&addr, "GET", "/api/v1/calls", &token, None);
    let renewal = calls["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["title"].as_str().unwrap().contains("2027"))
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, created) = request(
        &addr,
        "POST",
        &format!("/api/v1/calls/{renewal}/applications"),
        &token,
        Some(&json!({"module": "M1", "departments": ["03"]})),
    );
    assert_eq!(status, 201, "{created}");
    let app_id = created["id"].as_str().unwrap().to_owned();

    // Half of a 40 MB document, then SIGKILL.
    let mut s = TcpStream::connect(&addr).unwrap();
    let boundary = "----crash";
    let head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nformulaire\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"dossier.pdf\"\r\n\r\n%PDF-1.4\n"
    );
    write!(
        s,
        "POST /api/v1/applications/{app_id}/documents HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: 40000000\r\n\r\n{head}"
    )
    .unwrap();
    let chunk = vec![b'0'; 1_000_000];
    for _ in 0..20 {
        s.write_all(&chunk).unwrap();
    }
    s.flush().unwrap();
    let tmp = data.join("files").join("tmp");
    let deadline = Instant::now() + Duration::from_secs(20);
    let partial_size = || {
        std::fs::read_dir(&tmp).map_or(0, |d| {
            d.filter_map(|e| e.ok()?.metadata().ok())
                .map(|m| m.len())
                .sum::<u64>()
        })
    };
    while partial_size() < 10_000_000 {
        assert!(
            Instant::now() < deadline,
            "the upload never reached the disk"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    server.kill().unwrap();
    server.wait().unwrap();
    drop(s);
    assert_eq!(
        std::fs::read_dir(&tmp).unwrap().count(),
        1,
        "a partial file"
    );

    // Restart: the partial file is gone, and no document was recorded.
    let (mut server, addr) = serve(&data, false);
    assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 0);
    let (status, got) = request(
        &addr,
        "GET",
        &format!("/api/v1/applications/{app_id}"),
        &token,
        None,
    );
    assert_eq!(status, 200, "{got}");
    assert!(got["documents"].as_array().unwrap().is_empty());
    server.kill().unwrap();
    server.wait().unwrap();
    let _ = std::fs::remove_dir_all(&data);
}

/// SIGTERM while an administrator's template loops forever: the server
/// stops within its shutdown grace (not waiting on the work), and the
/// child typesetting the template goes with it.
#[test]
fn sigterm_during_a_runaway_template_stops_the_server() {
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        // Process behaviour, independent of the backend: SQLite only.
        return;
    }
    let data = std::env::temp_dir().join(format!(
        "promeneurs-sigterm-{}",
        uuid::Uuid::new_v4().simple()
    ));
    // A CPU limit far beyond the test: only the shutdown may end the work.
    let mut c = command(&data);
    c.args(["--sandbox-seconds", "3600"]);
    let (mut server, addr) = serve_with(c, true);
    let token = String::from_utf8(
        command(&data)
            .args(["token", "new", "--email", "admin@demo.promeneurs.fr"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap()
    .trim()
    .to_owned();
    let looping = {
        let (addr, token) = (addr.clone(), token.clone());
        std::thread::spawn(move || {
            let mut s = TcpStream::connect(&addr).unwrap();
            let body = json!({"source": "#for i in range(100000) { for j in range(100000) { for k in range(100000) { } } }"}).to_string();
            let _ = write!(
                s,
                "PUT /api/v1/letter-templates/result HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let mut raw = Vec::new();
            let _ = s.read_to_end(&mut raw);
        })
    };
    // Let the child start looping, then ask the server to stop.
    std::thread::sleep(Duration::from_secs(2));
    let (status, _) = request(&addr, "GET", "/api/v1/session", &token, None);
    assert_eq!(status, 200, "the server stopped serving during the loop");
    let term = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let deadline = Instant::now() + Duration::from_secs(40);
    let exited = loop {
        if let Some(status) = server.try_wait().unwrap() {
            break Some(status);
        }
        if Instant::now() > deadline {
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    if exited.is_none() {
        let _ = server.kill();
        let _ = server.wait();
        panic!("SIGTERM did not stop the server while a template looped");
    }
    looping.join().unwrap();
    let _ = std::fs::remove_dir_all(&data);
}
