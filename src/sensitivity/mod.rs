//! Placeholder, filled in by the sensitivity work.
