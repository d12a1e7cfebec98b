//! Unit tests of `presence`.
use super::*;

fn t(s: &str) -> TimeOfDay {
    TimeOfDay::parse(s).unwrap()
}

fn slot(d: Weekday, start: &str, end: &str) -> PresenceSlot {
    PresenceSlot::new(d, t(start), t(end)).unwrap()
}

#[test]
fn weekdays_parse_from_numbers_names_and_abbreviations() {
    for (input, day) in [
        ("1", Weekday::Monday),
        ("7", Weekday::Sunday),
        ("lundi", Weekday::Monday),
        ("Mardi", Weekday::Tuesday),
        ("MERCREDI", Weekday::Wednesday),
        ("mer.", Weekday::Wednesday),
        ("jeu", Weekday::Thursday),
        ("ven", Weekday::Friday),
        ("sam", Weekday::Saturday),
        ("dim", Weekday::Sunday),
        ("le mardi", Weekday::Tuesday),
        ("les jeudis", Weekday::Thursday),
        (" Dimanche ", Weekday::Sunday),
    ] {
        assert_eq!(Weekday::parse(input), Ok(day), "{input}");
    }
    for bad in ["0", "8", "", "lu", "mars", "monday", "lundimanche"] {
        assert!(Weekday::parse(bad).is_err(), "{bad}");
    }
    for d in Weekday::ALL {
        assert_eq!(Weekday::parse(d.name()), Ok(d));
        assert_eq!(Weekday::parse(&d.number().to_string()), Ok(d));
    }
}

#[test]
fn weekdays_follow_jiff() {
    let sunday = jiff::civil::date(2024, 3, 17);
    assert_eq!(Weekday::from_jiff(sunday.weekday()), Weekday::Sunday);
    assert_eq!(
        Weekday::from_jiff(sunday.tomorrow().unwrap().weekday()),
        Weekday::Monday
    );
}

