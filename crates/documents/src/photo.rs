//! ID photos sent by users: checked, turned upright, shrunk and stripped of
//! their metadata (EXIF, GPS position) by re-encoding.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits, RgbImage};

/// Longest side of a normalised photo, in pixels.
pub const MAX_SIDE: u32 = 512;

/// Photos above this many pixels are refused before being decoded.
pub const MAX_PIXELS: u64 = 40_000_000;

const JPEG_QUALITY: u8 = 85;

/// A normalised photo: a JPEG without metadata, at most 512 px on its
/// longest side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Photo {
    /// JPEG (quality 85).
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum PhotoError {
    #[error("Ce fichier n'est pas une photo JPEG ou PNG.")]
    NotAnImage,
    #[error("Cette photo est trop grande (plus de 40 millions de pixels).")]
    TooLarge,
    /// The header announces a size refused before anything is decoded.
    #[error(
        "Cette photo déclare {} × {} pixels, bien plus que les 40 millions permis : envoyez une photo plus petite.",
        crate::import::thousands(u64::from(*width)),
        crate::import::thousands(u64::from(*height))
    )]
    Dimensions { width: u32, height: u32 },
}

impl PhotoError {
    /// Whether the file is a photo refused for its size (rather than not a
    /// photo at all).
    pub fn is_too_large(&self) -> bool {
        matches!(self, Self::TooLarge | Self::Dimensions { .. })
    }
}

/// The sides of a PNG or JPEG image as its header declares them, read
/// without decoding anything (`None` when they cannot be found: the
/// decoder will judge).
pub fn declared_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.starts_with(b"\x89PNG\r\n\x1A\n") {
        // The IHDR chunk comes first: length, "IHDR", width, height.
        if bytes.get(12..16)? != b"IHDR" {
            return None;
        }
        let width = u32::from_be_bytes(bytes.get(16..20)?.try_into().ok()?);
        let height = u32::from_be_bytes(bytes.get(20..24)?.try_into().ok()?);
        return Some((width, height));
    }
    if !bytes.starts_with(b"\xFF\xD8") {
        return None;
    }
    // JPEG: walk the marker segments up to a start of frame (SOFn).
    let mut i = 2;
    while i + 4 <= bytes.len() {
        if bytes[i] != 0xFF {
            return None;
        }
        let marker = bytes[i + 1];
        if marker == 0xFF {
            i += 1;
            continue;
        }
        if marker == 0xD8 || (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            i += 2;
            continue;
        }
        let length = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        let is_frame = (0xC0..=0xCF).contains(&marker) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_frame {
            let height = u16::from_be_bytes(bytes.get(i + 5..i + 7)?.try_into().ok()?);
            let width = u16::from_be_bytes(bytes.get(i + 7..i + 9)?.try_into().ok()?);
            return Some((u32::from(width), u32::from(height)));
        }
        if marker == 0xDA || length < 2 {
            return None;
        }
        i += 2 + length;
    }
    None
}

/// Cheap check before decoding: a photo whose header declares more than
/// [`MAX_PIXELS`] pixels is refused with its size.
pub fn precheck(bytes: &[u8]) -> Result<(), PhotoError> {
    match declared_size(bytes) {
        Some((width, height)) if u64::from(width) * u64::from(height) > MAX_PIXELS => {
            Err(PhotoError::Dimensions { width, height })
        }
        _ => Ok(()),
    }
}

