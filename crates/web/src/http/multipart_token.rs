//! The CSRF token of a multipart form, read from the body's first part
//! before the rest of the body (a file of up to hundreds of megabytes) is
//! read at all. Upload forms put `<input type="hidden" name="csrf_token">`
//! first, and browsers send fields in the order of the document; the token
//! used to travel in the form's URL, where it leaked into logs and history.

use axum::body::{Body, Bytes};
use futures_util::StreamExt;

/// How much of the body is read to find the token: the first part is a
/// boundary, a short header and a 43-character token.
const PREFIX_LIMIT: usize = 8 * 1024;

/// The boundary of a `multipart/form-data` content type.
pub fn boundary(content_type: &str) -> Option<&str> {
    let (kind, params) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"'))
            .filter(|b| !b.is_empty() && b.len() <= 200)
    })
}

/// The value of the first part when it is the field `name`: the part must
/// start the body, have no file name, and end within `prefix`.
pub fn first_field<'a>(prefix: &'a [u8], boundary: &str, name: &str) -> Option<&'a str> {
    let opening = format!("--{boundary}\r\n");
    let rest = prefix.strip_prefix(opening.as_bytes())?;
    let head_end = find(rest, b"\r\n\r\n")?;
    let head = std::str::from_utf8(&rest[..head_end]).ok()?;
    let disposition = head.lines().find(|l| {
        l.get(..20)
            .is_some_and(|s| s.eq_ignore_ascii_case("content-disposition:"))
    })?;
    let named = disposition
        .split(';')
        .map(str::trim)
        .any(|p| p == format!("name=\"{name}\""));
    if !named || disposition.contains("filename") {
        return None;
    }
    let body = &rest[head_end + 4..];
    let end = find(body, format!("\r\n--{boundary}").as_bytes())?;
    std::str::from_utf8(&body[..end]).ok()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Reads the start of `body` until the first part is complete (or the
/// limit is reached, or the body ends); returns that prefix and the whole
/// body again, the prefix followed by what was not read.
pub async fn peek(body: Body, boundary: &str) -> (Bytes, Body) {
    let mut stream = body.into_data_stream();
    let mut prefix = Vec::new();
    let closing = format!("\r\n--{boundary}");
    let mut failed = None;
    while prefix.len() < PREFIX_LIMIT {
        // The closing boundary of the first part (the opening one does not
        // start with CRLF).
        if find(&prefix, closing.as_bytes()).is_some() {
            break;
        }
        match stream.next().await {
            Some(Ok(chunk)) => prefix.extend_from_slice(&chunk),
            Some(Err(e)) => {
                failed = Some(e);
                break;
            }
            None => break,
        }
    }
    let prefix = Bytes::from(prefix);
    let head = futures_util::stream::once({
        let p = prefix.clone();
        async move { Ok::<Bytes, axum::Error>(p) }
    });
    let tail = futures_util::stream::iter(failed.map(Err));
    let body = Body::from_stream(head.chain(tail).chain(stream));
    (prefix, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: &str = "----x";

    fn form(first: &str) -> Vec<u8> {
        format!("--{B}\r\n{first}\r\n--{B}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n%PDF\r\n--{B}--\r\n").into_bytes()
    }

    #[test]
    fn the_boundary_is_read_quoted_or_not() {
        assert_eq!(
            boundary("multipart/form-data; boundary=----x"),
            Some("----x")
        );
        assert_eq!(
            boundary("multipart/form-data; charset=utf-8; boundary=\"ab c\""),
            Some("ab c")
        );
        assert_eq!(boundary("multipart/form-data"), None);
        assert_eq!(boundary("text/plain; boundary=x"), None);
    }

    #[test]
    fn the_token_is_the_first_part_and_only_it() {
        let ok = form("Content-Disposition: form-data; name=\"csrf_token\"\r\n\r\nabc");
        assert_eq!(first_field(&ok, B, "csrf_token"), Some("abc"));
        // Another field first: no token (it must come first).
        let other = form("Content-Disposition: form-data; name=\"kind\"\r\n\r\nabc");
        assert_eq!(first_field(&other, B, "csrf_token"), None);
        // A file named like the field is not the field.
        let file =
            form("Content-Disposition: form-data; name=\"csrf_token\"; filename=\"t\"\r\n\r\nabc");
        assert_eq!(first_field(&file, B, "csrf_token"), None);
        // A name that merely contains it.
        let longer = form("Content-Disposition: form-data; name=\"xcsrf_token\"\r\n\r\nabc");
        assert_eq!(first_field(&longer, B, "csrf_token"), None);
        // Cut before the part ends.
        assert_eq!(first_field(&ok[..20], B, "csrf_token"), None);
    }

    #[tokio::test]
    async fn peeking_gives_the_whole_body_back() {
        let mut bytes = form("Content-Disposition: form-data; name=\"csrf_token\"\r\n\r\nabc");
        bytes.extend(std::iter::repeat_n(b'z', 100_000));
        let chunks: Vec<Result<Bytes, std::io::Error>> = bytes
            .chunks(7)
            .map(|c| Ok(Bytes::copy_from_slice(c)))
            .collect();
        let body = Body::from_stream(futures_util::stream::iter(chunks));
        let (prefix, body) = peek(body, B).await;
        assert!(prefix.len() < 200, "{}", prefix.len());
        assert_eq!(first_field(&prefix, B, "csrf_token"), Some("abc"));
        let again = axum::body::to_bytes(body, usize::MAX).await.unwrap();
        assert_eq!(again.as_ref(), bytes.as_slice());
    }
}
