//! Throughput benchmark: clauselint against ripgrep on a generated corpus (issue 7).
//!
//! ```sh
//! cargo bench --bench throughput                     # everything, default sizes
//! cargo bench --bench throughput -- --only corpus    # one scenario: corpus, big, memory, scaling
//! cargo bench --bench throughput -- generate         # only write the corpus and print where
//! cargo bench --bench throughput -- --help
//! ```
//!
//! The corpus is generated once (seeded, reproducible) under `target/bench-corpus/` and
//! reused while its parameters do not change. Each command runs in a child process; wall
//! time is the median of `--runs` runs after one warm-up run (so the files are in the page
//! cache for both tools), and peak memory is the child's maximum resident set size from
//! `wait4`. ripgrep is optional: without `rg` on the PATH the ratios are not printed and
//! the bench says so.

mod corpus;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use corpus::{CorpusSpec, Generator, Written, GENERATOR_VERSION};

/// The two blank regexes ripgrep counts: underscore runs and bracketed placeholders.
const RG_PATTERNS: &[&str] = &[r"_{3,}|＿{2,}", r"\[[^\]\n]{0,60}\]|【[^】\n]{0,40}】"];

struct Options {
    files: usize,
    small_files: usize,
    big_mb: usize,
    seed: u64,
    runs: usize,
    threads: Option<usize>,
    dir: PathBuf,
    only: Vec<String>,
    clauselint: PathBuf,
    generate_only: bool,
}

const HELP: &str = "\
usage: cargo bench --bench throughput -- [generate] [OPTIONS]

  generate            write the corpus and the big drafts, print where, and stop
  --files N           drafts in the corpus (default 5000)
  --small-files N     drafts in the small corpus of the memory comparison (default 500)
  --big-mb N          size of the big draft in MB (default 100); scaling uses N/10 too
  --seed N            generator seed (default 2025)
  --runs N            timed runs per command, median reported (default 3)
  --threads N         pass --threads N to clauselint
  --dir DIR           where the corpus goes (default target/bench-corpus)
  --only LIST         scenarios: corpus,big,memory,scaling (default all)
  --clauselint PATH   the binary to measure (default the one cargo just built)
";

fn parse_args() -> Options {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut o = Options {
        files: 5000,
        small_files: 500,
        big_mb: 100,
        seed: 2025,
        runs: 3,
        threads: None,
        dir: manifest.join("target").join("bench-corpus"),
        only: Vec::new(),
        clauselint: PathBuf::from(env!("CARGO_BIN_EXE_clauselint")),
        generate_only: false,
    };
    let mut args = std::env::args().skip(1);
    let num = |v: Option<String>, name: &str| -> u64 {
        v.and_then(|s| s.parse().ok()).unwrap_or_else(|| {
            eprintln!("{name} needs a number\n\n{HELP}");
            std::process::exit(2)
        })
    };
    while let Some(a) = args.next() {
        match a.as_str() {
            // cargo bench passes --bench to every bench target.
            "--bench" => {}
            "generate" => o.generate_only = true,
            "--files" => o.files = num(args.next(), "--files") as usize,
            "--small-files" => o.small_files = num(args.next(), "--small-files") as usize,
            "--big-mb" => o.big_mb = num(args.next(), "--big-mb") as usize,
            "--seed" => o.seed = num(args.next(), "--seed"),
            "--runs" => o.runs = num(args.next(), "--runs").max(1) as usize,
            "--threads" => o.threads = Some(num(args.next(), "--threads") as usize),
            "--dir" => o.dir = PathBuf::from(args.next().unwrap_or_default()),
            "--only" => {
                o.only = args
                    .next()
                    .unwrap_or_default()
                    .split(',')
                    .map(str::to_string)
                    .collect()
            }
            "--clauselint" => o.clauselint = PathBuf::from(args.next().unwrap_or_default()),
            "-h" | "--help" => {
                print!("{HELP}");
                std::process::exit(0)
            }
            other => {
                eprintln!("unknown argument `{other}`\n\n{HELP}");
                std::process::exit(2)
            }
        }
    }
    o
}

/// One finished child: wall time, peak resident set size, exit code, captured stdout.
struct Measured {
    wall: Duration,
    /// User plus system CPU time of the child.
    cpu: Duration,
    maxrss_kb: u64,
    code: i32,
}

