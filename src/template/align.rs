//! Clause-level alignment of a template's units with a draft's.
//!
//! 1. Units whose normalised text is identical are matched in order, as a patience diff
//!    does: unique on both sides, longest increasing chain, extended over identical
//!    neighbours. A template unit with blanks never matches by hash.
//! 2. The template and draft units between two such anchors are paired in order by
//!    similarity (exact fill of the blanks, else shared character bigrams, with a bonus for
//!    equal numbering), with a small alignment table when the stretch is short and an
//!    inverted bigram index plus a longest increasing subsequence when it is long.
//! 3. What is left on both sides is searched for moves: a deleted template unit that is
//!    (nearly) the same as an inserted draft unit.
//!
//! Every step is linear or n·log n in the number of units, except the in-order tables of
//! step 2, which are bounded in size; a 2,000-clause draft is not quadratic in clauses.

use std::collections::HashMap;

use super::chars::fills_exactly;
use super::units::{Unit, UnitKind};

/// Lowest similarity for pairing two units in place.
const PAIR: f64 = 0.5;
/// Lowest similarity for calling a deleted and an inserted unit a move.
const MOVE: f64 = 0.8;
/// Largest in-order table (template units × draft units) computed in one piece.
const MAX_TABLE: usize = 4096;
/// Postings longer than this belong to bigrams too common to tell units apart.
const MAX_POSTINGS: usize = 64;

#[derive(Debug, Default)]
pub struct Alignment {
    /// (template unit, draft unit), in order on both sides.
    pub pairs: Vec<(usize, usize)>,
    /// (template unit, draft unit) found out of order.
    pub moved: Vec<(usize, usize)>,
    /// Template units with no counterpart.
    pub deleted: Vec<usize>,
    /// Draft units with no counterpart.
    pub inserted: Vec<usize>,
}

