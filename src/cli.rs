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
#[allow(clippy::large_enum_variant)] // parsed once; boxing would only add noise
pub enum Command {
    /// Check Markdown drafts (files or directories; `-` reads stdin)
    Check(CheckArgs),
    /// List the loaded rules
    Rules(RulesArgs),
    /// Explain a rule: what it reports, and its examples run live
    Explain(ExplainArgs),
    /// Check rule packs without checking any draft: every problem, with its YAML position
    Validate(ValidateArgs),
    /// Test rule packs: each rule's examples, and the NAME.test.md files next to a pack
    Test(TestArgs),
    /// Print the JSON Schema of the rule pack format (the one in rules/schema.json)
    Schema,
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    Completions(CompletionsArgs),
}

#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    /// The shell to generate completions for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// rustc-style diagnostics with source snippets
    Full,
    /// one line per finding: path:line:col: severity[rule]: message
    Short,
    /// a JSON array of findings
    Json,
    /// SARIF 2.1.0 (GitHub code scanning and other SARIF viewers)
    Sarif,
    /// GitHub Actions workflow commands (annotations on the pull request)
    Github,
    /// GitLab Code Quality report (a JSON array with stable fingerprints)
    Gitlab,
    /// JUnit XML: one testsuite per file, one testcase per finding
    Junit,
    /// one JSON object per line, with the fields of `json`
    JsonLines,
    /// a count per rule and per file
    Summary,
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
    /// findings never make the exit code 1
    Never,
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

/// Which config is in force: for `check`, for each draft; for `rules` and `explain`, the
/// one `check` would use for a draft in the current folder.
#[derive(Debug, Clone, Default, Args)]
pub struct ConfigArgs {
    /// Use this config file instead of the nearest clauselint.yaml above each draft (no
    /// discovery)
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "isolated",
        help_heading = "Config"
    )]
    pub config: Option<PathBuf>,
    /// Ignore every config file: the default packs and --rules only
    #[arg(long, help_heading = "Config")]
    pub isolated: bool,
}

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// Files or directories to check (directories are walked for *.md and *.markdown);
    /// default `.` unless --files-from is given
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub rule_args: RuleArgs,

    /// Output format on stdout [default: full]
    #[arg(long, value_enum, help_heading = "Output")]
    pub format: Option<Format>,
    /// When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with `auto`)
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, help_heading = "Output")]
    pub color: ColorChoice,
    /// Lowest severity that makes the exit code 1 [default: the config's `fail-on`, else error]
    #[arg(long, value_enum, help_heading = "Exit status")]
    pub fail_on: Option<FailOn>,
    /// The path to report for text read from stdin (`-`)
    #[arg(long, value_name = "NAME", help_heading = "Input")]
    pub stdin_filename: Option<PathBuf>,
    /// The encoding of drafts that are not UTF-8 (gb18030, big5, utf-16le, …), instead of
    /// guessing it; a byte order mark still wins, and `utf-8` makes any other file an error
    #[arg(long, value_name = "LABEL", help_heading = "Input")]
    pub encoding: Option<String>,
    /// Compare every draft with this template (overrides a draft's front matter `template:`)
    #[arg(long, value_name = "FILE", help_heading = "Template")]
    pub template: Option<PathBuf>,

    /// Refuse drafts larger than this (e.g. 256MiB, 10M, 4096), with a per-file error
    /// instead of running out of memory
    #[arg(long, value_name = "SIZE", default_value = "256MiB", value_parser = crate::source::parse_size, help_heading = "Input")]
    pub max_file_size: u64,

    // ---- issue 4: CI surface (config, selection, walking, suppressions, baseline, outputs)
    /// Read the paths to check from FILE (`-`: stdin), one per line; an empty list checks
    /// nothing (it never falls back to `.`)
    #[arg(long, value_name = "FILE", help_heading = "Input")]
    pub files_from: Option<PathBuf>,
    /// Do not respect .gitignore, .ignore and git exclude files when walking directories
    #[arg(long, help_heading = "Input")]
    pub no_ignore: bool,
    /// Exclude these globs (.gitignore syntax, relative to the current folder), in addition
    /// to the config's `exclude`
    #[arg(
        long,
        value_name = "GLOB",
        value_delimiter = ',',
        help_heading = "Input"
    )]
    pub extend_exclude: Vec<String>,

    #[command(flatten)]
    pub config_args: ConfigArgs,

    /// Rules to check, by id or category (`deadline`); replaces the config's `select`
    #[arg(
        long,
        value_name = "RULE",
        value_delimiter = ',',
        help_heading = "Selection"
    )]
    pub select: Option<Vec<String>>,
    /// Rules not to check, by id or category; replaces the config's `ignore`
    #[arg(
        long,
        value_name = "RULE",
        value_delimiter = ',',
        help_heading = "Selection"
    )]
    pub ignore: Option<Vec<String>>,
    /// Rules to check in addition to the selection
    #[arg(
        long,
        value_name = "RULE",
        value_delimiter = ',',
        help_heading = "Selection"
    )]
    pub extend_select: Vec<String>,
    /// Rules not to check, in addition to the ignored ones
    #[arg(
        long,
        value_name = "RULE",
        value_delimiter = ',',
        help_heading = "Selection"
    )]
    pub extend_ignore: Vec<String>,

    /// Also write FORMAT to PATH (`-`: stdout); repeatable, e.g. `--output-format sarif=clauselint.sarif`
    #[arg(long, value_name = "FORMAT=PATH", value_parser = parse_output, help_heading = "Output")]
    pub output_format: Vec<OutputTarget>,
    /// Print a count per rule and per file instead of the findings (same as `--format summary`)
    #[arg(long, help_heading = "Output", conflicts_with = "format")]
    pub statistics: bool,
    /// Keep contract text out of the output (for CI logs): snippets are masked, messages
    /// that quote the draft go back to their rule's template
    #[arg(long, help_heading = "Output")]
    pub redact: bool,
    /// Print only findings: no summary line, no warnings about empty runs or stale baselines
    #[arg(long, short, help_heading = "Output")]
    pub quiet: bool,

    /// Report only findings that are not recorded in this baseline file
    #[arg(long, value_name = "FILE", help_heading = "Baseline")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings in this baseline file (and exit 0 unless a file failed)
    #[arg(
        long,
        value_name = "FILE",
        help_heading = "Baseline",
        conflicts_with = "baseline"
    )]
    pub write_baseline: Option<PathBuf>,

    /// Exit 0 even when there are findings (errors reading files or configs still exit 2)
    #[arg(long, help_heading = "Exit status")]
    pub exit_zero: bool,

    // ---- issue 7: performance
    /// Check with N threads (default: one per CPU)
    #[arg(long, short = 'j', value_name = "N", help_heading = "Performance")]
    pub threads: Option<usize>,
    /// Check only shard I of N (1 ≤ I ≤ N): files are split by a hash of their path, so that
    /// N CI jobs together check every file exactly once
    #[arg(long, value_name = "I/N", value_parser = parse_shard, help_heading = "Performance")]
    pub shard: Option<Shard>,
    /// Parse drafts larger than this many bytes in parts of about this size, in parallel
    /// (default 1 MiB; small values are for tests)
    #[arg(long, value_name = "BYTES", hide = true)]
    pub chunk_size: Option<usize>,
}

