//! A reproducible, seeded corpus of Chinese contract drafts for the throughput benchmark.
//!
//! Drafts are derived from the clean (filled) Chinese fixtures: each fixture is cut into its
//! party block, its numbered sections and its signature block; a draft is a party block,
//! a run of sections (the base's own, then sections borrowed from other drafts until a size
//! drawn for that draft is reached) and a signature block, with the fills varied (company
//! and person names, dates), some drafts in Traditional characters, some with the other
//! punctuation width, some with CRLF line ends, spread over nested folders. A few drafts get
//! one planted blank each (an underscore run, a bracketed placeholder or a date skeleton),
//! which is what `rg` counts and what clauselint must report.
//!
//! The same seed and parameters give byte-identical files on every machine.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use regex::Regex;

/// Bumped whenever the generator's output changes, so a stale corpus is regenerated.
pub const GENERATOR_VERSION: u32 = 3;

/// The clean Chinese fixtures the drafts are derived from.
const BASES: &[(&str, &str)] = &[
    ("filled", include_str!("../../fixtures/zh/filled.md")),
    (
        "labour-filled",
        include_str!("../../fixtures/zh/labour-filled.md"),
    ),
    (
        "lease-filled",
        include_str!("../../fixtures/zh/lease-filled.md"),
    ),
    (
        "model-contract-filled",
        include_str!("../../fixtures/zh/model-contract-filled.md"),
    ),
    (
        "purchase-filled",
        include_str!("../../fixtures/zh/purchase-filled.md"),
    ),
    (
        "travel-filled",
        include_str!("../../fixtures/zh/travel-filled.md"),
    ),
    (
        "employment-legit",
        include_str!("../../fixtures/zh/employment-legit.md"),
    ),
    (
        "sales-legit-precedence",
        include_str!("../../fixtures/zh/sales-legit-precedence.md"),
    ),
    (
        "hant-service-filled",
        include_str!("../../fixtures/zh/hant-service-filled.md"),
    ),
];

const T2S: &str = include_str!("../../src/document/t2s.txt");

/// SplitMix64: small, fast, and the same on every platform.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    pub fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

/// A fixture cut into its parts.
struct Base {
    name: &'static str,
    header: String,
    sections: Vec<String>,
    signature: String,
}

fn split_base(name: &'static str, text: &str) -> Base {
    let marker = Regex::new(r"^[(（](以下|本页|本頁)[无無]正文").unwrap();
    let mut header = String::new();
    let mut sections: Vec<String> = Vec::new();
    let mut signature = String::new();
    let mut part = 0; // 0 header, 1 sections, 2 signature
    for line in text.split_inclusive('\n') {
        if part < 2 && marker.is_match(line) {
            part = 2;
        } else if part < 2 && line.starts_with("## ") {
            part = 1;
            sections.push(String::new());
        }
        match part {
            0 => header.push_str(line),
            1 => sections.last_mut().unwrap().push_str(line),
            _ => signature.push_str(line),
        }
    }
    for s in &mut sections {
        if !s.ends_with("\n\n") {
            s.push('\n');
        }
    }
    Base {
        name,
        header,
        sections,
        signature,
    }
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "罗", "高", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
];
const GIVEN: &[&str] = &[
    "明远", "晓婷", "建华", "雨桐", "一鸣", "慧", "嘉禾", "怀瑾", "志强", "丽娟", "子涵", "浩然",
    "思远", "静怡", "国栋", "文博", "欣怡", "海峰", "雪梅", "俊杰",
];
const CITIES: &[&str] = &[
    "杭州", "宁波", "苏州", "南京", "上海", "深圳", "广州", "成都", "武汉", "西安", "厦门", "青岛",
];
const WORDS: &[&str] = &[
    "明远", "云声", "恒拓", "澄远", "瑞丰", "海曙", "启航", "博睿", "华信", "创联", "汇通", "远景",
    "星河", "嘉诚", "卓越", "鼎盛",
];
const TRADES: &[&str] = &[
    "电子商务",
    "信息技术",
    "智能制造",
    "精密机械",
    "电器",
    "物流",
    "咨询服务",
    "文化传媒",
    "软件",
    "建筑工程",
];

