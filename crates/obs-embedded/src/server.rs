//! Binds every listener and serves until a signal. OWNER: core helper.