/// `--shard I/N`: the I-th of N shards, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

fn parse_shard(s: &str) -> Result<Shard, String> {
    let err = || format!("`{s}` is not I/N with 1 ≤ I ≤ N (for example 2/4)");
    let (i, n) = s.split_once('/').ok_or_else(err)?;
    let (index, count): (u64, u64) = (
        i.trim().parse().map_err(|_| err())?,
        n.trim().parse().map_err(|_| err())?,
    );
    if count == 0 || index == 0 || index > count {
        return Err(err());
    }
    Ok(Shard { index, count })
}

/// One `--output-format FORMAT=PATH`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputTarget {
    pub format: Format,
    /// `None`: stdout.
    pub path: Option<PathBuf>,
}

fn parse_output(s: &str) -> Result<OutputTarget, String> {
    let (f, p) = match s.split_once('=') {
        Some((f, p)) => (f, Some(p)),
        None => (s, None),
    };
    let format = Format::from_str(f, true).map_err(|_| {
        let names: Vec<String> = Format::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value().map(|p| p.get_name().to_string()))
            .collect();
        format!("unknown format `{f}`, expected one of {}", names.join(", "))
    })?;
    let path = match p {
        None | Some("-") => None,
        Some("") => return Err("empty path after `=`".into()),
        Some(p) => Some(PathBuf::from(p)),
    };
    Ok(OutputTarget { format, path })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    /// a table: id, kind, severity, lang, pack, message
    Text,
    /// a JSON array of rules with their descriptions and examples
    Json,
    /// a reference page with descriptions and examples run live (docs/rules.md)
    Markdown,
}

#[derive(Debug, Clone, Args)]
pub struct RulesArgs {
    #[command(flatten)]
    pub rule_args: RuleArgs,
    #[command(flatten)]
    pub config_args: ConfigArgs,
    /// Only rules of this category (e.g. `deadline`) or with this id
    #[arg(long, value_name = "CATEGORY")]
    pub category: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
}

/// Output formats of `validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ValidateFormat {
    /// codespan diagnostics pointing into the YAML
    Full,
    /// one line per problem: path:line:col: error: message
    Short,
    /// a JSON array of problems
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct ValidateArgs {
    /// Rule packs: YAML files, or directories of them (*.yaml, *.yml)
    #[arg(value_name = "PACK", required = true)]
    pub packs: Vec<PathBuf>,
    /// Check ids against these packs only, not also against the default packs
    #[arg(long)]
    pub no_default_rules: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = ValidateFormat::Full, help_heading = "Output")]
    pub format: ValidateFormat,
    /// When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with `auto`)
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, help_heading = "Output")]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Args)]
pub struct ExplainArgs {
    /// The rule id, e.g. `blank/underscore`
    #[arg(value_name = "RULE")]
    pub rule: String,
    #[command(flatten)]
    pub rule_args: RuleArgs,
    #[command(flatten)]
    pub config_args: ConfigArgs,
    /// When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with `auto`)
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, help_heading = "Output")]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Args)]
pub struct TestArgs {
    /// Rule packs, directories of packs, or test files (default: the packs built into the
    /// binary, examples only)
    #[arg(value_name = "PACK|DIR")]
    pub paths: Vec<PathBuf>,
    /// When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with `auto`)
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, help_heading = "Output")]
    pub color: ColorChoice,
}
