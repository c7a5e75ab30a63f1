//! The checklist itself: four sections of answers, each answer a score in
//! [0, 1] or a yes/no, every one optional so that a missing answer can be
//! named by [`Checklist::validate`].

use super::AssessError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// One answer: a score in [0, 1] (0 = absent or does not apply, 1 = fully
/// present or applies fully) or a yes/no (`true` = 1, `false` = 0).
///
/// In a checklist file either form may be written: `trust = 0.7`,
/// `trust = 1` or `trust = true`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    /// Yes (1) or no (0).
    Yes(bool),
    /// A score; valid answers lie in [0, 1].
    Score(f64),
}

impl Answer {
    /// The answer as a number (a yes/no as 1 or 0); not checked.
    pub fn value(self) -> f64 {
        match self {
            Answer::Yes(true) => 1.0,
            Answer::Yes(false) => 0.0,
            Answer::Score(v) => v,
        }
    }

    /// The score, or a message saying why it is not a valid answer.
    pub fn checked(self) -> Result<f64, String> {
        let v = self.value();
        if v.is_finite() && (0.0..=1.0).contains(&v) {
            Ok(v)
        } else {
            Err(format!("must be in [0, 1], got {v}"))
        }
    }
}

impl From<f64> for Answer {
    fn from(v: f64) -> Self {
        Answer::Score(v)
    }
}

impl From<bool> for Answer {
    fn from(v: bool) -> Self {
        Answer::Yes(v)
    }
}

/// Something wrong with one answer, named by its path (`section.key`).
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerProblem {
    /// `section.key`, e.g. `recipe.shared_vision`.
    pub path: String,
    /// What is wrong, e.g. `missing`.
    pub message: String,
}