/// Varies the fills of a draft: company names, people after a role label, and dates.
struct Filler {
    company: Regex,
    person: Regex,
    date: Regex,
}

impl Filler {
    fn new() -> Filler {
        Filler {
            company: Regex::new(r"[\p{Han}]{4,14}(?:股份有限公司|有限公司)").unwrap(),
            person: Regex::new(r"(?m)((?:法定代表人|代表人|联系人|委托代理人)[^\n:：]{0,12}[:：][ \t]*)([\p{Han}]{2,3})$")
                .unwrap(),
            date: Regex::new(r"(20[0-9]{2})年([0-9]{1,2}月[0-9]{1,2}日)").unwrap(),
        }
    }

    fn fill(&self, text: &str, rng: &mut Rng) -> String {
        let mut names: HashMap<String, String> = HashMap::new();
        let text = self.company.replace_all(text, |c: &regex::Captures| {
            let old = c[0].to_string();
            let suffix = if old.ends_with("股份有限公司") {
                "股份有限公司"
            } else {
                "有限公司"
            };
            names
                .entry(old)
                .or_insert_with(|| {
                    format!(
                        "{}{}{}{}",
                        rng.pick(CITIES),
                        rng.pick(WORDS),
                        rng.pick(TRADES),
                        suffix
                    )
                })
                .clone()
        });
        // The same person keeps one name through the draft (party block and signature
        // block agree). Dates move by whole years only where the draft writes them in
        // digits and mentions no term end, so that their order, which the date checks
        // look at, is kept.
        let mut people: HashMap<String, String> = HashMap::new();
        let text = self.person.replace_all(&text, |c: &regex::Captures| {
            let name = people
                .entry(c[2].to_string())
                .or_insert_with(|| format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN)));
            format!("{}{}", &c[1], name)
        });
        let fixed = text.contains("〇") || text.contains("终止") || text.contains("届满");
        let shift = if fixed { 0 } else { rng.below(3) as i32 - 1 };
        let text = self.date.replace_all(&text, |c: &regex::Captures| {
            let year: i32 = c[1].parse().unwrap_or(2025);
            format!("{}年{}", year + shift, &c[2])
        });
        text.into_owned()
    }
}

fn s2t_table() -> HashMap<char, char> {
    let mut m = HashMap::new();
    for line in T2S.lines() {
        let mut it = line.split(' ');
        let (Some(t), Some(s)) = (it.next(), it.next()) else {
            continue;
        };
        let (Some(t), Some(s)) = (t.chars().next(), s.chars().next()) else {
            continue;
        };
        if t.len_utf8() == s.len_utf8() {
            m.entry(s).or_insert(t);
        }
    }
    m
}

fn to_traditional(text: &str, table: &HashMap<char, char>) -> String {
    text.chars()
        .map(|c| table.get(&c).copied().unwrap_or(c))
        .collect()
}

/// Switch the punctuation width of prose lines (not table rows): half-width to full-width
/// when the draft is mostly half-width, and back.
fn swap_width(text: &str) -> String {
    let full = text.matches('：').count() + text.matches('（').count();
    let half = text.matches(':').count() + text.matches('(').count();
    let to_full = half >= full;
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for line in text.split_inclusive('\n') {
        // Table rows, rules and footnote definitions (`[^1]:`) keep their ASCII syntax.
        if line.starts_with('|') || line.starts_with("---") || line.starts_with("[^") {
            out.push_str(line);
            continue;
        }
        for c in line.chars() {
            let d = match (to_full, c) {
                (true, ':') => '：',
                (true, '(') => '（',
                (true, ')') => '）',
                (true, ',') => '，',
                (true, ';') => '；',
                (false, '：') => ':',
                (false, '（') => '(',
                (false, '）') => ')',
                (false, '，') => ',',
                (false, '；') => ';',
                (_, c) => c,
            };
            out.push(d);
        }
    }
    out
}

