//! Character-level alignment of one template clause with one draft clause.
//!
//! The template side is a sequence of characters and slots. An edit distance (insert and
//! delete cost 1, a match costs 0) in which a slot matches any run of draft text at no cost
//! finds the cheapest way to read the draft as the template with its blanks filled. What
//! is left over are the changes. A change next to a slot is a fill that ran past its blank,
//! unless the template words it swallowed are restated inside the fill (`absorb`).
//!
//! The table is (template length + 1) × (draft length + 1) cells; for clauses too long for
//! that, equal runs found by `similar` cut the problem into windows first.

use std::ops::Range;

use regex::Regex;
use similar::{capture_diff_slices_deadline, Algorithm, DiffTag};

use super::normalize::{Norm, SLOT};

/// Largest table computed in one piece (cells; one byte each for the trace).
const MAX_CELLS: usize = 4_000_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    Equal(usize, usize),
    Delete(usize),
    Insert(usize),
    /// Slot at template index `.0` filled with draft chars `.1`.
    Fill(usize, Range<usize>),
}

/// One change: template chars `t` became draft chars `d` (norm indices). `spill` when the
/// change touches a slot: the fill ran past its blank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hunk {
    pub t: Range<usize>,
    pub d: Range<usize>,
    pub spill: bool,
}

/// Does the draft read as the template with its blanks filled, exactly? (Literal runs in
/// order, first and last anchored; the leftmost occurrence of each middle run suffices.)
pub fn fills_exactly(t: &[char], d: &[char]) -> bool {
    let segs: Vec<&[char]> = t.split(|&c| c == SLOT).collect();
    if segs.len() == 1 {
        return t == d;
    }
    let first = segs[0];
    let last = segs[segs.len() - 1];
    if d.len() < first.len() + last.len() || !d.starts_with(first) || !d.ends_with(last) {
        return false;
    }
    let mut pos = first.len();
    let end = d.len() - last.len();
    for seg in &segs[1..segs.len() - 1] {
        if seg.is_empty() {
            continue;
        }
        match find(&d[pos..end], seg) {
            Some(i) => pos += i + seg.len(),
            None => return false,
        }
    }
    true
}

