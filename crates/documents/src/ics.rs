//! iCalendar events (RFC 5545) for audition invitations: one `VEVENT`,
//! instants in UTC, text escaped, lines folded at 75 octets, CRLF.

use std::fmt::Write as _;

/// One event to put in a calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Stable across updates of the same event (`<id>@promeneurs`).
    pub uid: String,
    /// Instants as `YYYYMMDDTHHMMSSZ`.
    pub starts: String,
    pub ends: String,
    /// When the invitation was made, same format.
    pub stamp: String,
    pub summary: String,
    pub location: String,
    pub description: String,
    /// Incremented when the event changes, so calendars update it.
    pub sequence: u32,
}

/// Escapes a TEXT value: backslash, semicolon, comma, newlines.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line: at most 75 octets per line, continuation lines
/// start with a space, never inside a UTF-8 character.
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

/// A calendar holding one event (`METHOD:PUBLISH`: an invitation to add
/// to one's calendar, not a meeting request to answer).
pub fn calendar(e: &Event) -> String {
    let mut out = String::new();
    let mut line = |s: String| fold(&s, &mut out);
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//Promeneurs du Net//Promeneurs//FR".into());
    line("CALSCALE:GREGORIAN".into());
    line("METHOD:PUBLISH".into());
    line("BEGIN:VEVENT".into());
    line(format!("UID:{}", escape(&e.uid)));
    line(format!("SEQUENCE:{}", e.sequence));
    line(format!("DTSTAMP:{}", e.stamp));
    line(format!("DTSTART:{}", e.starts));
    line(format!("DTEND:{}", e.ends));
    line(format!("SUMMARY:{}", escape(&e.summary)));
    if !e.location.is_empty() {
        line(format!("LOCATION:{}", escape(&e.location)));
    }
    if !e.description.is_empty() {
        line(format!("DESCRIPTION:{}", escape(&e.description)));
    }
    line("END:VEVENT".into());
    line("END:VCALENDAR".into());
    out
}

/// `YYYYMMDDTHHMMSSZ` from the parts of a UTC instant.
pub fn utc_stamp(year: i16, month: i8, day: i8, hour: i8, minute: i8, second: i8) -> String {
    let mut s = String::with_capacity(16);
    let _ = write!(
        s,
        "{year:04}{month:02}{day:02}T{hour:02}{minute:02}{second:02}Z"
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> Event {
        Event {
            uid: "0190-slot@promeneurs".into(),
            starts: utc_stamp(2024, 3, 21, 9, 0, 0),
            ends: utc_stamp(2024, 3, 21, 9, 45, 0),
            stamp: utc_stamp(2024, 3, 18, 16, 2, 7),
            summary: "Audition — Appel à candidatures 2024, module M1".into(),
            location: "Caf de l'Allier, 6 rue Achille Roche, Moulins".into(),
            description: "Présentation du projet (20 min), questions du comité; merci d'être à l'heure.\nLien : https://visio.example/abc".into(),
            sequence: 0,
        }
    }

    #[test]
    fn an_event_has_the_required_lines() {
        let c = calendar(&event());
        assert!(c.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(c.ends_with("END:VEVENT\r\nEND:VCALENDAR\r\n"));
        assert!(c.contains("DTSTART:20240321T090000Z\r\n"));
        assert!(c.contains("DTEND:20240321T094500Z\r\n"));
        assert!(c.contains("UID:0190-slot@promeneurs\r\n"));
        // Commas, semicolons and newlines are escaped.
        let unfolded = c.replace("\r\n ", "");
        assert!(unfolded.contains("LOCATION:Caf de l'Allier\\, 6 rue Achille Roche\\, Moulins"));
        assert!(unfolded.contains("comité\\; merci"));
        assert!(unfolded.contains("\\nLien : https://visio.example/abc"));
    }

    #[test]
    fn long_lines_are_folded_at_75_octets_between_characters() {
        let c = calendar(&event());
        for l in c.split("\r\n") {
            assert!(l.len() <= 75, "{l:?} is {} octets", l.len());
        }
        // Folding keeps every character whole and loses nothing.
        let unfolded = c.replace("\r\n ", "");
        assert!(unfolded.contains("SUMMARY:Audition — Appel à candidatures 2024\\, module M1"));
    }
}