impl fmt::Display for AnswerProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Defines one checklist section: a struct of optional answers, with the
/// question text as each field's documentation and in `QUESTIONS`.
macro_rules! section {
    (
        $(#[$meta:meta])*
        $name:ident, $label:literal, $heading:literal,
        { $( $field:ident : $question:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        #[serde(default, deny_unknown_fields)]
        pub struct $name {
            $(
                #[doc = $question]
                #[serde(skip_serializing_if = "Option::is_none")]
                pub $field: Option<Answer>,
            )+
        }

        impl $name {
            /// The section's table name in a checklist file.
            pub const SECTION: &'static str = $label;
            /// Where the questions come from (used as the template heading).
            pub const HEADING: &'static str = $heading;
            /// Every question of the section: key and text, in order.
            pub const QUESTIONS: &'static [(&'static str, &'static str)] =
                &[$((stringify!($field), $question)),+];

            /// Every answer with its key, in question order.
            pub fn answers(&self) -> Vec<(&'static str, Option<Answer>)> {
                vec![$((stringify!($field), self.$field)),+]
            }

            /// The answer slot called `key`, if there is one.
            pub fn answer_mut(&mut self, key: &str) -> Option<&mut Option<Answer>> {
                match key {
                    $(stringify!($field) => Some(&mut self.$field),)+
                    _ => None,
                }
            }

            /// The section with every question answered `answer`.
            pub fn filled(answer: Answer) -> Self {
                Self { $($field: Some(answer),)+ }
            }
        }
    };
}

section! {
    /// The 13 ingredients of the *Effective Partnership Working* recipe and its
    /// three utensils (leadership, trust, learning and review): how far each
    /// is present.
    Recipe, "recipe",
    "Effective Partnership Working recipe: ingredients and utensils (0 = absent, 1 = fully present)",
    {
        real_benefit: "Partners see real benefit and results in collaboration.",
        achieves_more_together: "The partnership will achieve more than can be achieved without it.",
        inclusive: "The partnership is inclusive and representative of stakeholder interests.",
        common_interest_first: "The common interest is a higher priority than individual partner interest.",
        use_we: "Partners use \"we\" when talking about partnership issues.",
        willing_to_change: "Partners are willing to change to achieve shared goals.",
        shared_responsibilities_rewards: "Responsibilities and rewards are shared.",
        will_and_resources: "There is a real will to succeed and to dedicate resources to make it happen.",
        shared_vision: "There is a shared vision of what success looks like.",
        respect_diversity: "Partners understand and respect each other's diversity and cultural differences.",
        use_strengths: "Partners understand the use of strengths and talents within the different organisations.",
        effective_communication: "Effective communication methods are in place.",
        regular_review: "There is regular review in which partners assess how well the partnership performs and decide on actions to improve.",
        leadership: "Utensil LEADERSHIP: a leader helps partners agree the difference they want to make and the steps to get there (communication, consultation, delegation, consensus building, negotiation, influence, knowledge of policy and funding).",
        trust: "Utensil TRUST: partners trust one another to work towards a common goal (empathy, listening, constructive approaches, genuine dialogue, understanding of group dynamics).",
        learning_and_review: "Utensil LEARNING and REVIEW: partners have the skills to learn and grow together and review progress (problem solving, evaluation, benchmarking, facilitation, systems to bring in new partners).",
    }
}

section! {
    /// Lloyd's partnership success checklist (slide 9): how well each holds.
    SuccessChecklist, "success",
    "Partnership success checklist (Lloyd, slide 9; 0 = not at all, 1 = fully)",
    {
        good_fit: "Good fit: is the partnership right for the mission?",
        focus: "Focus: is it clear about its objectives?",
        space_to_act: "Space to act: does it have the right foothold in the governance structure?",
        capacity: "Capacity and competency: does it have the right shape, management and leadership?",
        reality_check: "Reality check: does it address issues where it can make a difference?",
    }
}

section! {
    /// What makes partnerships really work (Lloyd, slide 8): how far each is present.
    WhatWorks, "works",
    "What makes partnerships really work (Lloyd, slide 8; 0 = absent, 1 = fully present)",
    {
        shared_vision: "Shared vision and clear objectives.",
        division_of_labour: "Clear division of labour.",
        reflexive_trust: "Reflexive trust: we understand each other and can work together.",
        fair_distribution: "Fair distribution of costs, benefits and rewards, to underpin risk-taking.",
        shared_learning: "Shared mutual learning over time.",
    }
}

section! {
    /// What gets in the way (Lloyd, slide 10): how much each applies
    /// (0 = not at all, 1 = fully). Higher is worse here.
    WhatGetsInTheWay, "obstacles",
    "What gets in the way (Lloyd, slide 10; 0 = does not apply, 1 = applies fully)",
    {
        not_enough_time: "The partnership is not given enough time to grow the trust it needs.",
        pushed_too_soon: "It is pushed too soon into delivery, driving faster change than it can handle.",
        no_sustainable_funding: "Sustainable funding to support it properly has not been designed.",
        external_targets: "It is limited to targets set from outside.",
    }
}

/// A whole assessment checklist: the recipe, the success checklist, what
/// works and what gets in the way. Read it from TOML with
/// [`Checklist::from_toml`]; every answer must be given before it can be
/// mapped to parameters ([`Checklist::validate`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Checklist {
    /// `[recipe]`: the 13 ingredients and 3 utensils.
    pub recipe: Recipe,
    /// `[success]`: Lloyd's success checklist.
    pub success: SuccessChecklist,
    /// `[works]`: what makes partnerships work.
    pub works: WhatWorks,
    /// `[obstacles]`: what gets in the way.
    pub obstacles: WhatGetsInTheWay,
}

/// Every question of a checklist: section, key and text, in file order.
pub fn questions() -> Vec<(&'static str, &'static str, &'static str)> {
    let mut out = Vec::new();
    for (section, qs) in [
        (Recipe::SECTION, Recipe::QUESTIONS),
        (SuccessChecklist::SECTION, SuccessChecklist::QUESTIONS),
        (WhatWorks::SECTION, WhatWorks::QUESTIONS),
        (WhatGetsInTheWay::SECTION, WhatGetsInTheWay::QUESTIONS),
    ] {
        out.extend(qs.iter().map(|(k, q)| (section, *k, *q)));
    }
    out
}

impl Checklist {
    /// A checklist with every question answered `answer` (handy for tests and
    /// what-if comparisons; note that obstacles are answered the same way).
    pub fn filled(answer: impl Into<Answer>) -> Self {
        let a = answer.into();
        Self {
            recipe: Recipe::filled(a),
            success: SuccessChecklist::filled(a),
            works: WhatWorks::filled(a),
            obstacles: WhatGetsInTheWay::filled(a),
        }
    }

    /// Parses a checklist file. Unknown sections or keys are errors; missing
    /// answers are not (see [`Checklist::validate`]).
    pub fn from_toml(text: &str) -> Result<Self, AssessError> {
        toml::from_str(text).map_err(|e| toml_error(text, &e))
    }

    /// Every answer with its path (`section.key`), in file order.
    pub fn answers(&self) -> Vec<(String, Option<Answer>)> {
        let mut out = Vec::new();
        let mut add = |section: &str, list: Vec<(&'static str, Option<Answer>)>| {
            out.extend(list.into_iter().map(|(k, a)| (format!("{section}.{k}"), a)));
        };
        add(Recipe::SECTION, self.recipe.answers());
        add(SuccessChecklist::SECTION, self.success.answers());
        add(WhatWorks::SECTION, self.works.answers());
        add(WhatGetsInTheWay::SECTION, self.obstacles.answers());
        out
    }

    /// The answer slot at `path` (`section.key`), if there is one.
    pub fn answer_mut(&mut self, path: &str) -> Option<&mut Option<Answer>> {
        let (section, key) = path.split_once('.')?;
        match section {
            Recipe::SECTION => self.recipe.answer_mut(key),
            SuccessChecklist::SECTION => self.success.answer_mut(key),
            WhatWorks::SECTION => self.works.answer_mut(key),
            WhatGetsInTheWay::SECTION => self.obstacles.answer_mut(key),
            _ => None,
        }
    }

    /// Sets the answer at `path` (`section.key`), e.g.
    /// `checklist.set("works.reflexive_trust", 0.8)`. The value is checked
    /// later, by [`Checklist::validate`].
    pub fn set(&mut self, path: &str, answer: impl Into<Answer>) -> Result<(), AssessError> {
        match self.answer_mut(path) {
            Some(slot) => {
                *slot = Some(answer.into());
                Ok(())
            }
            None => Err(AssessError::UnknownAnswer {
                path: path.to_string(),
            }),
        }
    }

    /// The checked score at `path`, if that answer is given and valid.
    pub fn score(&self, path: &str) -> Option<f64> {
        self.answers()
            .into_iter()
            .find(|(p, _)| p == path)
            .and_then(|(_, a)| a)
            .and_then(|a| a.checked().ok())
    }

    /// Checks that every question is answered with a score in [0, 1]. The
    /// error lists every problem, not only the first.
    pub fn validate(&self) -> Result<(), AssessError> {
        let problems: Vec<AnswerProblem> = self
            .answers()
            .into_iter()
            .filter_map(|(path, a)| {
                let message = match a {
                    None => "missing".to_string(),
                    Some(a) => a.checked().err()?,
                };
                Some(AnswerProblem { path, message })
            })
            .collect();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(AssessError::Invalid { problems })
        }
    }

    /// A commented TOML template listing every question. Each answer line is
    /// commented out (`# key =`): remove the `#` and give a score in [0, 1]
    /// or `true`/`false`. As it stands the template parses into an empty
    /// checklist, whose [`validate`](Checklist::validate) names every
    /// unanswered question.
    pub fn template_toml() -> String {
        let mut out = String::from(
            "# mlgov partnership assessment checklist.\n\
             # Answer every question: uncomment the line below it and give a score\n\
             # from 0 to 1 (or true / false). For [recipe], [success] and [works]\n\
             # 0 = absent and 1 = fully present; for [obstacles] 0 = does not apply\n\
             # and 1 = applies fully. Sources: the Effective Partnership Working\n\
             # recipe and Peter Lloyd, Working in Partnership (slides 8-10).\n",
        );
        for (section, heading, qs) in [
            (Recipe::SECTION, Recipe::HEADING, Recipe::QUESTIONS),
            (
                SuccessChecklist::SECTION,
                SuccessChecklist::HEADING,
                SuccessChecklist::QUESTIONS,
            ),
            (WhatWorks::SECTION, WhatWorks::HEADING, WhatWorks::QUESTIONS),
            (
                WhatGetsInTheWay::SECTION,
                WhatGetsInTheWay::HEADING,
                WhatGetsInTheWay::QUESTIONS,
            ),
        ] {
            out.push_str(&format!("\n# {heading}\n[{section}]\n"));
            for (key, question) in qs {
                for line in wrap(question, 76) {
                    out.push_str(&format!("# {line}\n"));
                }
                out.push_str(&format!("# {key} =\n\n"));
            }
        }
        out
    }
}

/// A TOML parse error of `text`, with its line.
pub(super) fn toml_error(text: &str, e: &toml::de::Error) -> AssessError {
    let line = e
        .span()
        .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
    AssessError::Toml {
        line,
        message: e.message().trim().to_string(),
    }
}

/// Greedy word wrap to lines of at most `width` characters (longer words
/// stay whole).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirty_questions_with_unique_paths() {
        let qs = questions();
        assert_eq!(qs.len(), 16 + 5 + 5 + 4);
        let mut paths: Vec<String> = qs.iter().map(|(s, k, _)| format!("{s}.{k}")).collect();
        paths.sort();
        paths.dedup();
        assert_eq!(paths.len(), 30);
        assert_eq!(Checklist::default().answers().len(), 30);
    }

    #[test]
    fn answers_accept_numbers_integers_and_booleans() {
        let c = Checklist::from_toml("[recipe]\ntrust = 0.7\nuse_we = 1\nshared_vision = false\n")
            .unwrap();
        assert_eq!(c.recipe.trust, Some(Answer::Score(0.7)));
        assert_eq!(c.recipe.use_we.map(Answer::value), Some(1.0));
        assert_eq!(c.recipe.shared_vision, Some(Answer::Yes(false)));
        assert_eq!(c.score("recipe.trust"), Some(0.7));
        assert_eq!(c.score("recipe.leadership"), None);
    }

    #[test]
    fn set_rejects_unknown_paths() {
        let mut c = Checklist::default();
        assert!(c.set("works.reflexive_trust", 0.3).is_ok());
        assert_eq!(c.works.reflexive_trust, Some(Answer::Score(0.3)));
        for bad in ["works.reflexive", "nowhere.trust", "trust", ""] {
            assert!(matches!(
                c.set(bad, true),
                Err(AssessError::UnknownAnswer { .. })
            ));
        }
    }

    #[test]
    fn wrap_keeps_lines_short() {
        let lines = wrap("a bb ccc dddd eeeee", 6);
        assert_eq!(lines, ["a bb", "ccc", "dddd", "eeeee"]);
        assert!(wrap("", 10).is_empty());
    }
}