fn find(hay: &[char], needle: &[char]) -> Option<usize> {
    if needle.len() > hay.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

const T_MATCH: u8 = 0;
const T_DEL: u8 = 1;
const T_INS: u8 = 2;
const T_STOP: u8 = 3;
const T_EXTEND: u8 = 4;

/// The cheapest alignment of `t[tr]` with `d[dr]`, as ops with absolute indices.
fn align_window(t: &[char], d: &[char], tr: Range<usize>, dr: Range<usize>, ops: &mut Vec<Op>) {
    let n = tr.len();
    let m = dr.len();
    let w = m + 1;
    let mut trace = vec![0u8; (n + 1) * w];
    let mut prev: Vec<u32> = (0..=m as u32).collect();
    let mut cur = vec![0u32; w];
    trace[1..=m].fill(T_INS);
    for i in 1..=n {
        let tok = t[tr.start + i - 1];
        let row = i * w;
        if tok == SLOT {
            cur[0] = prev[0];
            trace[row] = T_STOP;
            for j in 1..=m {
                // Stop: the fill ends here; extend: d[j-1] is part of the fill.
                let (stop, ext) = (prev[j], cur[j - 1]);
                if ext <= stop {
                    cur[j] = ext;
                    trace[row + j] = T_EXTEND;
                } else {
                    cur[j] = stop;
                    trace[row + j] = T_STOP;
                }
            }
        } else {
            cur[0] = prev[0] + 1;
            trace[row] = T_DEL;
            for j in 1..=m {
                let del = prev[j] + 1;
                let ins = cur[j - 1] + 1;
                let mat = if tok == d[dr.start + j - 1] {
                    prev[j - 1]
                } else {
                    u32::MAX
                };
                let (c, tr_) = if mat <= del && mat <= ins {
                    (mat, T_MATCH)
                } else if del <= ins {
                    (del, T_DEL)
                } else {
                    (ins, T_INS)
                };
                cur[j] = c;
                trace[row + j] = tr_;
            }
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    // Trace back.
    let mut out = Vec::new();
    let (mut i, mut j) = (n, m);
    let mut fill_end: Option<usize> = None;
    while i > 0 || j > 0 {
        let code = trace[i * w + j];
        let ti = tr.start + i.saturating_sub(1);
        match code {
            T_EXTEND => {
                fill_end.get_or_insert(j);
                j -= 1;
            }
            T_STOP => {
                let end = fill_end.take().unwrap_or(j);
                out.push(Op::Fill(ti, dr.start + j..dr.start + end));
                i -= 1;
            }
            T_MATCH => {
                out.push(Op::Equal(ti, dr.start + j - 1));
                i -= 1;
                j -= 1;
            }
            T_DEL => {
                out.push(Op::Delete(ti));
                i -= 1;
            }
            _ => {
                out.push(Op::Insert(dr.start + j - 1));
                j -= 1;
            }
        }
    }
    out.reverse();
    ops.extend(out);
}

/// Align a whole clause pair, cutting it at long equal runs when it is too large for one
/// table.
pub fn align(t: &[char], d: &[char]) -> Vec<Op> {
    let mut ops = Vec::new();
    if (t.len() + 1).saturating_mul(d.len() + 1) <= MAX_CELLS {
        align_window(t, d, 0..t.len(), 0..d.len(), &mut ops);
        return ops;
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_millis(500);
    let diff = capture_diff_slices_deadline(Algorithm::Myers, t, d, Some(deadline));
    // Equal runs of at least this many chars are trusted as anchors; the rest, merged, is
    // aligned in windows.
    const ANCHOR: usize = 8;
    let mut pending_t = 0..0;
    let mut pending_d = 0..0;
    let flush = |tr: Range<usize>, dr: Range<usize>, ops: &mut Vec<Op>| {
        if tr.is_empty() && dr.is_empty() {
            return;
        }
        if (tr.len() + 1).saturating_mul(dr.len() + 1) <= MAX_CELLS {
            align_window(t, d, tr, dr, ops);
        } else {
            ops.extend(tr.map(Op::Delete));
            ops.extend(dr.map(Op::Insert));
        }
    };
    for op in diff {
        let (tag, or, nr) = op.as_tag_tuple();
        if tag == DiffTag::Equal && or.len() >= ANCHOR {
            flush(pending_t.clone(), pending_d.clone(), &mut ops);
            ops.extend(or.clone().zip(nr.clone()).map(|(a, b)| Op::Equal(a, b)));
            pending_t = or.end..or.end;
            pending_d = nr.end..nr.end;
        } else {
            pending_t.end = or.end.max(pending_t.end);
            pending_d.end = nr.end.max(pending_d.end);
        }
    }
    flush(pending_t, pending_d, &mut ops);
    ops
}

/// The changes between a template clause and a draft clause, after fills. `absorb` are the
/// patterns under which a fill may restate the template words right after its blank.
pub fn changes(t: &Norm, d: &Norm, absorb: &[&Regex]) -> Vec<Hunk> {
    if fills_exactly(&t.chars, &d.chars) {
        return Vec::new();
    }
    let ops = align(&t.chars, &d.chars);
    let mut hunks: Vec<Hunk> = Vec::new();
    // Equal chars since the last hunk.
    let mut gap = usize::MAX;
    let mut run: Vec<&Op> = Vec::new();
    // Where the current run starts, on each side.
    let (mut t_pos, mut d_pos) = (0, 0);
    let mut run_at = (0, 0);
    for op in ops.iter().map(Some).chain(std::iter::once(None)) {
        if let Some(o @ (Op::Delete(_) | Op::Insert(_) | Op::Fill(..))) = op {
            if run.is_empty() {
                run_at = (t_pos, d_pos);
            }
            run.push(o);
        } else if !run.is_empty() {
            if let Some(h) = classify(&run, run_at, t, d, absorb) {
                // One or two equal chars between two changes do not split them: one change,
                // not a scatter of single characters.
                match hunks.last_mut() {
                    Some(last) if gap <= 2 => {
                        last.t.end = h.t.end.max(last.t.end);
                        last.d.end = h.d.end.max(last.d.end);
                        last.spill |= h.spill;
                    }
                    _ => hunks.push(h),
                }
                gap = 0;
            }
            run.clear();
        }
        match op {
            Some(Op::Equal(a, b)) => {
                t_pos = a + 1;
                d_pos = b + 1;
                gap = gap.saturating_add(1);
            }
            Some(Op::Delete(a)) => t_pos = a + 1,
            Some(Op::Insert(b)) => d_pos = b + 1,
            Some(Op::Fill(a, r)) => {
                t_pos = a + 1;
                d_pos = d_pos.max(r.end);
            }
            None => {}
        }
    }
    hunks
}

/// A run of non-equal ops: a change, or None for a plain fill or a unit restated inside
/// its fill. `at` is where the run starts in the template and in the draft.
fn classify(
    run: &[&Op],
    at: (usize, usize),
    t: &Norm,
    d: &Norm,
    absorb: &[&Regex],
) -> Option<Hunk> {
    let mut tr = at.0..at.0;
    let mut dr = at.1..at.1;
    let mut dels: Vec<usize> = Vec::new();
    let mut ins = 0;
    let mut fills: Vec<(usize, Range<usize>)> = Vec::new();
    for op in run {
        match op {
            Op::Delete(ti) => {
                dels.push(*ti);
                tr.end = ti + 1;
            }
            Op::Insert(di) => {
                ins += 1;
                dr.end = di + 1;
            }
            Op::Fill(ti, r) => {
                fills.push((*ti, r.clone()));
                tr.end = ti + 1;
                dr.end = dr.end.max(r.end);
            }
            Op::Equal(..) => {}
        }
    }
    if dels.is_empty() && ins == 0 {
        return None;
    }
    if fills.len() == 1 && ins == 0 {
        // Template words deleted right after a slot, restated inside its fill.
        let (slot, fill) = &fills[0];
        let contiguous = dels.iter().enumerate().all(|(k, &ti)| ti == slot + 1 + k);
        if contiguous {
            let swallowed: String = dels.iter().map(|&ti| t.chars[ti]).collect();
            let fill_text: String = d.chars[fill.clone()].iter().collect();
            let kept = absorb.iter().any(|re| {
                re.find_iter(&fill_text)
                    .any(|m| m.end() == fill_text.len() && m.as_str().contains(&swallowed))
            });
            if kept {
                return None;
            }
        }
    }
    Some(Hunk {
        t: tr,
        d: dr,
        spill: !fills.is_empty(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().map(|c| if c == '#' { SLOT } else { c }).collect()
    }

    fn norm(s: &str) -> Norm {
        let chars = chars(s);
        let spans = (0..chars.len()).map(|i| i..i + 1).collect();
        Norm { chars, spans }
    }

    fn show(t: &str, d: &str) -> Vec<(String, String, bool)> {
        let re = Regex::new(r"(?:元|年|日)(?:整)?(?:\([^()]*[0-9][^()]*\))?$").unwrap();
        let (tn, dn) = (norm(t), norm(d));
        changes(&tn, &dn, &[&re])
            .into_iter()
            .map(|h| {
                (
                    tn.chars[h.t.clone()]
                        .iter()
                        .map(|&c| if c == SLOT { '#' } else { c })
                        .collect(),
                    dn.chars[h.d.clone()].iter().collect(),
                    h.spill,
                )
            })
            .collect()
    }

    #[test]
    fn fills_are_not_changes() {
        assert!(show(
            "应在签订后#内支付完毕。",
            "应在签订后十五(15)个工作日内支付完毕。"
        )
        .is_empty());
        assert!(show("#", "任何内容").is_empty());
        assert!(show("地址:#", "地址:").is_empty());
        assert!(show(
            "自#起生效,保密期限#年。",
            "自2025年7月31日起生效,保密期限三(3)年。"
        )
        .is_empty());
    }

    #[test]
    fn a_changed_word_is_one_hunk() {
        assert_eq!(
            show(
                "如补充协议与本协议不一致的,以补充协议为准。",
                "如补充协议与本协议不一致的,以本协议为准。"
            ),
            vec![("补充".into(), "本".into(), false)]
        );
        assert_eq!(
            show(
                "每逾期一日,应按照#向乙方支付。",
                "每逾期三日,应按照万分之五向乙方支付。"
            ),
            vec![("一".into(), "三".into(), false)]
        );
    }

    #[test]
    fn a_fill_running_past_its_blank_is_a_spill() {
        let h = show(
            "在接到通知后#内进行整改,直至满意。",
            "在接到通知后七(7)个工作日内视情况进行整改,直至满意。",
        );
        assert_eq!(h.len(), 1, "{h:?}");
        assert!(h[0].2);
        let h = show("保密期限为#年。", "保密期限为三(3)个月。");
        assert_eq!(h.len(), 1, "{h:?}");
        assert!(h[0].2);
    }

    #[test]
    fn a_unit_restated_inside_the_fill_is_kept() {
        assert!(show(
            "支付违约金#元,并赔偿损失。",
            "支付违约金人民币伍万元整(¥50,000),并赔偿损失。"
        )
        .is_empty());
        // But not when the fill goes on with words.
        assert_eq!(
            show(
                "支付违约金#元,并赔偿损失。",
                "支付违约金伍万元或实际损失,并赔偿损失。"
            )
            .len(),
            1
        );
    }

    #[test]
    fn long_clauses_are_aligned_in_windows() {
        let base: String = "甲方应当按照本协议约定履行义务并承担责任。".repeat(150);
        let t = format!("{base}以补充协议为准。{base}");
        let d = format!("{base}以本协议为准。{base}");
        assert!((t.chars().count() + 1) * (d.chars().count() + 1) > MAX_CELLS);
        let h = show(&t, &d);
        assert_eq!(h.len(), 1);
        assert_eq!((h[0].0.as_str(), h[0].1.as_str()), ("补充", "本"));
    }
}