/// Run a command to completion with its output thrown away, and measure it. Peak memory
/// comes from `wait4`, which reports the child's own maximum resident set size.
fn measure(program: &Path, args: &[String]) -> std::io::Result<Measured> {
    let start = Instant::now();
    let child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: a zeroed rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet reaped; the out-pointers are valid.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    if r < 0 {
        return Err(std::io::Error::last_os_error());
    }
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    // Linux reports ru_maxrss in kilobytes.
    Ok(Measured {
        wall,
        cpu: tv(usage.ru_utime) + tv(usage.ru_stime),
        maxrss_kb: usage.ru_maxrss as u64,
        code,
    })
}

/// Median wall time and the largest peak RSS over `runs` runs, after one warm-up.
fn bench(program: &Path, args: &[String], runs: usize, ok: &[i32]) -> Option<Measured> {
    let warm = match measure(program, args) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("cannot run {}: {e}", program.display());
            return None;
        }
    };
    if !ok.contains(&warm.code) {
        eprintln!(
            "{} {} exited with {} (expected {:?})",
            program.display(),
            args.join(" "),
            warm.code,
            ok
        );
        return None;
    }
    let mut walls = Vec::new();
    let mut cpus = Vec::new();
    let mut rss = 0;
    for _ in 0..runs {
        let m = measure(program, args).ok()?;
        walls.push(m.wall);
        cpus.push(m.cpu);
        rss = rss.max(m.maxrss_kb);
    }
    walls.sort();
    cpus.sort();
    Some(Measured {
        wall: walls[walls.len() / 2],
        cpu: cpus[cpus.len() / 2],
        maxrss_kb: rss,
        code: warm.code,
    })
}

fn rg_path() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("rg"))
        .find(|p| p.is_file())
}

fn rg_args(target: &Path) -> Vec<String> {
    let mut a = vec!["--count-matches".to_string()];
    for p in RG_PATTERNS {
        a.push("-e".into());
        a.push((*p).into());
    }
    a.push(target.display().to_string());
    a
}

fn clauselint_args(o: &Options, target: &Path) -> Vec<String> {
    let mut a = vec!["check".to_string(), "--color".into(), "never".into()];
    if let Some(t) = o.threads {
        a.push("--threads".into());
        a.push(t.to_string());
    }
    a.push(target.display().to_string());
    a
}

/// Sum of rg's per-file counts, and clauselint's findings (all, and blank/*).
fn counts(o: &Options, rg: Option<&Path>, target: &Path) -> (Option<u64>, usize, usize) {
    let rg_total = rg.and_then(|rg| {
        let out = Command::new(rg).args(rg_args(target)).output().ok()?;
        let text = String::from_utf8_lossy(&out.stdout);
        Some(
            text.lines()
                .filter_map(|l| l.rsplit(':').next()?.trim().parse::<u64>().ok())
                .sum(),
        )
    });
    let mut args = clauselint_args(o, target);
    args.insert(1, "--format".into());
    args.insert(2, "short".into());
    let out = Command::new(&o.clauselint).args(&args).output();
    let (all, blank) = match out {
        Ok(out) => {
            let text = String::from_utf8_lossy(&out.stdout);
            let all = text.lines().count();
            let blank = text.lines().filter(|l| l.contains("[blank/")).count();
            (all, blank)
        }
        Err(_) => (0, 0),
    };
    (rg_total, all, blank)
}

struct Row {
    scenario: String,
    tool: &'static str,
    m: Measured,
    bytes: u64,
    files: usize,
    rg_wall: Option<Duration>,
}

