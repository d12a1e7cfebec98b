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
    fn a_point_is_at_zero_from_itself() {
        assert!(distance_km(VICHY.0, VICHY.1, VICHY.0, VICHY.1).abs() < 1e-9);
    }
}
