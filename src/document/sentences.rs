//! Sentence splitting inside a clause: after 。；;！？!? and after `. ` in English.

use crate::source::Span;

pub fn split(scan: &str, span: Span) -> Vec<Span> {
    let s = &scan[span.clone()];
    let mut out = Vec::new();
    let mut start = 0;
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        let end = i + c.len_utf8();
        let boundary = match c {
            '。' | '；' | ';' | '！' | '？' | '!' | '?' => true,
            '.' => match it.peek() {
                Some((_, n)) => {
                    n.is_whitespace() && !s[..i].ends_with(|p: char| p.is_ascii_digit())
                }
                None => true,
            },
            _ => false,
        };
        if boundary {
            push_trimmed(s, span.start, start..end, &mut out);
            start = end;
        }
    }
    push_trimmed(s, span.start, start..s.len(), &mut out);
    if out.is_empty() {
        out.push(span);
    }
    out
}

fn push_trimmed(s: &str, base: usize, r: std::ops::Range<usize>, out: &mut Vec<Span>) {
    let t = &s[r.clone()];
    let lead = t.len() - t.trim_start().len();
    let trail = t.len() - t.trim_end().len();
    if lead + trail < t.len() {
        out.push(base + r.start + lead..base + r.end - trail);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_chinese_and_english() {
        let s = "甲方应支付。乙方应交付；双方确认. Then more.";
        let parts: Vec<&str> = split(s, 0..s.len()).into_iter().map(|r| &s[r]).collect();
        assert_eq!(
            parts,
            ["甲方应支付。", "乙方应交付；", "双方确认.", "Then more."]
        );
    }

    #[test]
    fn decimal_points_do_not_split() {
        let s = "rate of 1.5 percent. Next";
        let parts: Vec<&str> = split(s, 0..s.len()).into_iter().map(|r| &s[r]).collect();
        assert_eq!(parts, ["rate of 1.5 percent.", "Next"]);
    }
}
