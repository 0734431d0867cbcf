//! `consistency`: built-in cross-checks of values and names, chosen with `check:`.
//! Each finding has a primary span and, where two places disagree, a secondary label on the
//! other place.

mod dates;
mod parties;
mod words_digits;

use super::Context;
use crate::diagnostic::Diagnostic;
use crate::rules::{Check, Rule};

pub(crate) fn run(ctx: &Context, rule: &Rule, out: &mut Vec<Diagnostic>) {
    match rule.check {
        Some(Check::WordsDigits) => words_digits::run(ctx, rule, out),
        Some(Check::PartyNames) => parties::run(ctx, rule, out),
        Some(Check::DateValid) => dates::invalid(ctx, rule, out),
        Some(Check::DatePlausible) => dates::implausible(ctx, rule, out),
        Some(Check::SignAfterTermination) => dates::sign_after_termination(ctx, rule, out),
        None => {}
    }
}

/// Replace `{name}` placeholders in a rule message.
pub(crate) fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    let mut s = template.to_string();
    for (k, v) in vars {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}
