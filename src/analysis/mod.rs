//! Placeholder, filled in by the analysis work.
