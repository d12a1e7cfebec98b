//! QR codes as small standalone SVG images, for screens and print.

use std::fmt::Write as _;

use qrcode::{Color, EcLevel, QrCode};

use crate::export::xml_escape;

/// Width of the quiet zone around the code, in modules (the standard's).
const QUIET_ZONE: usize = 4;

/// Printed size of the whole image (quiet zone included). Browsers and
/// printers scale it: CSS `width`/`height` override it in a page.
const SIZE_MM: usize = 40;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum QrError {
    #[error("Ce texte est trop long pour un QR code.")]
    TooLong,
}

/// A QR code (error correction level M) as a standalone SVG document: black
/// modules in one `<path>` on a white background, a 4-module quiet zone, a
/// viewBox in modules and a printed size of 40 mm. `label` becomes the
/// `<title>` and `aria-label` (the image's accessible name), e.g. "QR code
/// vers la page de vérification de l'attestation".
///
/// Fails only for texts longer than a QR code holds (about 2 300 bytes at
/// level M); URLs of a few dozen characters are far below that.
pub fn qr_svg(text: &str, label: &str) -> Result<String, QrError> {
    let code =
        QrCode::with_error_correction_level(text, EcLevel::M).map_err(|_| QrError::TooLong)?;
    Ok(render_svg(&code, label))
}

fn render_svg(code: &QrCode, label: &str) -> String {
    let width = code.width();
    let colors = code.to_colors();
    let size = width + 2 * QUIET_ZONE;
    let label = xml_escape(label);
    let mut svg = String::with_capacity(200 + width * width);
    let _ = write!(
        svg,
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 {size} {size}""#,
            r#" width="{mm}mm" height="{mm}mm" role="img" aria-label="{label}" shape-rendering="crispEdges">"#,
            r#"<title>{label}</title>"#,
            r##"<rect width="{size}" height="{size}" fill="#fff"/>"##,
            r##"<path fill="#000" d=""##
        ),
        size = size,
        mm = SIZE_MM,
        label = label
    );
    // One horizontal run of dark modules per sub-path.
    for (y, row) in colors.chunks(width).enumerate() {
        let mut x = 0;
        while x < width {
            if row[x] == Color::Dark {
                let start = x;
                while x < width && row[x] == Color::Dark {
                    x += 1;
                }
                let _ = write!(
                    svg,
                    "M{} {}h{}v1h-{}z",
                    start + QUIET_ZONE,
                    y + QUIET_ZONE,
                    x - start,
                    x - start
                );
            } else {
                x += 1;
            }
        }
    }
    svg.push_str("\"/></svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://promeneurs.example.fr/verifier/7KX4-9QPM";

    #[test]
    fn typical_url_gives_a_version_4_code() {
        let code = QrCode::with_error_correction_level(URL, EcLevel::M).unwrap();
        assert_eq!(code.width(), 33);
        assert_eq!(code.error_correction_level(), EcLevel::M);
    }

    #[test]
    fn svg_is_standalone_and_accessible() {
        let svg = qr_svg(URL, "Vérifier l'attestation <n° 7KX4>").unwrap();
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.contains(r#"viewBox="0 0 41 41""#));
        assert!(svg.contains(r#"width="40mm" height="40mm""#));
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains("<title>Vérifier l&apos;attestation &lt;n° 7KX4&gt;</title>"));
        assert_eq!(svg.matches("<path").count(), 1);
        assert!(svg.trim_end().ends_with("</svg>"));
        // The top-left finder pattern starts a 7-module run at the quiet zone.
        assert!(svg.contains(r#"d="M4 4h7v1h-7z"#));
        // Small enough to inline in a page.
        assert!(svg.len() < 8_000, "{}", svg.len());
    }

    #[test]
    fn refuses_texts_too_long() {
        assert_eq!(
            qr_svg(&"x".repeat(5000), "trop long"),
            Err(QrError::TooLong)
        );
    }
}
