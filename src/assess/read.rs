//! Reading a filled checklist with every problem named at once, and writing
//! the scenario it describes.

use super::AssessError;
use super::checklist::{Answer, AnswerProblem, Checklist, questions, toml_error};
use crate::scenario::{MAX_HINTS, Scenario, ScenarioSpec, set_value, suggest};
use toml::Value;

impl Checklist {
    /// Reads and checks a filled checklist, naming every problem at once:
    /// unknown sections and questions (with the closest known name),
    /// answers that are neither a number nor `true`/`false`, missing
    /// answers and scores outside [0, 1]. Only a file that is not TOML at
    /// all stops at the first error ([`AssessError::Toml`]).
    ///
    /// ```
    /// use mlgov::assess::Checklist;
    /// let err = Checklist::read("[works]\nshared_visoin = 0.5\nreflexive_trust = 'high'\n")
    ///     .unwrap_err()
    ///     .to_string();
    /// assert!(err.contains("works.shared_visoin: unknown question (did you mean `works.shared_vision`?)"));
    /// assert!(err.contains("works.reflexive_trust: expected a score from 0 to 1 or true/false, got the string \"high\""));
    /// assert!(err.contains("recipe.shared_vision: missing"));
    /// ```
    pub fn read(text: &str) -> Result<Checklist, AssessError> {
        let table: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| toml_error(text, &e))?;
        let qs = questions();
        let sections: Vec<String> = {
            let mut v: Vec<String> = qs.iter().map(|(s, _, _)| s.to_string()).collect();
            v.dedup();
            v
        };
        let all: Vec<String> = qs.iter().map(|(s, k, _)| format!("{s}.{k}")).collect();
        let mut problems = Vec::new();
        let mut checklist = Checklist::default();
        // "Did you mean" hints, while the budget lasts (a file of many
        // thousands of unknown names is checked in time linear in its size).
        let mut hints = 0;
        let mut suggest = |word: &str, known: &[String]| {
            hints += 1;
            if hints > MAX_HINTS {
                None
            } else {
                suggest(word, known.iter())
            }
        };
        for (section, body) in &table {
            if !sections.contains(section) {
                let hint = suggest(section, &sections)
                    .map(|s| format!(" (did you mean `[{s}]`?)"))
                    .unwrap_or_else(|| format!("; the sections are {}", sections.join(", ")));
                problems.push(AnswerProblem {
                    path: section.clone(),
                    message: format!("unknown section{hint}"),
                });
                continue;
            }
            let Some(body) = body.as_table() else {
                problems.push(AnswerProblem {
                    path: section.clone(),
                    message: "expected a section `[...]` of answers".to_string(),
                });
                continue;
            };
            for (key, value) in body {
                let path = format!("{section}.{key}");
                let Some(slot) = checklist.answer_mut(&path) else {
                    let hint = suggest(&path, &all)
                        .map(|s| format!(" (did you mean `{s}`?)"))
                        .unwrap_or_default();
                    problems.push(AnswerProblem {
                        path,
                        message: format!("unknown question{hint}"),
                    });
                    continue;
                };
                match value {
                    Value::Float(v) => *slot = Some(Answer::Score(*v)),
                    Value::Integer(v) => *slot = Some(Answer::Score(*v as f64)),
                    Value::Boolean(b) => *slot = Some(Answer::Yes(*b)),
                    other => problems.push(AnswerProblem {
                        path,
                        message: format!(
                            "expected a score from 0 to 1 or true/false, got {}",
                            describe(other)
                        ),
                    }),
                }
            }
        }
        // Missing and out-of-range answers, except those already named.
        if let Err(AssessError::Invalid { problems: more }) = checklist.validate() {
            for p in more {
                if !problems.iter().any(|q| q.path == p.path) {
                    problems.push(p);
                }
            }
        }
        if problems.is_empty() {
            Ok(checklist)
        } else {
            Err(AssessError::Invalid { problems })
        }
    }

    /// The scenario this checklist describes, as TOML text: `base` (the text
    /// of a scenario, possibly empty, whose partners and experiment are
    /// kept) with every parameter the checklist sets written in (see the
    /// mapping in [`crate::assess`]). `header` is written first as comment
    /// lines. The result is checked as a scenario before it is returned.
    pub fn scenario_toml(
        &self,
        base: &str,
        base_file: &str,
        header: &str,
    ) -> Result<String, AssessError> {
        let base_scenario =
            Scenario::from_toml(base, base_file).map_err(|e| AssessError::Toml {
                line: None,
                message: format!("the base scenario is not valid: {e}"),
            })?;
        let spec: &ScenarioSpec = &base_scenario.spec;
        let mut tree: Value =
            base.parse::<toml::Table>()
                .map(Value::Table)
                .map_err(|e| AssessError::Toml {
                    line: None,
                    message: format!("{base_file}: {}", e.message().trim()),
                })?;
        for o in self.to_overrides(spec)? {
            // Six decimals are plenty for an assessed value and read better.
            let value = match o.setting.to_toml() {
                Value::Float(v) => Value::Float((v * 1e6).round() / 1e6),
                other => other,
            };
            set_value(&mut tree, &o.path, value).map_err(|_| AssessError::UnknownParameter {
                path: o.path.clone(),
            })?;
        }
        let body = toml::to_string_pretty(&tree).map_err(|e| AssessError::Toml {
            line: None,
            message: format!("cannot write the scenario: {e}"),
        })?;
        let mut text = String::new();
        for line in header.lines() {
            text.push_str("# ");
            text.push_str(line);
            text.push('\n');
        }
        if !header.is_empty() {
            text.push('\n');
        }
        text.push_str(&body);
        Scenario::from_toml(&text, "the assessed scenario").map_err(|e| AssessError::Toml {
            line: None,
            message: format!("the assessed scenario does not check: {e}"),
        })?;
        Ok(text)
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => format!("the string \"{s}\""),
        Value::Array(_) => "a list".to_string(),
        Value::Table(_) => "a table".to_string(),
        Value::Datetime(d) => format!("the date {d}"),
        other => other.to_string(),
    }
}
