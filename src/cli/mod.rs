//! One file per subcommand; each parses its arguments and calls the library.

pub mod check;
pub mod plot;
pub mod run;
pub mod sensitivity;
pub mod simulate;
