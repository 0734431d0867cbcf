//! Benchmark of the template comparison: generates a template of N clauses (default 2,000)
//! with blanks, a filled draft of it with a few dozen deliberate changes (changed numbers,
//! deleted, inserted and moved clauses), and prints how long preparing the template and
//! comparing the draft take, the throughput and the peak memory.
//!
//!     cargo run --release --example template_bench [CLAUSES]
//!
//! Timing is printed, never asserted: the guide keeps speed targets out of tests.

use std::sync::Arc;
use std::time::Instant;

use clauselint::document::Document;
use clauselint::rules::RuleSet;
use clauselint::source::Source;
use clauselint::template::{compare, Exceptions, Template};

const DIGITS: [&str; 9] = ["一", "二", "三", "四", "五", "六", "七", "八", "九"];

/// 1..=9999 in Chinese numerals, for section and clause numbers.
fn cn(n: usize) -> String {
    let places = [
        (n / 1000 % 10, "千"),
        (n / 100 % 10, "百"),
        (n / 10 % 10, "十"),
        (n % 10, ""),
    ];
    let mut s = String::new();
    let mut zero = false;
    for (i, (d, unit)) in places.iter().enumerate() {
        if *d == 0 {
            zero = !s.is_empty();
            continue;
        }
        if zero {
            s.push('零');
            zero = false;
        }
        if !(i == 2 && *d == 1 && s.is_empty()) {
            s.push_str(DIGITS[d - 1]);
        }
        s.push_str(unit);
    }
    s
}

/// Clause `k` of section `s`: one of several wordings, with blanks in most.
fn clause(s: usize, k: usize, filled: bool) -> String {
    let period = if filled {
        "十五(15)个工作日"
    } else {
        "[具体付款期限]"
    };
    let amount = if filled {
        "人民币伍万元整(¥50,000)"
    } else {
        "[具体金额]"
    };
    let party = if filled {
        "杭州明远电子商务有限公司"
    } else {
        "____________"
    };
    let n = cn(s * 7 + k);
    match (s + k) % 5 {
        0 => format!("甲方应在收到乙方第{n}期发票后{period}内向乙方支付该期服务费用{amount}元，逾期每日按未付金额的万分之五支付违约金。"),
        1 => format!("乙方应于第{n}个服务周期结束前向甲方提交服务报告，报告应载明服务内容、工时及问题处理记录，甲方应在收到后五个工作日内确认。"),
        2 => format!("本条所称第{n}类资料由{party}负责保管，未经对方书面同意，任何一方不得向第三方披露或用于本协议以外的目的。"),
        3 => format!("如因不可抗力导致第{n}项义务无法履行的，受影响一方应及时通知对方，并在事件消除后尽快恢复履行，双方互不承担违约责任。"),
        _ => format!("双方就第{n}项事宜发生争议的，应首先协商解决；协商不成的，任何一方均有权向甲方所在地有管辖权的人民法院提起诉讼。"),
    }
}

fn generate(clauses: usize) -> (String, String, [usize; 4]) {
    let per = 20;
    let sections = clauses.div_ceil(per);
    let mut tpl = String::from("# 服务框架协议\n\n");
    let mut draft = String::from("# 服务框架协议\n\n");
    // Planted: changed, deleted, inserted, moved.
    let mut changes = [0usize; 4];
    let mut moved: Vec<String> = Vec::new();
    for s in 0..sections {
        let heading = format!("## 第{}章 服务事项{}\n\n", cn(s + 1), cn(s + 1));
        tpl.push_str(&heading);
        draft.push_str(&heading);
        for k in 0..per.min(clauses - s * per) {
            let t = clause(s, k, false);
            let mut d = clause(s, k, true);
            tpl.push_str(&format!("{}. {t}\n", k + 1));
            let i = s * per + k;
            match i % 97 {
                13 => {
                    // A number changed outside a blank.
                    let changed = d.replacen("五个工作日", "十个工作日", 1).replacen(
                        "万分之五",
                        "万分之三",
                        1,
                    );
                    if changed != d {
                        changes[0] += 1;
                    }
                    d = changed;
                }
                41 => {
                    changes[1] += 1;
                    continue; // deleted
                }
                67 => {
                    draft.push_str(&format!("{}. {d}\n", k + 1));
                    draft.push_str(&format!(
                        "{}. 乙方另承诺在第{}项服务中提供不少于两名专职人员驻场支持。\n",
                        k + 2,
                        cn(i)
                    ));
                    changes[2] += 1;
                    continue;
                }
                // (Not the last clause of a section: it would land where it was.)
                89 if k + 1 < per => {
                    moved.push(d);
                    changes[3] += 1;
                    continue;
                }
                _ => {}
            }
            draft.push_str(&format!("{}. {d}\n", k + 1));
        }
        tpl.push('\n');
        draft.push('\n');
        // Clauses moved out of earlier sections land at the end of every tenth section.
        if s % 10 == 9 {
            for (j, m) in moved.drain(..).enumerate() {
                draft.push_str(&format!("{}. {m}\n", per + j + 1));
            }
            draft.push('\n');
        }
    }
    (tpl, draft, changes)
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

fn main() {
    let clauses: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(2000);
    let (tpl_text, draft_text, planted) = generate(clauses);
    let rules = RuleSet::embedded();

    let t0 = Instant::now();
    let tpl_src = Arc::new(Source::new("template.md", tpl_text));
    let tpl = Template::prepare(tpl_src, &rules).expect("template");
    let prepare = t0.elapsed();

    let t1 = Instant::now();
    let draft_src = Source::new("draft.md", draft_text);
    let doc = Document::parse(&draft_src).expect("draft");
    let found = compare(&doc, &tpl, &rules, &Exceptions::default()).expect("compare");
    let compare_time = t1.elapsed();

    let bytes = tpl.source.text.len() + draft_src.text.len();
    let mut by_rule = std::collections::BTreeMap::new();
    for d in &found {
        *by_rule.entry(d.rule.as_str()).or_insert(0) += 1;
    }
    let total = prepare + compare_time;
    println!(
        "template: {} clauses, {} KiB; draft: {} KiB; planted changed/deleted/inserted/moved {planted:?}, {} findings",
        tpl.units.len(),
        tpl.source.text.len() / 1024,
        draft_src.text.len() / 1024,
        found.len()
    );
    println!("findings by rule: {by_rule:?}");
    println!(
        "prepare template {:.1} ms, parse + compare draft {:.1} ms, total {:.1} ms ({:.1} MB/s)",
        prepare.as_secs_f64() * 1e3,
        compare_time.as_secs_f64() * 1e3,
        total.as_secs_f64() * 1e3,
        bytes as f64 / total.as_secs_f64() / 1e6
    );
    if let Some(kib) = peak_rss_kib() {
        println!("peak memory {:.1} MiB", kib as f64 / 1024.0);
    }
}
