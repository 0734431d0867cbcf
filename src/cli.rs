//! Command-line definitions (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "clauselint",
    version,
    about = "A linter for contract drafts: unfilled blanks, vague deadlines, missing rates, unsigned fields, reversed precedence clauses",
    long_about = None
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check Markdown drafts (files or directories; `-` reads stdin)
    Check(CheckArgs),
    /// List the loaded rules
    Rules(RulesArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// rustc-style diagnostics with source snippets
    Full,
    /// one line per finding: path:line:col: severity[rule]: message
    Short,
    /// a JSON array of findings
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
}

#[derive(Debug, Clone, Args)]
pub struct RuleArgs {
    /// Add a rule pack (a YAML file, or a directory of them); repeatable
    #[arg(long = "rules", value_name = "FILE|DIR", help_heading = "Rules")]
    pub rules: Vec<PathBuf>,
    /// Do not load the default packs embedded in the binary
    #[arg(long, help_heading = "Rules")]
    pub no_default_rules: bool,
}

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// Files or directories to check (directories are walked for *.md and *.markdown)
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub rule_args: RuleArgs,

    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Full, help_heading = "Output")]
    pub format: Format,
    /// When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with `auto`)
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, help_heading = "Output")]
    pub color: ColorChoice,
    /// Lowest severity that makes the exit code 1
    #[arg(long, value_enum, default_value_t = FailOn::Error, help_heading = "Output")]
    pub fail_on: FailOn,
    /// The path to report for text read from stdin (`-`)
    #[arg(long, value_name = "NAME", help_heading = "Input")]
    pub stdin_filename: Option<PathBuf>,
    /// Compare every draft with this template (overrides a draft's front matter `template:`)
    #[arg(long, value_name = "FILE", help_heading = "Template")]
    pub template: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct RulesArgs {
    #[command(flatten)]
    pub rule_args: RuleArgs,
    /// Only rules of this category (e.g. `deadline`) or with this id
    #[arg(long, value_name = "CATEGORY")]
    pub category: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
}
