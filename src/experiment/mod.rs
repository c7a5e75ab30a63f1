//! Placeholder, filled in by the experiment work.
