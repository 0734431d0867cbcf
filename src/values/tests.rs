//! Recogniser tests on contract wording: what is found, its value, and its exact span.

use super::*;

/// (text of the span, kind, value) for every entity.
fn found(t: &str) -> Vec<(String, &'static str, String)> {
    extract(t)
        .entities
        .into_iter()
        .map(|e| {
            (
                t[e.span.clone()].to_string(),
                e.value.kind().as_str(),
                e.value.to_string(),
            )
        })
        .collect()
}

fn of_kind(t: &str, kind: EntityKind) -> Vec<(String, String)> {
    found(t)
        .into_iter()
        .filter(|f| f.1 == kind.as_str())
        .map(|f| (f.0, f.2))
        .collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn money_chinese() {
    let t = "违约金人民币伍万元整(¥50,000)，月租金为人民币4,800元（大写：肆仟捌佰元整），押金5万元，手续费叁佰元伍角陆分，差额壹佰元零伍分。";
    assert_eq!(
        of_kind(t, EntityKind::Money),
        pairs(&[
            ("人民币伍万元整", "CNY 50,000"),
            ("¥50,000", "CNY 50,000"),
            ("人民币4,800元", "CNY 4,800"),
            ("肆仟捌佰元整", "CNY 4,800"),
            ("5万元", "CNY 50,000"),
            ("叁佰元伍角陆分", "CNY 300.56"),
            ("壹佰元零伍分", "CNY 100.05"),
        ])
    );
}

#[test]
fn money_other_currencies_and_english() {
    let t = "a deposit of Forty-Two Thousand U.S. Dollars (US$42,000), a fee of RMB 360,000, USD 1,000.50, HK$2,000 and 新台币壹万元整";
    assert_eq!(
        of_kind(t, EntityKind::Money),
        pairs(&[
            ("Forty-Two Thousand U.S. Dollars", "USD 42,000"),
            ("US$42,000", "USD 42,000"),
            ("RMB 360,000", "CNY 360,000"),
            ("USD 1,000.50", "USD 1,000.5"),
            ("HK$2,000", "HKD 2,000"),
            ("新台币壹万元整", "TWD 10,000"),
        ])
    );
}

#[test]
fn money_needs_a_currency() {
    assert!(of_kind("数量：3,000台，面积89.6平方米，3单元", EntityKind::Money).is_empty());
}

#[test]
fn percentages_and_rates() {
    let t = "每逾期一日，应按照未支付金额的万分之五(0.05%)向乙方支付违约金；预付款为总价款的百分之三十(30%)；滞纳金为千分之三（3‰）；年利率4.35%。";
    assert_eq!(
        of_kind(t, EntityKind::Percent),
        pairs(&[
            ("万分之五", "0.05% per day"),
            ("0.05%", "0.05% per day"),
            ("百分之三十", "30%"),
            ("30%", "30%"),
            ("千分之三", "0.3%"),
            ("3‰", "0.3%"),
            ("4.35%", "4.35% per year"),
        ])
    );
    let t = "interest at one and one-half percent (1.5%) per month, or 0.05% of the overdue amount for each day of delay, or 5 per cent";
    assert_eq!(
        of_kind(t, EntityKind::Percent),
        pairs(&[
            ("one and one-half percent", "1.5% per month"),
            ("1.5%", "1.5% per month"),
            ("0.05%", "0.05% per day"),
            ("5 per cent", "5%"),
        ])
    );
}

#[test]
fn vague_shares_are_not_percentages() {
    assert!(of_kind("应按照未支付金额的一定比例支付违约金", EntityKind::Percent).is_empty());
    assert!(of_kind("百分之____", EntityKind::Percent).is_empty());
}

#[test]
fn durations_chinese() {
    let t = "应在本协议签订后十五(15)个工作日内支付，验收期30日，保密期三(3)年，质保期十二(12)个月，响应时间四十八(48)小时，两个星期内，5个自然日";
    assert_eq!(
        of_kind(t, EntityKind::Duration),
        pairs(&[
            ("十五(15)个工作日", "15 business days"),
            ("30日", "30 days"),
            ("三(3)年", "3 years"),
            ("十二(12)个月", "12 months"),
            ("四十八(48)小时", "48 hours"),
            ("两个星期", "2 weeks"),
            ("5个自然日", "5 calendar days"),
        ])
    );
}

#[test]
fn durations_english() {
    let t = "within thirty (30) days of receipt, within fifteen (15) business days, one (1) year periods, 10 calendar days";
    assert_eq!(
        of_kind(t, EntityKind::Duration),
        pairs(&[
            ("thirty (30) days", "30 days"),
            ("fifteen (15) business days", "15 business days"),
            ("one (1) year", "1 year"),
            ("10 calendar days", "10 calendar days"),
        ])
    );
}

#[test]
fn dates_are_not_durations() {
    let t = "自2025年7月1日起至2026年6月30日止，每月10日前支付，6月30日，2025年";
    let kinds: Vec<&str> = found(t).iter().map(|f| f.1).collect();
    assert_eq!(kinds, ["date", "date", "date", "date"]);
    assert!(of_kind("一九四九年十月一日", EntityKind::Duration).is_empty());
}

#[test]
fn spans_are_offset_into_the_whole_text() {
    let text = "前文。乙方应在三十(30)日内付款。";
    let start = text.find('乙').unwrap();
    let v = extract_in(text, start..text.len());
    assert_eq!(v.entities.len(), 1);
    assert_eq!(&text[v.entities[0].span.clone()], "三十(30)日");
}

#[test]
fn features_see_what_the_recognisers_need() {
    use super::Features;
    let f = Features::of("自2025年6月30日起，共１５天");
    assert!(f.ascii_digit && f.digit && f.month && f.year && f.day && !f.latin);
    let f = Features::of("每月十号 ſix");
    assert!(!f.digit && f.month && !f.year && f.day && f.latin);
    let f = Features::of("甲方应当支付");
    assert!(!f.digit && !f.month && !f.year && !f.day && !f.latin);
    assert!(Features::of("１").digit && !Features::of("１").ascii_digit);
    assert!(Features::of("\u{212A}").latin);
}
