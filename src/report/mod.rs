//! Writers for result files.

mod atomic;
pub use atomic::write_atomic;