/// Plants one blank: a date left as a skeleton, a deadline replaced by a placeholder, or a
/// labelled value replaced by an underscore run. Returns false when the draft offers no
/// place for the kind drawn.
fn plant(text: &mut String, rng: &mut Rng, kinds: &Planters) -> bool {
    let start = rng.below(3);
    for k in 0..3 {
        let (re, with) = match (start + k) % 3 {
            0 => (&kinds.date, "____年__月__日"),
            1 => (&kinds.deadline, "[具体期限]"),
            _ => (&kinds.value, "____________"),
        };
        let spots: Vec<(usize, usize)> = re
            .captures_iter(text)
            .map(|c| {
                let m = c.name("v").unwrap();
                (m.start(), m.end())
            })
            .collect();
        if spots.is_empty() {
            continue;
        }
        let (a, b) = *rng.pick(&spots);
        text.replace_range(a..b, with);
        return true;
    }
    false
}

struct Planters {
    date: Regex,
    deadline: Regex,
    value: Regex,
}

impl Planters {
    fn new() -> Planters {
        Planters {
            date: Regex::new(r"(?P<v>20[0-9]{2}年[0-9]{1,2}月[0-9]{1,2}日)").unwrap(),
            deadline: Regex::new(
                r"(?P<v>[一二三四五六七八九十]+[(（][0-9]+[)）](?:个工作日|日))内",
            )
            .unwrap(),
            value: Regex::new(
                r"(?m)^[-*]?[ \t]*(?:联系电话|电话|地址|住所)[:：][ \t]*(?P<v>[^\n]+)$",
            )
            .unwrap(),
        }
    }
}

/// Parameters of a corpus.
#[derive(Debug, Clone, Copy)]
pub struct CorpusSpec {
    pub files: usize,
    pub seed: u64,
}

/// What a generator wrote.
#[derive(Debug, Default, Clone, Copy)]
pub struct Written {
    pub files: usize,
    pub bytes: u64,
    pub planted: usize,
}

pub struct Generator {
    bases: Vec<Base>,
    dated: Regex,
    filler: Filler,
    planters: Planters,
    s2t: HashMap<char, char>,
}

impl Default for Generator {
    fn default() -> Self {
        Self::new()
    }
}

impl Generator {
    pub fn new() -> Generator {
        Generator {
            bases: BASES.iter().map(|(n, t)| split_base(n, t)).collect(),
            dated: Regex::new(r"[0-9〇]{4}年").unwrap(),
            filler: Filler::new(),
            planters: Planters::new(),
            s2t: s2t_table(),
        }
    }

    /// One draft: the base's party block and sections, more sections up to `target` bytes,
    /// its signature block.
    fn draft(&self, rng: &mut Rng, target: usize) -> String {
        let b = &self.bases[rng.below(self.bases.len())];
        let mut out = String::with_capacity(target + 4096);
        out.push_str(&b.header);
        for s in &b.sections {
            out.push_str(s);
        }
        let sig_len = b.signature.len();
        let mut guard = 0;
        while out.len() + sig_len < target && guard < 10_000 {
            let other = &self.bases[rng.below(self.bases.len())];
            // Sections with dates belong to their own contract's timeline.
            if let Some(s) = other.sections.get(rng.below(other.sections.len())) {
                if !self.dated.is_match(s) {
                    out.push_str(s);
                }
            }
            guard += 1;
        }
        out.push_str(&b.signature);
        self.filler.fill(&out, rng)
    }