/// Checks and normalises a photo: only JPEG and PNG are accepted, by their
/// content (signature and a complete decoding); the EXIF orientation is
/// applied; the photo is scaled down to at most 512 px on its longest side
/// (never up), transparency is flattened on white, and the result is
/// re-encoded as JPEG quality 85, which drops every metadata.
pub fn normalise_photo(bytes: &[u8]) -> Result<Photo, PhotoError> {
    let format = if bytes.starts_with(b"\xFF\xD8\xFF") {
        ImageFormat::Jpeg
    } else if bytes.starts_with(b"\x89PNG\r\n\x1A\n") {
        ImageFormat::Png
    } else {
        return Err(PhotoError::NotAnImage);
    };
    precheck(bytes)?;
    // The JPEG decoder fills a truncated image in grey instead of failing:
    // a complete JPEG ends with an EOI marker (some cameras append a little
    // data after it).
    if format == ImageFormat::Jpeg
        && !bytes[bytes.len().saturating_sub(4096)..]
            .windows(2)
            .any(|w| w == b"\xFF\xD9")
    {
        return Err(PhotoError::NotAnImage);
    }

    let mut limits = Limits::default();
    limits.max_image_width = Some(30_000);
    limits.max_image_height = Some(30_000);
    // 40 Mpx in RGBA, 16 bits per channel, plus room for the decoders.
    limits.max_alloc = Some(MAX_PIXELS * 8 + 64 * 1024 * 1024);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(map_error)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(PhotoError::TooLarge);
    }
    if width == 0 || height == 0 {
        return Err(PhotoError::NotAnImage);
    }
    // A broken EXIF block must not refuse an otherwise good photo.
    let orientation = decoder.orientation().ok();
    let mut image = DynamicImage::from_decoder(decoder).map_err(map_error)?;
    if let Some(orientation) = orientation {
        image.apply_orientation(orientation);
    }

    let rgb = if image.color().has_alpha() {
        DynamicImage::ImageRgb8(flatten_on_white(&image))
    } else {
        image
    };
    let (width, height) = scaled_size(rgb.width(), rgb.height());
    let rgb = if (width, height) == (rgb.width(), rgb.height()) {
        rgb.into_rgb8()
    } else {
        rgb.thumbnail_exact(width, height).into_rgb8()
    };

    let mut out = Vec::with_capacity(64 * 1024);
    JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
        .encode_image(&rgb)
        .map_err(|_| PhotoError::NotAnImage)?;
    Ok(Photo {
        bytes: out,
        width,
        height,
    })
}

#[allow(clippy::needless_pass_by_value)] // used as `map_err(map_error)`
fn map_error(error: ImageError) -> PhotoError {
    match error {
        ImageError::Limits(_) => PhotoError::TooLarge,
        _ => PhotoError::NotAnImage,
    }
}

/// Size with the longest side at most [`MAX_SIDE`], aspect kept, rounded,
/// never enlarged.
fn scaled_size(width: u32, height: u32) -> (u32, u32) {
    let longest = width.max(height);
    if longest <= MAX_SIDE {
        return (width, height);
    }
    let scale = |side: u32| {
        let scaled =
            (u64::from(side) * u64::from(MAX_SIDE) + u64::from(longest) / 2) / u64::from(longest);
        u32::try_from(scaled).unwrap_or(MAX_SIDE).max(1)
    };
    (scale(width), scale(height))
}

