//! Security headers on every UI answer: a Content-Security-Policy that allows only the UI's own
//! scripts and same-origin API calls and forbids framing (`frame-ancestors 'none'`, against
//! clickjacking), plus `nosniff` and no referrer.

use axum::http::{HeaderName, HeaderValue, header};
use axum::response::Response;

/// The UI's Content-Security-Policy.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
                       connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Adds the security headers to `response`.
pub async fn secure(mut response: Response) -> Response {
    let headers = response.headers_mut();
    let set: [(HeaderName, &'static str); 4] = [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
    ];
    for (name, value) in set {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}