fn print_rows(rows: &[Row]) {
    println!(
        "\n{:<28} {:<11} {:>9} {:>8} {:>8} {:>9} {:>10} {:>11}",
        "scenario", "tool", "wall (s)", "vs rg", "cpu (s)", "MB/s", "files/s", "peak RSS"
    );
    for r in rows {
        let secs = r.m.wall.as_secs_f64();
        let ratio = r
            .rg_wall
            .map(|w| format!("{:.1}x", secs / w.as_secs_f64()))
            .unwrap_or_else(|| "-".into());
        let files = if r.files > 1 {
            format!("{:.0}", r.files as f64 / secs)
        } else {
            "-".into()
        };
        println!(
            "{:<28} {:<11} {:>9.3} {:>8} {:>8.3} {:>9.1} {:>10} {:>8.1} MB",
            r.scenario,
            r.tool,
            secs,
            ratio,
            r.m.cpu.as_secs_f64(),
            r.bytes as f64 / 1e6 / secs,
            files,
            r.m.maxrss_kb as f64 / 1024.0
        );
    }
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

fn main() {
    let o = parse_args();
    let generator = Generator::new();
    let stamp = |kind: &str, n: usize| format!("v{GENERATOR_VERSION} {kind} {n} seed {}", o.seed);

    let corpus_dir = |n: usize| o.dir.join(format!("corpus-{n}"));
    let make_corpus = |n: usize| -> Written {
        let dir = corpus_dir(n);
        corpus::ensure(&dir, &stamp("corpus", n), |d| {
            eprintln!("generating {n} drafts in {} …", d.display());
            generator.corpus(
                d,
                CorpusSpec {
                    files: n,
                    seed: o.seed,
                },
            )
        })
        .unwrap_or_else(|e| panic!("cannot write the corpus in {}: {e}", dir.display()))
    };
    let big_dir = |mb: usize| o.dir.join(format!("big-{mb}mb"));
    let big_file = |mb: usize| big_dir(mb).join("framework-agreement.md");
    let make_big = |mb: usize| -> Written {
        let dir = big_dir(mb);
        let file = big_file(mb);
        corpus::ensure(&dir, &stamp("big", mb), |_| {
            eprintln!("generating a {mb} MB draft in {} …", file.display());
            generator.big(&file, mb * 1_000_000, o.seed)
        })
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", file.display()))
    };
    let wants = |s: &str| o.only.is_empty() || o.only.iter().any(|x| x == s);

    if o.generate_only {
        let w = make_corpus(o.files);
        println!(
            "{}: {} drafts, {:.1} MB, {} planted blanks",
            corpus_dir(o.files).display(),
            w.files,
            mb(w.bytes),
            w.planted
        );
        let w = make_corpus(o.small_files);
        println!(
            "{}: {} drafts, {:.1} MB, {} planted blanks",
            corpus_dir(o.small_files).display(),
            w.files,
            mb(w.bytes),
            w.planted
        );
        for m in [o.big_mb / 10, o.big_mb] {
            let w = make_big(m);
            println!(
                "{}: {:.1} MB, {} planted blanks",
                big_file(m).display(),
                mb(w.bytes),
                w.planted
            );
        }
        return;
    }

    let rg = rg_path();
    match &rg {
        Some(p) => eprintln!("ripgrep: {}", p.display()),
        None => eprintln!(
            "ripgrep (rg) is not installed: no ratios against rg will be printed (Debian: apt install ripgrep)"
        ),
    }
    eprintln!("clauselint: {}", o.clauselint.display());
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    // Other work on the machine shows in the wall times; the load average says how much.
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    eprintln!(
        "machine: {cpus} CPUs available, load average {}; {} timed runs each, median",
        load.split_whitespace().next().unwrap_or("?"),
        o.runs
    );

    let mut rows: Vec<Row> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    // Exit codes: clauselint 1 (findings) or 0; rg 0 (matches) or 1 (none).
    let cl_ok = [0, 1];
    let rg_ok = [0, 1];

    let run_pair = |scenario: String, target: &Path, w: Written, rows: &mut Vec<Row>| {
        let rg_m = rg
            .as_ref()
            .and_then(|rg| bench(rg, &rg_args(target), o.runs, &rg_ok));
        let rg_wall = rg_m.as_ref().map(|m| m.wall);
        let cl = bench(&o.clauselint, &clauselint_args(&o, target), o.runs, &cl_ok);
        if let Some(m) = rg_m {
            rows.push(Row {
                scenario: scenario.clone(),
                tool: "rg",
                m,
                bytes: w.bytes,
                files: w.files,
                rg_wall,
            });
        }
        let cl_wall = cl.as_ref().map(|m| (m.wall, m.maxrss_kb));
        if let Some(m) = cl {
            rows.push(Row {
                scenario,
                tool: "clauselint",
                m,
                bytes: w.bytes,
                files: w.files,
                rg_wall,
            });
        }
        (rg_wall, cl_wall)
    };

    if wants("corpus") {
        let w = make_corpus(o.files);
        let dir = corpus_dir(o.files);
        let (rg_wall, cl) = run_pair(
            format!("corpus {} files {:.1} MB", w.files, mb(w.bytes)),
            &dir,
            w,
            &mut rows,
        );
        let (rg_n, all, blank) = counts(&o, rg.as_deref(), &dir);
        notes.push(format!(
            "corpus: {} planted blanks; clauselint reports {all} findings ({blank} blank/*){}",
            w.planted,
            rg_n.map(|n| format!("; rg counts {n} matches"))
                .unwrap_or_default()
        ));
        if let (Some(r), Some((c, _))) = (rg_wall, cl) {
            let ratio = c.as_secs_f64() / r.as_secs_f64();
            notes.push(format!(
                "corpus target (at most 3x rg): {ratio:.1}x — {}",
                if ratio <= 3.0 { "met" } else { "MISSED" }
            ));
        }
    }

    if wants("big") {
        let w = make_big(o.big_mb);
        let file = big_file(o.big_mb);
        let (rg_wall, cl) = run_pair(
            format!("one draft {:.1} MB", mb(w.bytes)),
            &file,
            w,
            &mut rows,
        );
        let (rg_n, all, blank) = counts(&o, rg.as_deref(), &file);
        notes.push(format!(
            "big draft: {} planted blanks; clauselint reports {all} findings ({blank} blank/*){}",
            w.planted,
            rg_n.map(|n| format!("; rg counts {n} matches"))
                .unwrap_or_default()
        ));
        if let Some((c, rss)) = cl {
            if let Some(r) = rg_wall {
                let ratio = c.as_secs_f64() / r.as_secs_f64();
                notes.push(format!(
                    "big-draft target (at most 20x rg): {ratio:.1}x — {}",
                    if ratio <= 20.0 { "met" } else { "MISSED" }
                ));
            }
            let x = rss as f64 * 1024.0 / w.bytes as f64;
            notes.push(format!(
                "big-draft memory target (at most 3x the file): {x:.2}x — {}",
                if x <= 3.0 { "met" } else { "MISSED" }
            ));
        }
    }

    if wants("memory") {
        let small = make_corpus(o.small_files);
        let large = make_corpus(o.files);
        let (_, a) = run_pair(
            format!("memory: {} files", small.files),
            &corpus_dir(o.small_files),
            small,
            &mut rows,
        );
        let (_, b) = run_pair(
            format!("memory: {} files", large.files),
            &corpus_dir(o.files),
            large,
            &mut rows,
        );
        if let (Some((_, a)), Some((_, b))) = (a, b) {
            let growth = b as f64 / a as f64 - 1.0;
            notes.push(format!(
                "memory target ({} vs {} files within 20%): {:.1} MB vs {:.1} MB, {:+.0}% — {}",
                small.files,
                large.files,
                a as f64 / 1024.0,
                b as f64 / 1024.0,
                growth * 100.0,
                if growth.abs() < 0.2 { "met" } else { "MISSED" }
            ));
        }
    }

    if wants("scaling") {
        let small_mb = (o.big_mb / 10).max(1);
        let a_w = make_big(small_mb);
        let b_w = make_big(small_mb * 10);
        let (_, a) = run_pair(
            format!("scaling: {:.1} MB draft", mb(a_w.bytes)),
            &big_file(small_mb),
            a_w,
            &mut rows,
        );
        let (_, b) = run_pair(
            format!("scaling: {:.1} MB draft", mb(b_w.bytes)),
            &big_file(small_mb * 10),
            b_w,
            &mut rows,
        );
        if let (Some((a, _)), Some((b, _))) = (a, b) {
            let k = b.as_secs_f64() / a.as_secs_f64();
            notes.push(format!(
                "scaling (10x the clauses should take about 10x the time): {k:.1}x — {}",
                if k <= 13.0 { "linear" } else { "SUPERLINEAR" }
            ));
        }
    }

    print_rows(&rows);
    println!();
    for n in notes {
        println!("{n}");
    }
}