fn shared(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// How alike a template unit and a draft unit are, 0..=1.
pub fn similarity(t: &Unit, d: &Unit) -> f64 {
    let heading_mismatch = t.is_heading() != d.is_heading();
    let row_mismatch = (t.kind == UnitKind::Row) != (d.kind == UnitKind::Row);
    let mut s = if t.pure_slot() {
        // Any text fills a unit that is only a blank; pair it when nothing better is there.
        PAIR
    } else if t.key == d.key || (t.slots > 0 && fills_exactly(&t.norm.chars, &d.norm.chars)) {
        1.0
    } else {
        let common = shared(&t.grams, &d.grams) as f64;
        let tl = t.grams.len() as f64;
        let dl = d.grams.len() as f64;
        if t.slots > 0 {
            // Fill text is not a difference: discount draft bigrams the template does not
            // have, up to a generous allowance per blank.
            let extra = (dl - common).max(0.0);
            let over = (extra - 40.0 * t.slots as f64).max(0.0);
            2.0 * common / (tl + common + over).max(1.0)
        } else {
            2.0 * common / (tl + dl).max(1.0)
        }
    };
    if heading_mismatch || row_mismatch {
        s *= 0.6;
    } else if t.number.is_some() && t.number == d.number {
        s = (s + 0.03).min(1.0);
    }
    s
}

/// Similarity for pairing in place: a clause with the same number under the same heading
/// pairs even when rewritten through and through (a change of that clause, not a
/// deletion beside an insertion); under a different heading it does not (a replaced
/// section is a deleted and a new section).
fn pair_score(t: &[Unit], d: &[Unit], ti: usize, dj: usize) -> f64 {
    let (tu, du) = (&t[ti], &d[dj]);
    let s = similarity(tu, du);
    if s >= PAIR
        || tu.is_heading()
        || du.is_heading()
        || tu.number.is_none()
        || tu.number != du.number
    {
        return s;
    }
    let same_section = match (tu.heading, du.heading) {
        (None, None) => true,
        (Some(a), Some(b)) => similarity(&t[a], &d[b]) >= PAIR,
        _ => false,
    };
    if same_section && tu.kind == du.kind {
        PAIR
    } else {
        s
    }
}

/// Identical units matched in order: units whose text occurs exactly once on each side,
/// the longest chain of them increasing on both sides, each extended over identical
/// neighbours (the anchors of a patience diff, in n·log n). Template units with blanks
/// are never identical to a draft unit.
fn anchors(t: &[Unit], d: &[Unit]) -> Vec<(usize, usize)> {
    // A unit equal to its counterpart: identical text, or a template unit with blanks that
    // the draft unit fills exactly.
    let equal = |a: usize, b: usize| {
        if t[a].slots == 0 {
            t[a].key == d[b].key
        } else {
            t[a].kind == d[b].kind && fills_exactly(&t[a].norm.chars, &d[b].norm.chars)
        }
    };
    // The common head and tail first, as a diff does: a draft that repeats a section (the
    // same headings and clauses several times) has few unique units to anchor on, but is
    // mostly its template's units in order.
    let mut head = 0;
    while head < t.len() && head < d.len() && equal(head, head) {
        head += 1;
    }
    let mut tail = 0;
    while tail < t.len() - head
        && tail < d.len() - head
        && equal(t.len() - 1 - tail, d.len() - 1 - tail)
    {
        tail += 1;
    }
    let mut out: Vec<(usize, usize)> = (0..head).map(|i| (i, i)).collect();
    let (t_mid, d_mid) = (head..t.len() - tail, head..d.len() - tail);
    out.extend(unique_anchors(t, d, t_mid.clone(), d_mid.clone()));
    out.extend((0..tail).rev().map(|k| (t.len() - 1 - k, d.len() - 1 - k)));
    out
}

/// Patience anchors between `tr` and `dr`: units whose text is unique on both sides. Text
/// that repeats (a heading "租赁期限" in each of three chapters) is told apart by its
/// numbering, so that 第二章 is not anchored on 第十四章.
fn unique_anchors(
    t: &[Unit],
    d: &[Unit],
    tr: std::ops::Range<usize>,
    dr: std::ops::Range<usize>,
) -> Vec<(usize, usize)> {
    let mut count: HashMap<u64, (u32, u32)> = HashMap::new();
    for i in tr.clone() {
        count.entry(t[i].key).or_default().0 += 1;
    }
    for j in dr.clone() {
        count.entry(d[j].key).or_default().1 += 1;
    }
    let numbered = |u: &Unit| {
        let repeated = count.get(&u.key).is_some_and(|c| c.0 > 1 || c.1 > 1);
        match (&u.number, repeated) {
            (Some(n), true) => {
                use std::hash::{Hash, Hasher};
                let mut h = std::collections::hash_map::DefaultHasher::new();
                (u.key, n).hash(&mut h);
                h.finish()
            }
            _ => u.key,
        }
    };
    // key -> (count in t, count in d, last index in t, last index in d)
    let mut seen: HashMap<u64, (u32, u32, usize, usize)> = HashMap::new();
    for i in tr.clone() {
        if t[i].slots == 0 {
            let e = seen.entry(numbered(&t[i])).or_insert((0, 0, 0, 0));
            e.0 += 1;
            e.2 = i;
        }
    }
    for j in dr.clone() {
        if let Some(e) = seen.get_mut(&numbered(&d[j])) {
            e.1 += 1;
            e.3 = j;
        }
    }
    let mut unique: Vec<(usize, usize)> = seen
        .values()
        .filter(|e| e.0 == 1 && e.1 == 1)
        .map(|e| (e.2, e.3))
        .collect();
    unique.sort_unstable_by_key(|p| p.1);
    let chain = longest_increasing(&unique);

    let same = |a: usize, b: usize| t[a].slots == 0 && t[a].key == d[b].key;
    let mut out = Vec::with_capacity(chain.len());
    let (mut free_t, mut free_d) = (tr.start, dr.start);
    for (k, &(i, j)) in chain.iter().enumerate() {
        let (mut a, mut b) = (i, j);
        let mut back = Vec::new();
        while a > free_t && b > free_d && same(a - 1, b - 1) {
            a -= 1;
            b -= 1;
            back.push((a, b));
        }
        out.extend(back.into_iter().rev());
        out.push((i, j));
        let (ni, nj) = chain.get(k + 1).copied().unwrap_or((tr.end, dr.end));
        let (mut a, mut b) = (i + 1, j + 1);
        while a < ni && b < nj && same(a, b) {
            out.push((a, b));
            a += 1;
            b += 1;
        }
        free_t = a;
        free_d = b;
    }
    out
}

pub fn align(t: &[Unit], d: &[Unit]) -> Alignment {
    let mut out = Alignment::default();
    let mut del_pool: Vec<usize> = Vec::new();
    let mut ins_pool: Vec<usize> = Vec::new();
    let mut stretch = |tr: std::ops::Range<usize>,
                       dr: std::ops::Range<usize>,
                       pairs: &mut Vec<(usize, usize)>| {
        let before = pairs.len();
        pair_stretch(t, d, tr.clone(), dr.clone(), pairs);
        let mut paired_t: Vec<usize> = pairs[before..].iter().map(|p| p.0).collect();
        let mut paired_d: Vec<usize> = pairs[before..].iter().map(|p| p.1).collect();
        paired_t.sort_unstable();
        paired_d.sort_unstable();
        del_pool.extend(tr.filter(|i| paired_t.binary_search(i).is_err()));
        ins_pool.extend(dr.filter(|j| paired_d.binary_search(j).is_err()));
    };
    let (mut ti, mut dj) = (0, 0);
    for (i, j) in anchors(t, d) {
        stretch(ti..i, dj..j, &mut out.pairs);
        out.pairs.push((i, j));
        ti = i + 1;
        dj = j + 1;
    }
    stretch(ti..t.len(), dj..d.len(), &mut out.pairs);
    out.pairs.sort_unstable();
    ins_pool.sort_unstable();

    // A unit that is only a blank takes the draft units that follow it up to the next
    // paired unit: a blank paragraph may be filled with several.
    let absorbed = absorbed_by_blanks(t, d, &out.pairs, &ins_pool);
    ins_pool.retain(|j| absorbed.binary_search(j).is_err());

    let (moved, deleted, inserted) = find_moves(t, d, del_pool, ins_pool);
    out.moved = moved;
    // A template unit that is only a blank may stay empty.
    out.deleted = deleted.into_iter().filter(|&i| !t[i].pure_slot()).collect();
    out.inserted = inserted;
    out
}

/// Inserted draft units (sorted) around a unit that is only a blank, between the pairs
/// before and after it and in the same section: a blank paragraph may be filled with
/// several.
fn absorbed_by_blanks(
    t: &[Unit],
    d: &[Unit],
    pairs: &[(usize, usize)],
    ins: &[usize],
) -> Vec<usize> {
    let mut out = Vec::new();
    let draft_of = |ti: usize| {
        pairs
            .binary_search_by_key(&ti, |p| p.0)
            .ok()
            .map(|k| pairs[k].1)
    };
    // Pairs sorted by template index are also sorted by draft index.
    for (k, &(ti, _)) in pairs.iter().enumerate() {
        if !t[ti].pure_slot() {
            continue;
        }
        let section = t[ti].heading.map(draft_of);
        let prev = if k == 0 { None } else { Some(pairs[k - 1].1) };
        let next = pairs.get(k + 1).map_or(usize::MAX, |p| p.1);
        let from = ins.partition_point(|&j| prev.is_some_and(|p| j <= p));
        out.extend(
            ins[from..]
                .iter()
                .copied()
                .take_while(|&j| j < next)
                .filter(|&j| section.is_none_or(|s| d[j].heading == s)),
        );
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Pair template units `tr` with draft units `dr`, in order.
fn pair_stretch(
    t: &[Unit],
    d: &[Unit],
    tr: std::ops::Range<usize>,
    dr: std::ops::Range<usize>,
    pairs: &mut Vec<(usize, usize)>,
) {
    if tr.is_empty() || dr.is_empty() {
        return;
    }
    // One template unit replaced by one draft unit of the same kind and number, between
    // two pairs: the clause was rewritten in place (a renamed field label, a reworded
    // sentence), one change rather than a deletion and an insertion.
    if tr.len() == 1 && dr.len() == 1 {
        let (a, b) = (&t[tr.start], &d[dr.start]);
        if a.kind == b.kind && a.number == b.number && !a.pure_slot() {
            pairs.push((tr.start, dr.start));
            return;
        }
    }
    if tr.len() * dr.len() <= MAX_TABLE {
        pair_table(t, d, tr, dr, pairs);
        return;
    }
    // Long stretch: anchor on strong pairs found through an index, in increasing order on
    // both sides, then pair the shorter stretches between anchors.
    let anchors = index_anchors(t, d, tr.clone(), dr.clone());
    if anchors.is_empty() {
        return;
    }
    let (mut ts, mut ds) = (tr.start, dr.start);
    for &(a, b) in &anchors {
        pair_stretch(t, d, ts..a, ds..b, pairs);
        pairs.push((a, b));
        ts = a + 1;
        ds = b + 1;
    }
    pair_stretch(t, d, ts..tr.end, ds..dr.end, pairs);
}

/// In-order pairing maximising the total similarity (a Needleman–Wunsch table with no gap
/// cost, pairs below [`PAIR`] not allowed).
fn pair_table(
    t: &[Unit],
    d: &[Unit],
    tr: std::ops::Range<usize>,
    dr: std::ops::Range<usize>,
    pairs: &mut Vec<(usize, usize)>,
) {
    let (n, m) = (tr.len(), dr.len());
    let w = m + 1;
    let mut score = vec![0f64; (n + 1) * w];
    let mut sims = vec![0f64; n * m];
    for i in 0..n {
        for j in 0..m {
            sims[i * m + j] = pair_score(t, d, tr.start + i, dr.start + j);
        }
    }
    for i in 1..=n {
        for j in 1..=m {
            let s = sims[(i - 1) * m + j - 1];
            let diag = if s >= PAIR {
                score[(i - 1) * w + j - 1] + s
            } else {
                f64::MIN
            };
            score[i * w + j] = diag.max(score[(i - 1) * w + j]).max(score[i * w + j - 1]);
        }
    }
    let (mut i, mut j) = (n, m);
    let mut found = Vec::new();
    while i > 0 && j > 0 {
        let here = score[i * w + j];
        let s = sims[(i - 1) * m + j - 1];
        if s >= PAIR && (here - (score[(i - 1) * w + j - 1] + s)).abs() < 1e-9 {
            found.push((tr.start + i - 1, dr.start + j - 1));
            i -= 1;
            j -= 1;
        } else if (here - score[(i - 1) * w + j]).abs() < 1e-9 {
            i -= 1;
        } else {
            j -= 1;
        }
    }
    found.reverse();
    pairs.extend(found);
}

/// Inverted bigram index over template units `tr`.
struct Index {
    postings: HashMap<u64, Vec<usize>>,
}

impl Index {
    fn new(t: &[Unit], items: impl Iterator<Item = usize>) -> Index {
        let mut postings: HashMap<u64, Vec<usize>> = HashMap::new();
        for i in items {
            let mut last = None;
            for &g in &t[i].grams {
                if last != Some(g) {
                    postings.entry(g).or_default().push(i);
                    last = Some(g);
                }
            }
        }
        Index { postings }
    }

    /// Template units sharing the most distinctive bigrams with `u`, best first (at most
    /// `k`), ties by index.
    fn candidates(&self, u: &Unit, k: usize) -> Vec<usize> {
        let mut votes: HashMap<usize, usize> = HashMap::new();
        let mut last = None;
        for &g in &u.grams {
            if last == Some(g) {
                continue;
            }
            last = Some(g);
            if let Some(p) = self.postings.get(&g) {
                if p.len() <= MAX_POSTINGS {
                    for &i in p {
                        *votes.entry(i).or_default() += 1;
                    }
                }
            }
        }
        let mut v: Vec<(usize, usize)> = votes.into_iter().collect();
        v.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v.into_iter().take(k).map(|(i, _)| i).collect()
    }
}

/// Strong in-order pairs in a long stretch: for each draft unit the best template unit by
/// the index (similarity ≥ [`MOVE`]), then the longest chain increasing on both sides.
fn index_anchors(
    t: &[Unit],
    d: &[Unit],
    tr: std::ops::Range<usize>,
    dr: std::ops::Range<usize>,
) -> Vec<(usize, usize)> {
    let index = Index::new(t, tr.clone());
    let mut cands: Vec<(usize, usize)> = Vec::new();
    for j in dr {
        let best = index
            .candidates(&d[j], 8)
            .into_iter()
            .map(|i| (similarity(&t[i], &d[j]), i))
            .filter(|(s, _)| *s >= MOVE)
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
        if let Some((_, i)) = best {
            cands.push((i, j));
        }
    }
    longest_increasing(&cands)
}

/// The longest subsequence of `pairs` (sorted by draft index) increasing in template index.
fn longest_increasing(pairs: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut tails: Vec<usize> = Vec::new(); // index into pairs
    let mut prev: Vec<Option<usize>> = vec![None; pairs.len()];
    for (k, &(ti, _)) in pairs.iter().enumerate() {
        let pos = tails.partition_point(|&e| pairs[e].0 < ti);
        if pos > 0 {
            prev[k] = Some(tails[pos - 1]);
        }
        if pos == tails.len() {
            tails.push(k);
        } else {
            tails[pos] = k;
        }
    }
    let mut out = Vec::new();
    let mut cur = tails.last().copied();
    while let Some(k) = cur {
        out.push(pairs[k]);
        cur = prev[k];
    }
    out.reverse();
    out
}

type Moves = (Vec<(usize, usize)>, Vec<usize>, Vec<usize>);

/// Match leftover template units with leftover draft units that are (nearly) the same.
fn find_moves(t: &[Unit], d: &[Unit], deleted: Vec<usize>, inserted: Vec<usize>) -> Moves {
    if deleted.is_empty() || inserted.is_empty() {
        return (Vec::new(), deleted, inserted);
    }
    let candidates: Vec<usize> = deleted
        .iter()
        .copied()
        .filter(|&i| !t[i].pure_slot())
        .collect();
    let index = Index::new(t, candidates.iter().copied());
    let mut by_key: HashMap<u64, Vec<usize>> = HashMap::new();
    for &i in &candidates {
        if t[i].slots == 0 {
            by_key.entry(t[i].key).or_default().push(i);
        }
    }
    let mut taken = vec![false; t.len()];
    let mut moved = Vec::new();
    let mut still_inserted = Vec::new();
    for j in inserted {
        let exact = by_key
            .get(&d[j].key)
            .and_then(|v| v.iter().copied().find(|&i| !taken[i]));
        let best = exact.or_else(|| {
            index
                .candidates(&d[j], 8)
                .into_iter()
                .filter(|&i| !taken[i])
                .map(|i| (similarity(&t[i], &d[j]), i))
                .filter(|(s, _)| *s >= MOVE)
                .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)))
                .map(|(_, i)| i)
        });
        match best {
            Some(i) => {
                taken[i] = true;
                moved.push((i, j));
            }
            None => still_inserted.push(j),
        }
    }
    moved.sort_unstable();
    let deleted = deleted.into_iter().filter(|&i| !taken[i]).collect();
    (moved, deleted, still_inserted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;
    use crate::source::Source;
    use crate::template::units::build;

    fn units(text: &str) -> (Source, Vec<Unit>) {
        let src = Source::new("t.md", text);
        let u = {
            let doc = Document::parse(&src).unwrap();
            build(&doc, &[])
        };
        (src, u)
    }

    #[test]
    fn deleted_inserted_and_moved_units_are_told_apart() {
        let (_, t) =
            units("# A\n\n一。\n\n二二。\n\n三三三。\n\n# B\n\n四四四四。\n\n五五五五五。\n");
        let (_, d) = units("# A\n\n一。\n\n三三三。\n\n新的一条。\n\n# B\n\n四四四四。\n\n五五五五五。\n\n二二。\n");
        let a = align(&t, &d);
        assert_eq!(a.deleted, Vec::<usize>::new());
        assert_eq!(a.moved, vec![(2, 7)]);
        assert_eq!(a.inserted, vec![3]);
        assert_eq!(
            a.pairs,
            vec![(0, 0), (1, 1), (3, 2), (4, 4), (5, 5), (6, 6)]
        );
    }

    #[test]
    fn a_changed_unit_pairs_in_place() {
        let (_, t) =
            units("甲方应在十日内付款。\n\n本协议一式两份，各执一份。\n\n如有争议，协商解决。\n");
        let (_, d) =
            units("甲方应在十日内付款。\n\n本协议一式三份，各执一份。\n\n如有争议，协商解决。\n");
        let a = align(&t, &d);
        assert_eq!(a.pairs, vec![(0, 0), (1, 1), (2, 2)]);
        assert!(a.deleted.is_empty() && a.inserted.is_empty() && a.moved.is_empty());
    }

    #[test]
    fn long_stretches_use_the_index_and_stay_in_order() {
        let body: String = (0..200)
            .map(|i| format!("第{i}条约定的内容甲乙双方各自承担第{i}项义务编号{i}。\n\n"))
            .collect();
        // Every unit differs a little, so no hash anchors: one 200 × 200 stretch.
        let draft: String = (0..200)
            .map(|i| format!("第{i}条约定的内容甲乙双方各自承担第{i}项义务编号{i}！\n\n"))
            .collect();
        let (_, t) = units(&body);
        let (_, d) = units(&draft);
        let a = align(&t, &d);
        assert_eq!(a.pairs.len(), 200);
        assert!(a.pairs.iter().all(|(x, y)| x == y));
    }

    #[test]
    fn repeated_sections_align_in_order_and_by_their_numbers() {
        let chapter = |n: &str| {
            format!("## 第{n}章 租赁期限\n\n租期届满，乙方应返还房屋。\n\n房屋用途为居住。\n\n")
        };
        let three: String = ["一", "二", "三"].iter().map(|n| chapter(n)).collect();
        let (_, t) = units(&three);
        let (_, d) = units(&three);
        let a = align(&t, &d);
        assert!(a.moved.is_empty() && a.deleted.is_empty() && a.inserted.is_empty());
        assert_eq!(a.pairs, (0..t.len()).map(|i| (i, i)).collect::<Vec<_>>());
        // An edit in the middle chapter: the others still pair with their own numbers.
        let edited = three.replacen(
            "房屋用途为居住。\n\n## 第三章",
            "房屋用途为办公。\n\n## 第三章",
            1,
        );
        let (_, d) = units(&edited);
        let a = align(&t, &d);
        assert!(
            a.moved.is_empty() && a.deleted.is_empty() && a.inserted.is_empty(),
            "{a:?}"
        );
        assert_eq!(a.pairs, (0..t.len()).map(|i| (i, i)).collect::<Vec<_>>());
    }
}
