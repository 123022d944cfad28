//! Placeholder so the workspace manifest loads; the library helper replaces it.
fn main() {}
