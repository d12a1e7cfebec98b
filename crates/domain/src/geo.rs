//! Distances on the Earth's surface, for "promeneurs near me" searches.

/// Mean Earth radius (IUGG), in kilometres.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Great-circle distance in kilometres between two points given in decimal
/// degrees (WGS 84 latitude and longitude), by the haversine formula: a
/// sphere, so within about 0.5 % of the true ellipsoidal distance.
pub fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    GeoPoint::new(lat1, lon1).distance_km(&GeoPoint::new(lat2, lon2))
}

/// A point with the cosine of its latitude computed once, for many
/// distances from or to it; [`GeoPoint::distance_km`] gives exactly the
/// same number as [`distance_km`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GeoPoint {
    lat: f64,
    lon: f64,
    cos_lat: f64,
}

impl GeoPoint {
    pub fn new(lat: f64, lon: f64) -> Self {
        Self {
            lat,
            lon,
            cos_lat: lat.to_radians().cos(),
        }
    }

    pub fn lat(&self) -> f64 {
        self.lat
    }

    pub fn lon(&self) -> f64 {
        self.lon
    }

    /// Whether the latitude is a latitude (finite, within ±90°): then
    /// [`GeoPoint::distance_floor_km`] holds.
    pub fn has_latitude(&self) -> bool {
        (-90.0..=90.0).contains(&self.lat)
    }

    /// A cheap lower bound of [`GeoPoint::distance_km`] (no trigonometry):
    /// the distance along a meridian between the two latitudes, a hair
    /// shorter to absorb rounding. Holds when both points have a latitude
    /// (see [`GeoPoint::has_latitude`]).
    pub fn distance_floor_km(&self, to: &Self) -> f64 {
        (to.lat - self.lat).to_radians().abs() * EARTH_RADIUS_KM * (1.0 - 1e-9)
    }

    /// The haversine distance in kilometres (see [`distance_km`]).
    pub fn distance_km(&self, to: &Self) -> f64 {
        let half_dphi = (to.lat - self.lat).to_radians() / 2.0;
        let half_dlambda = (to.lon - self.lon).to_radians() / 2.0;
        let h = half_dphi.sin().powi(2) + self.cos_lat * to.cos_lat * half_dlambda.sin().powi(2);
        // Rounding may push h a hair above 1 for antipodes.
        2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VICHY: (f64, f64) = (46.1277, 3.4267);
    const CLERMONT: (f64, f64) = (45.7772, 3.0870);

    fn close(a: f64, b: f64, tolerance: f64) -> bool {
        (a - b).abs() <= tolerance
    }

    #[test]
    fn vichy_is_47_km_from_clermont_as_the_crow_flies() {
        let d = distance_km(VICHY.0, VICHY.1, CLERMONT.0, CLERMONT.1);
        assert!(close(d, 47.0, 0.1), "{d}");
        let back = distance_km(CLERMONT.0, CLERMONT.1, VICHY.0, VICHY.1);
        assert!(close(d, back, 1e-9));
    }

    #[test]
    fn known_distances() {
        // Paris – Lyon.
        let d = distance_km(48.8566, 2.3522, 45.7640, 4.8357);
        assert!(close(d, 391.5, 0.5), "{d}");
        // One degree of latitude.
        let d = distance_km(45.0, 3.0, 46.0, 3.0);
        assert!(close(d, 111.195, 0.01), "{d}");
        // Across the antimeridian and to the antipode.
        let d = distance_km(0.0, 179.5, 0.0, -179.5);
        assert!(close(d, 111.195, 0.01), "{d}");
        let d = distance_km(0.0, 0.0, 0.0, 180.0);
        assert!(
            close(d, std::f64::consts::PI * EARTH_RADIUS_KM, 1e-6),
            "{d}"
        );
    }

    #[test]
    fn a_point_with_its_cosine_gives_the_same_bits() {
        let (a, b) = (
            GeoPoint::new(VICHY.0, VICHY.1),
            GeoPoint::new(CLERMONT.0, CLERMONT.1),
        );
        let old = |lat1: f64, lon1: f64, lat2: f64, lon2: f64| {
            let (phi1, phi2) = (lat1.to_radians(), lat2.to_radians());
            let half_dphi = (lat2 - lat1).to_radians() / 2.0;
            let half_dlambda = (lon2 - lon1).to_radians() / 2.0;
            let h = half_dphi.sin().powi(2) + phi1.cos() * phi2.cos() * half_dlambda.sin().powi(2);
            2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
        };
        let d = a.distance_km(&b);
        assert_eq!(
            d.to_bits(),
            old(VICHY.0, VICHY.1, CLERMONT.0, CLERMONT.1).to_bits()
        );
        assert_eq!(
            d.to_bits(),
            distance_km(VICHY.0, VICHY.1, CLERMONT.0, CLERMONT.1).to_bits()
        );
    }

    #[test]
    fn the_floor_is_never_above_the_distance() {
        let mut seed: u64 = 12_345;
        let mut next = |span: f64| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            #[expect(clippy::cast_precision_loss, reason = "a test's random numbers")]
            let unit = (seed >> 11) as f64 / (1_u64 << 53) as f64;
            (unit - 0.5) * span
        };
        for i in 0..20_000 {
            // Far apart, then close together (down to a few metres).
            let span = if i % 2 == 0 { 180.0 } else { 1e-4 };
            let a = GeoPoint::new(next(180.0), next(360.0));
            let b = GeoPoint::new(
                (a.lat() + next(span)).clamp(-90.0, 90.0),
                a.lon() + next(span),
            );
            assert!(a.has_latitude() && b.has_latitude());
            assert!(a.distance_floor_km(&b) <= a.distance_km(&b), "{a:?} {b:?}");
        }
        let (a, b) = (GeoPoint::new(90.0, 0.0), GeoPoint::new(-90.0, 0.0));
        assert!(a.distance_floor_km(&b) <= a.distance_km(&b));
        assert!(!GeoPoint::new(f64::NAN, 0.0).has_latitude());
        assert!(!GeoPoint::new(91.0, 0.0).has_latitude());
    }

    #[test]
    fn a_point_is_at_zero_from_itself() {
        assert!(distance_km(VICHY.0, VICHY.1, VICHY.0, VICHY.1).abs() < 1e-9);
    }
}