/// Blends a transparent image onto a white background.
fn flatten_on_white(image: &DynamicImage) -> RgbImage {
    let rgba = image.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let a = u16::from(a);
        let blend = |c: u8| {
            let value = (u16::from(c) * a + 255 * (255 - a) + 127) / 255;
            u8::try_from(value).unwrap_or(u8::MAX)
        };
        image::Rgb([blend(r), blend(g), blend(b)])
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageEncoder, Rgb, Rgba, RgbaImage};

    fn png(image: &DynamicImage) -> Vec<u8> {
        let mut out = Vec::new();
        image
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    fn jpeg(image: &RgbImage) -> Vec<u8> {
        let mut out = Vec::new();
        JpegEncoder::new_with_quality(&mut out, 90)
            .write_image(
                image.as_raw(),
                image.width(),
                image.height(),
                image::ExtendedColorType::Rgb8,
            )
            .unwrap();
        out
    }

    fn decode(photo: &Photo) -> RgbImage {
        image::load_from_memory_with_format(&photo.bytes, ImageFormat::Jpeg)
            .unwrap()
            .into_rgb8()
    }

    /// An APP1 EXIF segment (little-endian TIFF) with an orientation and a
    /// GPS latitude, inserted right after the JPEG's SOI marker.
    fn with_exif(jpeg: &[u8], orientation: u16) -> Vec<u8> {
        let mut tiff = Vec::new();
        tiff.extend_from_slice(b"II*\0");
        tiff.extend_from_slice(&8u32.to_le_bytes());
        // IFD0: 2 entries.
        tiff.extend_from_slice(&2u16.to_le_bytes());
        // Orientation (0x0112), SHORT, 1 value.
        tiff.extend_from_slice(&0x0112u16.to_le_bytes());
        tiff.extend_from_slice(&3u16.to_le_bytes());
        tiff.extend_from_slice(&1u32.to_le_bytes());
        tiff.extend_from_slice(&u32::from(orientation).to_le_bytes());
        // GPSInfo (0x8825), LONG, offset of the GPS IFD.
        let gps_offset = 8 + 2 + 2 * 12 + 4;
        tiff.extend_from_slice(&0x8825u16.to_le_bytes());
        tiff.extend_from_slice(&4u16.to_le_bytes());
        tiff.extend_from_slice(&1u32.to_le_bytes());
        tiff.extend_from_slice(&u32::try_from(gps_offset).unwrap().to_le_bytes());
        tiff.extend_from_slice(&0u32.to_le_bytes());
        // GPS IFD: GPSLatitudeRef = "N".
        tiff.extend_from_slice(&1u16.to_le_bytes());
        tiff.extend_from_slice(&1u16.to_le_bytes());
        tiff.extend_from_slice(&2u16.to_le_bytes());
        tiff.extend_from_slice(&2u32.to_le_bytes());
        tiff.extend_from_slice(b"N\0\0\0");
        tiff.extend_from_slice(&0u32.to_le_bytes());

        let mut segment = b"Exif\0\0".to_vec();
        segment.extend_from_slice(&tiff);
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(b"\xFF\xE1");
        out.extend_from_slice(&u16::try_from(segment.len() + 2).unwrap().to_be_bytes());
        out.extend_from_slice(&segment);
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    #[test]
    fn large_png_is_scaled_down_to_jpeg() {
        let image = DynamicImage::ImageRgb8(RgbImage::from_pixel(1000, 600, Rgb([200, 30, 30])));
        let photo = normalise_photo(&png(&image)).unwrap();
        assert_eq!((photo.width, photo.height), (512, 307));
        assert!(photo.bytes.starts_with(b"\xFF\xD8\xFF"));
        let decoded = decode(&photo);
        assert_eq!(decoded.dimensions(), (512, 307));
        let Rgb([r, g, b]) = *decoded.get_pixel(100, 100);
        assert!(r > 180 && g < 60 && b < 60, "{r} {g} {b}");
    }

    #[test]
    fn tiny_png_is_not_upscaled() {
        let image = DynamicImage::ImageRgb8(RgbImage::from_pixel(1, 1, Rgb([0, 0, 0])));
        let photo = normalise_photo(&png(&image)).unwrap();
        assert_eq!((photo.width, photo.height), (1, 1));
        assert_eq!(decode(&photo).dimensions(), (1, 1));
    }

    #[test]
    fn transparency_becomes_white() {
        let image = DynamicImage::ImageRgba8(RgbaImage::from_pixel(8, 8, Rgba([0, 0, 0, 0])));
        let photo = normalise_photo(&png(&image)).unwrap();
        let Rgb([r, g, b]) = *decode(&photo).get_pixel(4, 4);
        assert!(r > 245 && g > 245 && b > 245, "{r} {g} {b}");
    }

    #[test]
    fn exif_and_gps_are_dropped_and_orientation_applied() {
        let original = jpeg(&RgbImage::from_pixel(40, 20, Rgb([10, 120, 10])));
        let with_gps = with_exif(&original, 6);
        assert!(with_gps.windows(4).any(|w| w == b"Exif"));
        let photo = normalise_photo(&with_gps).unwrap();
        assert!(!photo.bytes.windows(4).any(|w| w == b"Exif"));
        // Orientation 6: rotate 90° clockwise.
        assert_eq!((photo.width, photo.height), (20, 40));
    }

    #[test]
    fn refuses_what_is_not_a_photo() {
        assert_eq!(
            normalise_photo(b"MZ\x90\x00\x03\x00\x00\x00"),
            Err(PhotoError::NotAnImage)
        );
        assert_eq!(normalise_photo(b""), Err(PhotoError::NotAnImage));
        assert_eq!(
            normalise_photo(b"GIF89a\x01\x00\x01\x00"),
            Err(PhotoError::NotAnImage)
        );
        // Signatures alone are not enough.
        assert_eq!(
            normalise_photo(b"\xFF\xD8\xFF\xE0 renamed executable"),
            Err(PhotoError::NotAnImage)
        );
        assert_eq!(
            normalise_photo(b"\x89PNG\r\n\x1A\n\0\0\0\0"),
            Err(PhotoError::NotAnImage)
        );
        // Truncated files.
        let image = DynamicImage::ImageRgb8(RgbImage::from_pixel(64, 64, Rgb([1, 2, 3])));
        let full = png(&image);
        assert_eq!(
            normalise_photo(&full[..full.len() / 2]),
            Err(PhotoError::NotAnImage)
        );
        let full = jpeg(&image.to_rgb8());
        assert_eq!(
            normalise_photo(&full[..full.len() / 2]),
            Err(PhotoError::NotAnImage)
        );
    }

    #[test]
    fn refuses_huge_images_before_decoding() {
        // A PNG announcing 10 000 × 5 000 pixels, with (far too little) data.
        let mut bytes = b"\x89PNG\r\n\x1A\n".to_vec();
        let mut ihdr = b"IHDR".to_vec();
        ihdr.extend_from_slice(&10_000u32.to_be_bytes());
        ihdr.extend_from_slice(&5_000u32.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        bytes.extend_from_slice(&13u32.to_be_bytes());
        bytes.extend_from_slice(&ihdr);
        bytes.extend_from_slice(&crc32(&ihdr).to_be_bytes());
        for chunk in [&b"IDAT\x78\x9C\x63\x00\x00"[..], b"IEND"] {
            bytes.extend_from_slice(&u32::try_from(chunk.len() - 4).unwrap().to_be_bytes());
            bytes.extend_from_slice(chunk);
            bytes.extend_from_slice(&crc32(chunk).to_be_bytes());
        }
        let refused = PhotoError::Dimensions {
            width: 10_000,
            height: 5_000,
        };
        assert_eq!(precheck(&bytes), Err(refused.clone()));
        assert_eq!(normalise_photo(&bytes), Err(refused.clone()));
        assert!(refused.is_too_large());
        assert_eq!(
            precheck(&bytes).unwrap_err().to_string(),
            "Cette photo déclare 10\u{202f}000 × 5\u{202f}000 pixels, bien plus que les 40 millions permis : envoyez une photo plus petite."
        );
        assert_eq!(
            PhotoError::TooLarge.to_string(),
            "Cette photo est trop grande (plus de 40 millions de pixels)."
        );
    }

    #[test]
    fn declared_size_is_read_without_decoding() {
        let image = DynamicImage::ImageRgb8(RgbImage::from_pixel(300, 200, Rgb([1, 2, 3])));
        assert_eq!(declared_size(&png(&image)), Some((300, 200)));
        let mut jpeg = Vec::new();
        image
            .write_to(&mut Cursor::new(&mut jpeg), ImageFormat::Jpeg)
            .unwrap();
        assert_eq!(declared_size(&jpeg), Some((300, 200)));
        // A JPEG frame header announcing 65 535 × 65 535 pixels.
        let mut bomb = b"\xFF\xD8\xFF\xE0\x00\x04\x00\x00".to_vec();
        bomb.extend_from_slice(b"\xFF\xC0\x00\x11\x08\xFF\xFF\xFF\xFF\x03");
        assert_eq!(declared_size(&bomb), Some((65_535, 65_535)));
        assert!(matches!(
            precheck(&bomb),
            Err(PhotoError::Dimensions {
                width: 65_535,
                height: 65_535
            })
        ));
        assert_eq!(declared_size(b"\xFF\xD8"), None);
        assert_eq!(declared_size(b"GIF89a"), None);
        assert_eq!(precheck(b"not an image"), Ok(()));
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &byte in data {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn sizes_keep_the_aspect() {
        assert_eq!(scaled_size(1000, 600), (512, 307));
        assert_eq!(scaled_size(600, 1000), (307, 512));
        assert_eq!(scaled_size(512, 100), (512, 100));
        assert_eq!(scaled_size(10_000, 1), (512, 1));
    }
}
