use super::*;

fn spot<'a>(insee: &'a str, name: &'a str, lat: f64, lon: f64, count: usize) -> Spot<'a> {
    Spot {
        insee,
        name,
        lat,
        lon,
        count,
    }
}

/// Clermont-Ferrand, Chamalières and Beaumont touch one another; Vichy
/// and Cusset too; Montluçon stands alone.
fn spots() -> Vec<Spot<'static>> {
    vec![
        spot("63075", "Chamalières", 45.774_14, 3.067_28, 3),
        spot("03310", "Vichy", 46.124_84, 3.428_43, 5),
        spot("63113", "Clermont-Ferrand", 45.779_49, 3.086_12, 9),
        spot("03185", "Montluçon", 46.343_70, 2.606_10, 1),
        spot("63032", "Beaumont", 45.753_59, 3.086_08, 2),
        spot("03095", "Cusset", 46.131_89, 3.456_20, 2),
    ]
}

#[test]
fn close_communes_make_one_group_named_after_the_biggest() {
    let groups = clusters(&spots(), &View::whole());
    let labels: Vec<String> = groups.iter().map(Cluster::label).collect();
    assert_eq!(
        labels,
        [
            "Clermont-Ferrand et alentours : 14 promeneurs",
            "Vichy et alentours : 7 promeneurs",
            "Montluçon : 1 promeneur",
        ]
    );
    assert_eq!(groups[0].insee, "63113");
    assert_eq!(groups[0].communes, 3);
    // Every promeneur is counted once.
    assert_eq!(groups.iter().map(|g| g.count).sum::<usize>(), 22);
    // Groups left apart do not overlap.
    for (i, a) in groups.iter().enumerate() {
        for b in &groups[i + 1..] {
            assert!((a.x - b.x).hypot(a.y - b.y) > a.radius() + b.radius());
        }
    }
    // Alone, a commune keeps its name; nothing to draw, no group.
    let whole = View::whole();
    let one = clusters(&[spot("03310", "Vichy", 46.124_84, 3.428_43, 5)], &whole);
    assert_eq!(one[0].label(), "Vichy : 5 promeneurs");
    assert!(clusters(&[spot("03310", "Vichy", f64::NAN, 3.4, 5)], &whole).is_empty());
    assert!(clusters(&[spot("03310", "Vichy", 46.1, 3.4, 0)], &whole).is_empty());
}