#[test]
fn times_parse_in_the_usual_french_forms() {
    for (input, minutes) in [
        ("17:00", 17 * 60),
        ("17:00:00", 17 * 60),
        ("17h", 17 * 60),
        ("17H", 17 * 60),
        ("17 h", 17 * 60),
        ("17 h 30", 17 * 60 + 30),
        ("17h30", 17 * 60 + 30),
        ("9h05", 9 * 60 + 5),
        ("09:05", 9 * 60 + 5),
        ("17", 17 * 60),
        ("17 heures", 17 * 60),
        ("0h", 0),
        ("midi", 12 * 60),
        ("24:00", 24 * 60),
    ] {
        assert_eq!(
            TimeOfDay::parse(input).map(TimeOfDay::minutes),
            Ok(minutes),
            "{input}"
        );
    }
    for bad in [
        "",
        "h",
        "25h",
        "24h30",
        "17h60",
        "17h3",
        "17:5",
        "170",
        "17:00:30",
        "dix-sept heures",
        "-1h",
    ] {
        assert!(TimeOfDay::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn times_print_for_the_api_and_for_people() {
    assert_eq!(t("9h").to_string(), "09:00");
    assert_eq!(t("17h30").to_string(), "17:30");
    assert_eq!(t("17h").french(), "17 h");
    assert_eq!(t("17h30").french(), "17 h 30");
    assert_eq!(t("9h05").french(), "9 h 05");
    assert_eq!(TimeOfDay::END_OF_DAY.french(), "minuit");
    assert_eq!(TimeOfDay::END_OF_DAY.to_string(), "24:00");
}

#[test]
fn times_round_trip_through_minutes() {
    assert_eq!(TimeOfDay::from_minutes(17 * 60 + 30), Ok(t("17h30")));
    assert_eq!(TimeOfDay::from_minutes(1440), Ok(TimeOfDay::END_OF_DAY));
    assert!(TimeOfDay::from_minutes(1441).is_err());
    assert_eq!(Weekday::from_number(2), Ok(Weekday::Tuesday));
    assert!(Weekday::from_number(0).is_err());
    assert!(Weekday::from_number(8).is_err());
}

#[test]
fn a_slot_must_end_after_it_starts() {
    assert_eq!(
        PresenceSlot::new(Weekday::Tuesday, t("19h"), t("17h")),
        Err(PresenceError::EndNotAfterStart)
    );
    assert_eq!(
        PresenceSlot::new(Weekday::Tuesday, t("17h"), t("17h"))
            .unwrap_err()
            .to_string(),
        "L'heure de fin doit être après l'heure de début."
    );
}

#[test]
fn slots_describe_themselves() {
    assert_eq!(
        slot(Weekday::Tuesday, "17h", "19h").describe(),
        "le mardi de 17 h à 19 h"
    );
    assert_eq!(
        slot(Weekday::Tuesday, "17h30", "19h").describe(),
        "le mardi de 17 h 30 à 19 h"
    );
    assert_eq!(
        slot(Weekday::Friday, "22h", "24:00").describe(),
        "le vendredi de 22 h à minuit"
    );
}

#[test]
fn slots_are_open_from_start_until_just_before_end() {
    let s = slot(Weekday::Tuesday, "17h", "19h");
    assert!(!s.is_open_at(Weekday::Tuesday, t("16:59")));
    assert!(s.is_open_at(Weekday::Tuesday, t("17:00")));
    assert!(s.is_open_at(Weekday::Tuesday, t("18:59")));
    assert!(!s.is_open_at(Weekday::Tuesday, t("19:00")));
    assert!(!s.is_open_at(Weekday::Wednesday, t("18:00")));
}

#[test]
fn lists_parse_from_spreadsheet_cells() {
    let slots = PresenceSlot::parse_list("mardi 17:00-19:00, jeudi 14h-16h30").unwrap();
    assert_eq!(
        slots,
        vec![
            slot(Weekday::Tuesday, "17h", "19h"),
            slot(Weekday::Thursday, "14h", "16h30"),
        ]
    );
    let slots =
        PresenceSlot::parse_list("Lundi : 9h – 12h ; le mercredi de 14 h à 17 h 30\nsam 10-12\n")
            .unwrap();
    assert_eq!(
        slots,
        vec![
            slot(Weekday::Monday, "9h", "12h"),
            slot(Weekday::Wednesday, "14h", "17h30"),
            slot(Weekday::Saturday, "10h", "12h"),
        ]
    );
    let slots = PresenceSlot::parse_list("mardi et jeudi 17h a 19h, ven 22h-00:00").unwrap();
    assert_eq!(
        slots,
        vec![
            slot(Weekday::Tuesday, "17h", "19h"),
            slot(Weekday::Thursday, "17h", "19h"),
            slot(Weekday::Friday, "22h", "24:00"),
        ]
    );
    assert_eq!(PresenceSlot::parse_list("  "), Ok(vec![]));
}

#[test]
fn list_errors_name_the_bad_piece() {
    let e = PresenceSlot::parse_list("mardi 17:00-19:00, jeudi 25h-26h").unwrap_err();
    assert_eq!(
        e.to_string(),
        "Créneau « jeudi 25h-26h » : heure non reconnue : « 25h ». Écrivez par exemple \
         17:00, 17h ou 17h30."
    );
    let e = PresenceSlot::parse_list("jeudi 16h-14h").unwrap_err();
    assert_eq!(
        e.to_string(),
        "Créneau « jeudi 16h-14h » : l'heure de fin doit être après l'heure de début."
    );
    for (input, reason) in [
        ("17h-19h", PresenceError::MissingDay),
        ("jour 17h-19h", PresenceError::MissingDay),
        ("mardi", PresenceError::MissingRange),
        ("mardi 17h", PresenceError::MissingRange),
    ] {
        assert_eq!(
            PresenceSlot::parse_list(input),
            Err(PresenceError::InPiece {
                piece: input.to_owned(),
                reason: Box::new(reason)
            }),
            "{input}"
        );
    }
    assert_eq!(
        PresenceSlot::parse_list("mardi 17h-19h, mardi 18h-20h"),
        Err(PresenceError::Overlap(
            "mardi 17h-19h".into(),
            "mardi 18h-20h".into()
        ))
    );
    // Back to back is fine.
    assert!(PresenceSlot::parse_list("mardi 17h-19h, mardi 19h-20h").is_ok());
}

#[test]
fn descriptions_group_by_day_in_order() {
    let slots = [
        slot(Weekday::Thursday, "14h", "16h30"),
        slot(Weekday::Tuesday, "17h", "19h"),
    ];
    assert_eq!(
        describe_all(&slots),
        "le mardi de 17 h à 19 h et le jeudi de 14 h à 16 h 30"
    );
    let slots = [
        slot(Weekday::Friday, "10h", "11h"),
        slot(Weekday::Monday, "9h", "10h"),
        slot(Weekday::Wednesday, "14h", "15h"),
    ];
    assert_eq!(
        describe_all(&slots),
        "le lundi de 9 h à 10 h, le mercredi de 14 h à 15 h et le vendredi de 10 h à 11 h"
    );
    let slots = [
        slot(Weekday::Tuesday, "14h", "16h"),
        slot(Weekday::Thursday, "17h", "18h"),
        slot(Weekday::Tuesday, "10h", "12h"),
    ];
    assert_eq!(
        describe_all(&slots),
        "le mardi de 10 h à 12 h et de 14 h à 16 h ; le jeudi de 17 h à 18 h"
    );
    assert_eq!(describe_all(&[]), "");
}

#[test]
fn open_now_reads_paris_time_across_clock_changes() {
    let sunday_morning = [slot(Weekday::Sunday, "10h", "12h")];
    let at = |s: &str| s.parse::<Timestamp>().unwrap();
    // Winter (UTC+1): 08:30Z is 09:30 in Paris, 09:30Z is 10:30.
    assert!(!open_now(&sunday_morning, at("2024-03-24T08:30:00Z")));
    assert!(open_now(&sunday_morning, at("2024-03-24T09:30:00Z")));
    // Clocks went forward that night (UTC+2): 08:30Z is 10:30.
    assert!(open_now(&sunday_morning, at("2024-03-31T08:30:00Z")));
    assert!(!open_now(&sunday_morning, at("2024-03-31T10:00:00Z")));
    assert!(open_now(&sunday_morning, at("2024-03-31T09:59:00Z")));
    // And back on 27 October 2024: 09:30Z is 10:30 again.
    assert!(!open_now(&sunday_morning, at("2024-10-27T08:30:00Z")));
    assert!(open_now(&sunday_morning, at("2024-10-27T09:30:00Z")));
    // The Paris day, not the UTC one: Monday 00:30 Paris is Sunday in UTC.
    let monday_night = [slot(Weekday::Monday, "0h", "1h")];
    assert!(open_now(&monday_night, at("2024-06-02T22:30:00Z")));
    assert!(!open_now(&[], at("2024-06-02T22:30:00Z")));
}

#[test]
fn crosses_json_with_validation() {
    let s = slot(Weekday::Tuesday, "17h", "19h");
    let json = serde_json::to_value(s).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"weekday": 2, "start": "17:00", "end": "19:00"})
    );
    let back: PresenceSlot = serde_json::from_value(json).unwrap();
    assert_eq!(back, s);
    for bad in [
        r#"{"weekday": 2, "start": "19:00", "end": "17:00"}"#,
        r#"{"weekday": 8, "start": "17:00", "end": "19:00"}"#,
        r#"{"weekday": 0, "start": "17:00", "end": "19:00"}"#,
        r#"{"weekday": 2, "start": "25:00", "end": "26:00"}"#,
        r#"{"weekday": 2, "start": "17:00"}"#,
    ] {
        assert!(serde_json::from_str::<PresenceSlot>(bad).is_err(), "{bad}");
    }
}
