//! The explorer's refusals: an HTTP status, the field concerned and every
//! problem, as the page shows them next to the field.
//!
//! Owns the error type and its JSON form; it knows the scenario checker's
//! errors only to translate their field paths to the page's.

use super::EXPLORED;
use crate::scenario::ScenarioError;
use serde_json::{Value as Json, json};

/// A refused request: the HTTP status, the field concerned and every problem.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status (400 for a bad request).
    pub status: u16,
    /// The field of the first problem (a scenario path or a request key;
    /// empty when the request as a whole is wrong).
    pub field: String,
    /// What is wrong, naming the field.
    pub message: String,
    /// Every problem: (field, message).
    pub problems: Vec<(String, String)>,
}

impl ApiError {
    /// A bad request concerning `field`.
    pub fn bad(field: impl Into<String>, message: impl Into<String>) -> Self {
        let field = field.into();
        let message = message.into();
        Self {
            status: 400,
            problems: vec![(field.clone(), message.clone())],
            field,
            message,
        }
    }

    /// A failure of the server (500).
    pub fn internal(message: impl Into<String>) -> Self {
        Self {
            status: 500,
            ..Self::bad("", message)
        }
    }

    /// The JSON body of the error answer.
    pub fn to_json(&self) -> Json {
        let full = if self.field.is_empty() {
            self.message.clone()
        } else {
            format!("{}: {}", self.field, self.message)
        };
        json!({
            "error": full,
            "field": self.field,
            "problems": self.problems.iter().map(|(f, m)| json!({"field": f, "message": m})).collect::<Vec<_>>(),
        })
    }

    pub(super) fn from_scenario(err: &ScenarioError) -> Self {
        let prefix = format!("variants.{EXPLORED}: ");
        let problems: Vec<(String, String)> = err
            .problems
            .iter()
            .map(|p| {
                let path = p.path.strip_prefix(&prefix).unwrap_or(&p.path);
                let path = path
                    .strip_prefix(&format!("variants.{EXPLORED}"))
                    .unwrap_or(path);
                (path.to_string(), p.message.clone())
            })
            .collect();
        let (field, message) = problems
            .first()
            .cloned()
            .unwrap_or_else(|| (String::new(), err.to_string()));
        Self {
            status: 400,
            field,
            message,
            problems,
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.field.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.field, self.message)
        }
    }
}

impl std::error::Error for ApiError {}