#[test]
fn groups_are_links_inside_a_group_not_an_image() {
    let groups = clusters(&spots(), &View::whole());
    let mut svg = String::new();
    write_cluster_map(
        &mut svg,
        &groups,
        &groups
            .iter()
            .map(|g| format!("/annuaire?commune={}&x=<1>#resultats", g.insee))
            .collect::<Vec<_>>(),
        Some(&Origin {
            name: "Vichy",
            lat: 46.124_84,
            lon: 3.428_43,
        }),
        &View::whole(),
    )
    .unwrap();
    assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    assert!(svg.contains(r#"role="group" aria-label="Carte des promeneurs trouvés""#));
    assert_eq!(svg.matches(r#"<a class="map-cluster""#).count(), 3);
    assert!(svg.contains(
        r#"<a class="map-cluster" href="/annuaire?commune=03310&amp;x=&lt;1&gt;#resultats" aria-label="Vichy et alentours : 7 promeneurs"><title>Vichy et alentours : 7 promeneurs</title>"#
    ));
    // The count is written in the disc, hidden from screen readers (the
    // link's name says it).
    assert!(svg.contains(r#"aria-hidden="true">14</text></a>"#));
    assert!(svg.contains("Ta recherche : Vichy"));
    assert_eq!(svg.matches(r#"class="map-department""#).count(), 2);
}

#[test]
fn the_main_towns_are_named_without_overlapping() {
    let towns = towns::markup(
        &base().projection,
        &View::whole(),
        &[],
        &mut base().labels.clone(),
    );
    let towns = &towns;
    for name in [
        "Clermont-Ferrand",
        "Montluçon",
        "Vichy",
        "Moulins",
        "Issoire",
        "Thiers",
    ] {
        assert!(
            towns.contains(&format!(">{name}</text>")),
            "{name} is written: {towns}"
        );
    }
    let written = towns.matches("<text ").count();
    assert!((8..=towns::MAX_TOWNS).contains(&written), "{written} towns");
    // Chamalières touches Clermont-Ferrand: its name would cover it.
    assert!(!towns.contains(">Chamalières<"));
    // The names' boxes, read back from the markup, never overlap.
    let boxes: Vec<Rect> = towns
        .split("<text class=\"map-town-label\" ")
        .skip(1)
        .map(|t| {
            let attr = |name: &str| {
                let start = t.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                &t[start..start + t[start..].find('"').unwrap()]
            };
            let anchor = match attr("text-anchor") {
                "start" => Anchor::Start,
                "middle" => Anchor::Middle,
                _ => Anchor::End,
            };
            let text = &t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()];
            Rect::of_text(
                text,
                19.0,
                attr("x").parse().unwrap(),
                attr("y").parse().unwrap(),
                anchor,
            )
        })
        .collect();
    assert_eq!(boxes.len(), written);
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            assert!(!a.overlaps(b), "{a:?} {b:?}");
        }
    }
}

#[test]
fn escaping_writes_runs_and_entities() {
    assert_eq!(escape(r#"a<b>&"c'd"#), "a&lt;b&gt;&amp;&quot;c&#39;d");
    assert_eq!(escape("Léa"), "Léa");
    assert_eq!(escape("<script>"), "&lt;script&gt;");
}

#[test]
fn the_projection_keeps_the_bbox_inside_the_drawing() {
    let b = base();
    let (x, y) = b.projection.point(2.2768, 46.8043);
    assert!((x - PAD).abs() < 1e-6 && (y - PAD).abs() < 1e-6);
    let (x, y) = b.projection.point(4.0057, 45.2871);
    assert!((x - (WIDTH - PAD)).abs() < 1e-6);
    assert!((y - (b.height - PAD)).abs() < 1e-6);
    // Portrait: the two départements are taller than wide once scaled.
    assert!(b.height > WIDTH);
}

#[test]
fn a_map_around_a_commune_is_zoomed_and_groups_less() {
    let view = View::around(46.124_84, 3.428_43, 20.0);
    assert!(view.zoom > 3.0, "{view:?}");
    assert_eq!(View::around(46.124_84, 3.428_43, 80.0), View::whole());
    assert_eq!(View::around(f64::NAN, 3.4, 20.0), View::whole());
    // Vichy and Saint-Yorre, one group on the whole map, are two up close.
    let near = &[
        spot("03310", "Vichy", 46.124_84, 3.428_43, 5),
        spot("03254", "Saint-Yorre", 46.066_13, 3.465_41, 1),
    ];
    let whole = clusters(near, &View::whole());
    let zoomed = clusters(near, &view);
    assert!(zoomed.len() > whole.len(), "{zoomed:?}");
    assert_eq!(whole.len(), 1);
    assert!(zoomed.iter().any(|g| g.label() == "Vichy : 5 promeneurs"));
    let mut svg = String::new();
    write_cluster_map(
        &mut svg,
        &zoomed,
        &vec![String::new(); zoomed.len()],
        None,
        &view,
    )
    .unwrap();
    assert!(svg.starts_with(r#"<svg class="results-map map-zoomed""#));
    // Towns near Vichy are named, those far away are not drawn.
    assert!(
        svg.contains(">Cusset</text>") || svg.contains(">Vichy</text>"),
        "{svg}"
    );
    assert!(!svg.contains(">Clermont-Ferrand</text>"));
}

#[test]
fn a_towns_name_is_written_beside_the_group_over_it() {
    let groups = clusters(&spots(), &View::whole());
    let mut svg = String::new();
    write_cluster_map(
        &mut svg,
        &groups,
        &vec![String::new(); groups.len()],
        None,
        &View::whole(),
    )
    .unwrap();
    // Clermont-Ferrand's group sits on the town: its name starts past the
    // disc, which is drawn over the town's dot, not over the name.
    let g = &groups[0];
    let (x, _) = base().projection.point(3.086_12, 45.779_49);
    let name = svg
        .split("<text class=\"map-town-label\" x=\"")
        .skip(1)
        .find(|t| t.contains(">Clermont-Ferrand</text>"))
        .expect("Clermont-Ferrand is named");
    let start: f64 = name[..name.find('"').unwrap()].parse().unwrap();
    assert!(
        start >= g.x + g.radius() || start <= g.x - g.radius(),
        "{start} within the disc at {} (r {}), town at {x}",
        g.x,
        g.radius()
    );
    assert!(svg.find("map-towns").unwrap() < svg.find("map-cluster").unwrap());
}
