//! Static assets, built into the binary. Their URLs carry a digest of their
//! content, so browsers may keep them for a year.

use std::sync::OnceLock;

use axum::{
    Router,
    extract::Path,
    http::{HeaderValue, header},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use sha2::{Digest, Sha256};

use crate::{AppError, AppState};

struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

/// The icon of a social network (the directory's buttons), served as
/// `net-<platform>.svg` beside the stylesheet that uses it.
macro_rules! network_icon {
    ($platform:literal) => {
        Asset {
            name: concat!("net-", $platform, ".svg"),
            content_type: "image/svg+xml",
            bytes: include_bytes!(concat!("../assets/networks/", $platform, ".svg")),
        }
    };
}

const ASSETS: &[Asset] = &[
    Asset {
        name: "pico.classless.min.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../assets/pico.classless.min.css"),
    },
    Asset {
        name: "theme.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../assets/theme.css"),
    },
    Asset {
        name: "layout.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../assets/layout.css"),
    },
    Asset {
        name: "directory.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../assets/directory.css"),
    },
    network_icon!("instagram"),
    network_icon!("snapchat"),
    network_icon!("tiktok"),
    network_icon!("discord"),
    network_icon!("facebook"),
    network_icon!("x"),
    network_icon!("youtube"),
    network_icon!("twitch"),
    network_icon!("whatsapp"),
    network_icon!("messenger"),
    network_icon!("other"),
    Asset {
        name: "favicon.svg",
        content_type: "image/svg+xml",
        bytes: include_bytes!("../assets/favicon.svg"),
    },
];

fn version() -> &'static str {
    static V: OnceLock<String> = OnceLock::new();
    V.get_or_init(|| {
        let mut h = Sha256::new();
        for a in ASSETS {
            h.update(a.bytes);
        }
        hex::encode(&h.finalize()[..6])
    })
}

pub fn url(name: &str) -> String {
    format!("/static/{}/{name}", version())
}

pub fn stylesheets() -> Vec<String> {
    vec![
        url("pico.classless.min.css"),
        url("theme.css"),
        url("layout.css"),
        url("directory.css"),
    ]
}

async fn serve(Path((v, name)): Path<(String, String)>) -> Result<Response, AppError> {
    let asset = ASSETS
        .iter()
        .find(|a| a.name == name)
        .ok_or_else(AppError::not_found)?;
    let cache = if v == version() {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let mut res = asset.bytes.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    Ok(res)
}

/// Browsers ask for `/favicon.ico` whatever the page says: sent to the
/// SVG icon of this version (a day's cache for the redirect itself).
async fn favicon_ico() -> Response {
    let mut res = Redirect::temporary(&url("favicon.svg")).into_response();
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    res
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/static/{version}/{name}", get(serve))
        .route("/favicon.ico", get(favicon_ico))
}
