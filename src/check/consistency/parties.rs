//! `check: party-names` (placeholder, filled in by the next step).

use super::super::Context;
use crate::diagnostic::Diagnostic;
use crate::rules::Rule;

pub(crate) fn run(_ctx: &Context, _rule: &Rule, _out: &mut Vec<Diagnostic>) {}
