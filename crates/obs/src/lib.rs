//! Telemetry for Peak_Trade application code (placeholder, replaced by its owner).