    /// Write `spec.files` drafts under `dir` in nested folders (50 to a folder).
    pub fn corpus(&self, dir: &Path, spec: CorpusSpec) -> std::io::Result<Written> {
        let mut rng = Rng::new(spec.seed);
        let mut w = Written::default();
        // About 400 planted blanks in 5,000 drafts.
        let plant_rate = 0.08;
        for i in 0..spec.files {
            // Sizes: most drafts are their base (4-6 KB), some run to 12 KB, a long tail to
            // 28 KB; the mean is about 6.4 KB, as in the issue's 5,000 drafts in 31.8 MB.
            let target = match rng.below(100) {
                0..=74 => 0,
                75..=94 => 6_000 + rng.below(6_000),
                _ => 12_000 + rng.below(16_000),
            };
            let mut text = self.draft(&mut rng, target);
            if rng.chance(plant_rate) && plant(&mut text, &mut rng, &self.planters) {
                w.planted += 1;
            }
            if rng.chance(0.15) {
                text = to_traditional(&text, &self.s2t);
            }
            if rng.chance(0.25) {
                text = swap_width(&text);
            }
            if rng.chance(0.05) {
                text = text.replace('\n', "\r\n");
            }
            let folder = i / 50;
            let sub = dir
                .join(format!("{:02}", folder % 20))
                .join(format!("batch-{folder:03}"));
            std::fs::create_dir_all(&sub)?;
            let path = sub.join(format!("draft-{i:05}.md"));
            std::fs::write(&path, &text)?;
            w.files += 1;
            w.bytes += text.len() as u64;
        }
        Ok(w)
    }

    /// One long draft of about `bytes` bytes: front matter, one party block, numbered
    /// articles drawn from every base, one planted blank per 250 KB, one signature block.
    pub fn big(&self, path: &Path, bytes: usize, seed: u64) -> std::io::Result<Written> {
        let mut rng = Rng::new(seed ^ 0xb16);
        let simplified: Vec<&Base> = self
            .bases
            .iter()
            .filter(|b| !b.name.starts_with("hant-"))
            .collect();
        let head = simplified[0];
        let mut out = String::with_capacity(bytes + (1 << 20));
        out.push_str("---\ntitle: 框架合作协议（合并文本）\nversion: 2025.6\n---\n\n");
        out.push_str(&head.header);
        let mut n = 0usize;
        let mut planted = 0usize;
        let mut next_plant = 250_000;
        let heading = Regex::new(r"^## [^\n]*").unwrap();
        let sig_len = head.signature.len();
        while out.len() + sig_len < bytes {
            let b = simplified[rng.below(simplified.len())];
            let s = &b.sections[rng.below(b.sections.len())];
            n += 1;
            // Renumber the article, keep its title.
            let title = heading
                .find(s)
                .map(|m| m.as_str().trim_start_matches("## ").to_string())
                .unwrap_or_default();
            let title = title
                .split_once(['、', '　', ' '])
                .map_or(title.as_str(), |(_, t)| t)
                .to_string();
            let body = heading.replace(s, "");
            let mut sec = String::with_capacity(s.len() + 32);
            let _ = write!(sec, "## 第{n}条 {title}");
            sec.push_str(&body);
            let mut sec = self.filler.fill(&sec, &mut rng);
            if out.len() >= next_plant && plant(&mut sec, &mut rng, &self.planters) {
                planted += 1;
                next_plant += 250_000;
            }
            out.push_str(&sec);
        }
        out.push_str(&head.signature);
        if let Some(d) = path.parent() {
            std::fs::create_dir_all(d)?;
        }
        std::fs::write(path, &out)?;
        Ok(Written {
            files: 1,
            bytes: out.len() as u64,
            planted,
        })
    }
}

/// Generate into `dir` unless a stamp file says the same parameters were already written.
pub fn ensure(
    dir: &Path,
    stamp: &str,
    make: impl FnOnce(&Path) -> std::io::Result<Written>,
) -> std::io::Result<Written> {
    let stamp_path = dir.join(".corpus-stamp");
    if let Ok(s) = std::fs::read_to_string(&stamp_path) {
        if let Some(rest) = s.strip_prefix(stamp) {
            let mut it = rest
                .split_whitespace()
                .filter_map(|x| x.parse::<u64>().ok());
            if let (Some(files), Some(bytes), Some(planted)) = (it.next(), it.next(), it.next()) {
                return Ok(Written {
                    files: files as usize,
                    bytes,
                    planted: planted as usize,
                });
            }
        }
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir)?;
    let w = make(dir)?;
    std::fs::write(
        &stamp_path,
        format!("{stamp} {} {} {}\n", w.files, w.bytes, w.planted),
    )?;
    Ok(w)
}
