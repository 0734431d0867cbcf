//! Thin entry point: parse arguments, hand them to the library, map its result to an exit code.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = clauselint::cli::Cli::parse();
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let io = clauselint::Io {
        out_is_terminal: stdout.is_terminal(),
        out: &mut stdout.lock(),
        err: &mut stderr.lock(),
        stdin: &mut std::io::stdin().lock(),
    };
    ExitCode::from(clauselint::run(cli, io))
}
