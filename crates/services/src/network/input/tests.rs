use super::*;

fn commune(insee: &str, name: &str, postal: &str) -> Commune {
    Commune {
        insee: insee.into(),
        name: name.into(),
        postal_codes: postal.into(),
        department: domain::DepartmentCode::parse(&insee[..2]).unwrap(),
        population: 1000,
        epci_code: None,
        epci_name: None,
        lat: 46.0,
        lon: 3.0,
    }
}

fn index() -> CommuneIndex {
    CommuneIndex::new(vec![
        commune("03310", "Vichy", "03200"),
        commune("03001", "Abrest", "03200"),
        commune("03200", "Neuvy", "03000"),
        commune("03185", "Montluçon", "03100"),
    ])
}

#[test]
fn a_commune_is_found_by_name_postal_code_or_insee() {
    let i = index();
    assert_eq!(i.resolve("vichy").unwrap().insee, "03310");
    assert_eq!(i.resolve("Montlucon").unwrap().insee, "03185");
    assert_eq!(i.resolve("03100").unwrap().insee, "03185");
    assert_eq!(i.resolve("03200 Vichy").unwrap().insee, "03310");
    assert_eq!(i.resolve("Vichy (03310)").unwrap().insee, "03310");
    assert_eq!(i.resolve("insee:03200").unwrap().insee, "03200");
}

#[test]
fn a_code_that_is_a_postal_code_and_an_insee_code_is_ambiguous() {
    let err = index().resolve("03200").unwrap_err();
    assert!(err.contains("Vichy") && err.contains("Neuvy"), "{err}");
    assert!(index().resolve("Paris").is_err());
    assert!(index().resolve("insee:75056").is_err());
}
