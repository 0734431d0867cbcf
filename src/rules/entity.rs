//! Pack keys of the value layer: `entity`, `min`, `max`, `unit` (require and range rules),
//! `value` and `of` (range), `check` (consistency).
//!
//! The typed pass reads each key on its own (an unknown entity kind or a `min` that is no
//! value at all is an error at its scalar). Whether a `min` fits the rule's `entity`, or a
//! `unit` its kind, depends on other keys, so a third serde pass over the YAML checks that,
//! again raising errors inside visitors so that they point at the exact scalar.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::Kind;
use crate::values::{self, Currency, DayKind, Dec, Entity, EntityKind, Period, TimeUnit, Value};

/// `entity: duration` or `entity: [duration, date]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntitySpec(pub Vec<EntityKind>);

impl<'de> Deserialize<'de> for EntitySpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        fn one<E: de::Error>(s: &str) -> Result<EntityKind, E> {
            EntityKind::parse(s).ok_or_else(|| {
                let names: Vec<&str> = EntityKind::ALL.iter().map(|k| k.as_str()).collect();
                match super::load::suggest(s, names.iter().copied()) {
                    Some(b) => E::custom(format!("unknown entity `{s}`, did you mean `{b}`?")),
                    None => E::custom(format!(
                        "unknown entity `{s}`, expected one of {}",
                        names
                            .iter()
                            .map(|n| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                }
            })
        }
        impl<'de> Visitor<'de> for V {
            type Value = EntitySpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an entity (duration, percent, money, date) or a list of them")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<EntitySpec, E> {
                Ok(EntitySpec(vec![one(s)?]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<EntitySpec, A::Error> {
                let mut v = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    let k = one::<A::Error>(&s)?;
                    if !v.contains(&k) {
                        v.push(k);
                    }
                }
                if v.is_empty() {
                    return Err(de::Error::custom("`entity` needs at least one entity"));
                }
                Ok(EntitySpec(v))
            }
        }
        d.deserialize_any(V)
    }
}

/// A limit in `min` or `max`: a value written as in a contract (`1日`, `1 day`, `20%`,
/// `万分之五`, `¥1,000`, `2025-06-30`), or a bare number (a year, for `date-plausible`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bound {
    pub text: String,
    pub value: BoundValue,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BoundValue {
    Value(Value),
    Number(Dec),
}

impl Bound {
    pub fn parse(text: &str) -> Result<Bound, String> {
        let t = text.trim();
        if let Some(n) = values::number::parse_arabic(t) {
            return Ok(Bound {
                text: t.to_string(),
                value: BoundValue::Number(n),
            });
        }
        let v = values::extract(t);
        match v.entities.as_slice() {
            [e] if e.span == (0..t.len()) => Ok(Bound {
                text: t.to_string(),
                value: BoundValue::Value(e.value),
            }),
            _ => Err(format!(
                "`{t}` is not a value: write a duration (`10日`, `10 days`), a percentage (`20%`, `万分之五`), an amount (`¥1,000`, `USD 500`) or a date (`2025-06-30`)"
            )),
        }
    }

    fn kind(&self) -> Option<EntityKind> {
        match &self.value {
            BoundValue::Value(v) => Some(v.kind()),
            BoundValue::Number(_) => None,
        }
    }
}

impl<'de> Deserialize<'de> for Bound {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Bound;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a value such as `1日`, `20%`, `¥1,000` or `2025-06-30`")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Bound, E> {
                Bound::parse(s).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Bound, E> {
                self.visit_str(&n.to_string())
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Bound, E> {
                self.visit_str(&n.to_string())
            }
            fn visit_f64<E: de::Error>(self, n: f64) -> Result<Bound, E> {
                self.visit_str(&n.to_string())
            }
        }
        d.deserialize_any(V)
    }
}

/// `unit`: what a value must be measured in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitSpec {
    /// A duration unit; for days, optionally the kind of day.
    Time(TimeUnit, Option<DayKind>),
    /// The period of a rate.
    Rate(Period),
    Currency(Currency),
}

const DURATION_UNITS: &[&str] = &[
    "minute",
    "hour",
    "day",
    "business-day",
    "calendar-day",
    "week",
    "month",
    "year",
];
const RATE_UNITS: &[&str] = &["day", "month", "year"];

impl UnitSpec {
    pub fn parse(kind: EntityKind, s: &str) -> Result<UnitSpec, String> {
        let expected = |list: &[&str]| {
            let best = super::load::suggest(s, list.iter().copied());
            match best {
                Some(b) => format!("unknown {} unit `{s}`, did you mean `{b}`?", kind.as_str()),
                None => format!(
                    "unknown {} unit `{s}`, expected one of {}",
                    kind.as_str(),
                    list.iter()
                        .map(|u| format!("`{u}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }
        };
        match kind {
            EntityKind::Duration => Ok(match s {
                "minute" => UnitSpec::Time(TimeUnit::Minute, None),
                "hour" => UnitSpec::Time(TimeUnit::Hour, None),
                "day" => UnitSpec::Time(TimeUnit::Day, None),
                "business-day" => UnitSpec::Time(TimeUnit::Day, Some(DayKind::Business)),
                "calendar-day" => UnitSpec::Time(TimeUnit::Day, Some(DayKind::Calendar)),
                "week" => UnitSpec::Time(TimeUnit::Week, None),
                "month" => UnitSpec::Time(TimeUnit::Month, None),
                "year" => UnitSpec::Time(TimeUnit::Year, None),
                _ => return Err(expected(DURATION_UNITS)),
            }),
            EntityKind::Percent => Ok(match s {
                "day" => UnitSpec::Rate(Period::Day),
                "month" => UnitSpec::Rate(Period::Month),
                "year" => UnitSpec::Rate(Period::Year),
                _ => return Err(expected(RATE_UNITS)),
            }),
            EntityKind::Money => Currency::parse(s)
                .map(UnitSpec::Currency)
                .ok_or_else(|| expected(Currency::CODES)),
            EntityKind::Date => Err("`unit` does not apply to dates".to_string()),
        }
    }

    fn admits(self, v: &Value) -> bool {
        match (self, v) {
            (UnitSpec::Time(u, kind), Value::Duration(d)) => {
                d.unit == u
                    && match kind {
                        None => true,
                        Some(DayKind::Business) => d.days == DayKind::Business,
                        // 日 counts calendar days unless it says otherwise.
                        Some(_) => d.days != DayKind::Business,
                    }
            }
            (UnitSpec::Rate(p), Value::Percent(x)) => x.per == Some(p),
            (UnitSpec::Currency(c), Value::Money(m)) => m.currency == c,
            _ => false,
        }
    }
}

/// The built-in cross-checks of the `consistency` kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    /// A number written in words and in figures that disagree: 十五(30), 伍万元整(¥5,000).
    WordsDigits,
    /// A party named differently in the party block and the signature block.
    PartyNames,
    /// A date that does not exist: 2025年2月30日.
    DateValid,
    /// A date outside a plausible window (`min`/`max` years, default 1949–2100).
    DatePlausible,
    /// A signature date after the termination date stated in the document.
    SignAfterTermination,
}

impl Check {
    pub fn as_str(self) -> &'static str {
        match self {
            Check::WordsDigits => "words-digits",
            Check::PartyNames => "party-names",
            Check::DateValid => "date-valid",
            Check::DatePlausible => "date-plausible",
            Check::SignAfterTermination => "sign-after-termination",
        }
    }
}

/// What a rule's value keys ask of an entity: kinds, unit, limits.
#[derive(Debug, Clone, Default)]
pub struct ValueSpec {
    pub kinds: Vec<EntityKind>,
    pub unit: Option<UnitSpec>,
    pub min: Option<Bound>,
    pub max: Option<Bound>,
}

/// Why an entity of the right kind does not satisfy a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Miss {
    Unit,
    BelowMin,
    AboveMax,
}

impl ValueSpec {
    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }

    /// Does the entity satisfy the spec? `None` when it is not of a wanted kind.
    pub fn check(&self, e: &Entity) -> Option<Result<(), Miss>> {
        if !self.kinds.contains(&e.value.kind()) {
            return None;
        }
        if let Some(u) = self.unit {
            if !u.admits(&e.value) {
                return Some(Err(Miss::Unit));
            }
        }
        if let Some(b) = &self.min {
            if !matches!(
                compare(&e.value, b),
                Some(std::cmp::Ordering::Greater | std::cmp::Ordering::Equal)
            ) {
                return Some(Err(Miss::BelowMin));
            }
        }
        if let Some(b) = &self.max {
            match compare(&e.value, b) {
                Some(std::cmp::Ordering::Greater) | None => return Some(Err(Miss::AboveMax)),
                _ => {}
            }
        }
        Some(Ok(()))
    }
}

/// Compare a value with a limit of the same kind. `None` when they cannot be compared
/// (amounts in different currencies, a date without a year).
pub fn compare(v: &Value, b: &Bound) -> Option<std::cmp::Ordering> {
    let BoundValue::Value(bv) = &b.value else {
        return None;
    };
    match (v, bv) {
        (Value::Duration(a), Value::Duration(b)) => a.approx_days().partial_cmp(&b.approx_days()),
        (Value::Percent(a), Value::Percent(b)) => Some(a.value.cmp(&b.value)),
        (Value::Money(a), Value::Money(b)) => {
            (a.currency == b.currency).then(|| a.amount.cmp(&b.amount))
        }
        (Value::Date(a), Value::Date(b)) => Some(a.full()?.cmp(&b.full()?)),
        _ => None,
    }
}

// ------------------------------------------------------------------ validation pass

/// What the typed pass learned about one rule.
#[derive(Debug, Clone)]
pub(crate) struct RuleInfo {
    pub kind: Kind,
    pub entity: Vec<EntityKind>,
    pub check: Option<Check>,
    pub has_of: bool,
}

/// Check `min`, `max` and `unit` against the rule's `entity` (or `check`), and that a
/// `require` rule has `must` or `entity`. Errors carry the position of the scalar.
pub(crate) fn validate(text: &str, info: &[RuleInfo]) -> Result<(), serde_yaml::Error> {
    let de = serde_yaml::Deserializer::from_str(text);
    PackPass { info }.deserialize(de)
}

struct PackPass<'a> {
    info: &'a [RuleInfo],
}

impl<'de> DeserializeSeed<'de> for PackPass<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for PackPass<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a rule pack")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(k) = map.next_key::<String>()? {
            if k == "rules" {
                map.next_value_seed(RulesPass { info: self.info })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

struct RulesPass<'a> {
    info: &'a [RuleInfo],
}

impl<'de> DeserializeSeed<'de> for RulesPass<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RulesPass<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of rules")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        for info in self.info {
            if seq.next_element_seed(RulePass { info })?.is_none() {
                break;
            }
        }
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }
}

struct RulePass<'a> {
    info: &'a RuleInfo,
}

impl<'de> DeserializeSeed<'de> for RulePass<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RulePass<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a rule")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let info = self.info;
        let mut keys = Vec::new();
        while let Some(k) = map.next_key::<String>()? {
            match k.as_str() {
                "min" | "max" => map.next_value_seed(BoundPass {
                    info,
                    key: k.clone(),
                })?,
                "unit" => map.next_value_seed(UnitPass { info })?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            keys.push(k);
        }
        let has = |k: &str| keys.iter().any(|x| x == k);
        if info.kind == Kind::Range && !has("entity") && !has("of") {
            return Err(de::Error::custom(
                "a `range` rule needs `entity` (the kind of value to check) or `of` (the base a percentage limit applies to)",
            ));
        }
        if info.kind == Kind::Range && !has("min") && !has("max") {
            return Err(de::Error::custom("a `range` rule needs `min` or `max`"));
        }
        Ok(())
    }
}

/// Which kinds of limit a rule's `min`/`max` may be.
fn bound_kinds(info: &RuleInfo) -> Result<Vec<EntityKind>, String> {
    match info.kind {
        Kind::Range if info.has_of => Ok(vec![EntityKind::Percent]),
        Kind::Require | Kind::Range => {
            if info.entity.len() == 1 {
                Ok(info.entity.clone())
            } else if info.entity.is_empty() {
                Err("`min` and `max` need `entity` (the kind of value they limit)".into())
            } else {
                Err("`min` and `max` need a single `entity`, not a list".into())
            }
        }
        Kind::Consistency if info.check == Some(Check::DatePlausible) => Ok(vec![EntityKind::Date]),
        Kind::Consistency => Err(format!(
            "`min` and `max` apply only to `check: date-plausible`, not `{}`",
            info.check.map_or("?", Check::as_str)
        )),
        _ => Err("`min` and `max` do not belong to this kind".into()),
    }
}

struct BoundPass<'a> {
    info: &'a RuleInfo,
    key: String,
}

impl<'de> DeserializeSeed<'de> for BoundPass<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl BoundPass<'_> {
    fn check<E: de::Error>(&self, s: &str) -> Result<(), E> {
        let b = Bound::parse(s).map_err(E::custom)?;
        let kinds = bound_kinds(self.info).map_err(E::custom)?;
        let plausible = self.info.check == Some(Check::DatePlausible);
        let ok = match (&b.value, b.kind()) {
            // A year: `min: 1949`.
            (BoundValue::Number(n), _) if plausible => n.is_integer(),
            (BoundValue::Value(Value::Date(d)), _) if plausible => d.year.is_some(),
            (_, Some(k)) => kinds.contains(&k),
            _ => false,
        };
        if ok {
            return Ok(());
        }
        let what = if plausible {
            "a year (`1949`) or a date (`1949-10-01`)".to_string()
        } else {
            match kinds[0] {
                EntityKind::Duration => "a duration such as `1日` or `1 day`".to_string(),
                EntityKind::Percent if self.info.has_of => {
                    "a percentage of the `of` value, such as `20%`".to_string()
                }
                EntityKind::Percent => "a percentage such as `20%` or `万分之五`".to_string(),
                EntityKind::Money => "an amount such as `¥1,000` or `USD 500`".to_string(),
                EntityKind::Date => "a date such as `2025-06-30`".to_string(),
            }
        };
        Err(E::custom(format!(
            "`{}: {s}` does not fit this rule: write {what}",
            self.key
        )))
    }
}

impl<'de> Visitor<'de> for BoundPass<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a limit")
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<(), E> {
        self.check(s)
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<(), E> {
        self.check(&n.to_string())
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<(), E> {
        self.check(&n.to_string())
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<(), E> {
        self.check(&n.to_string())
    }
}

struct UnitPass<'a> {
    info: &'a RuleInfo,
}

impl<'de> DeserializeSeed<'de> for UnitPass<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for UnitPass<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a unit")
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<(), E> {
        match self.info.entity.as_slice() {
            [k] => UnitSpec::parse(*k, s).map(|_| ()).map_err(E::custom),
            [] => Err(E::custom(
                "`unit` needs `entity` (the kind of value it measures)",
            )),
            _ => Err(E::custom("`unit` needs a single `entity`, not a list")),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::load::{load_pack, PackError};

    fn load(rules: &str) -> Result<(), PackError> {
        load_pack(
            Path::new("t.yaml"),
            &format!("pack: t\nrules:\n{rules}"),
            &[],
        )
        .map(|_| ())
    }

    fn err(rules: &str) -> (String, (usize, usize)) {
        let e = load(rules).expect_err("an error");
        let before = &e.text[..e.span.start];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().unwrap().chars().count() + 1;
        (e.message, (line, col))
    }

    const REQ: &str = "  - id: a/b\n    kind: require\n    message: m\n    when: x\n";

    #[test]
    fn require_accepts_entity_instead_of_must() {
        load(&format!(
            "{REQ}    entity: duration\n    min: 1日\n    unit: day\n"
        ))
        .unwrap();
        load(&format!("{REQ}    entity: [duration, date]\n")).unwrap();
        load(&format!(
            "{REQ}    entity: percent\n    max: 万分之五\n    unit: day\n"
        ))
        .unwrap();
        load(&format!(
            "{REQ}    entity: money\n    min: '¥1,000'\n    unit: CNY\n"
        ))
        .unwrap();
        let (m, _) = err(REQ);
        assert!(m.contains("needs `must`"), "{m}");
    }

    #[test]
    fn unknown_entity_and_unit_are_pointed_at() {
        let (m, at) = err(&format!("{REQ}    entity: durration\n"));
        assert!(m.contains("did you mean `duration`"), "{m}");
        assert_eq!(at, (7, 13));
        let (m, at) = err(&format!(
            "{REQ}    entity: duration\n    unit: bussiness-day\n"
        ));
        assert!(m.contains("did you mean `business-day`"), "{m}");
        assert_eq!(at, (8, 11));
        let (m, _) = err(&format!("{REQ}    entity: date\n    unit: day\n"));
        assert!(m.contains("does not apply to dates"), "{m}");
        let (m, _) = err(&format!("{REQ}    entity: [money, date]\n    unit: CNY\n"));
        assert!(m.contains("single `entity`"), "{m}");
    }

    #[test]
    fn limits_must_fit_the_entity() {
        let (m, at) = err(&format!("{REQ}    entity: duration\n    min: 20%\n"));
        assert!(m.contains("write a duration"), "{m}");
        assert_eq!(at, (8, 10));
        let (m, _) = err(&format!("{REQ}    entity: duration\n    min: soon\n"));
        assert!(m.contains("is not a value"), "{m}");
        let (m, _) = err(&format!("{REQ}    min: 1日\n    must: x\n"));
        assert!(m.contains("need `entity`"), "{m}");
    }

    #[test]
    fn value_keys_are_rejected_on_other_kinds() {
        let (m, at) = err(
            "  - id: a/b\n    kind: forbid\n    message: m\n    pattern: x\n    entity: money\n",
        );
        assert!(m.contains("does not belong to a `forbid` rule"), "{m}");
        assert!(m.contains("require"), "{m}");
        assert_eq!(at, (7, 5));
        let (m, _) = err(
            "  - id: a/b\n    kind: signature\n    message: m\n    fields: [x]\n    min: 1日\n",
        );
        assert!(m.contains("does not belong to a `signature` rule"), "{m}");
        let (m, _) = err("  - id: a/b\n    kind: consistency\n    check: words-digits\n    message: m\n    min: 1949\n");
        assert!(m.contains("only to `check: date-plausible`"), "{m}");
        let (m, _) =
            err("  - id: a/b\n    kind: consistency\n    check: word-digits\n    message: m\n");
        assert!(m.contains("did you mean `words-digits`"), "{m}");
    }

    #[test]
    fn range_rules_need_a_value_and_a_limit() {
        load("  - id: a/b\n    kind: range\n    message: m\n    value: 定金\n    of: 总价\n    max: 20%\n").unwrap();
        let (m, _) =
            err("  - id: a/b\n    kind: range\n    message: m\n    value: 定金\n    of: 总价\n");
        assert!(m.contains("needs `min` or `max`"), "{m}");
        let (m, _) = err("  - id: a/b\n    kind: range\n    message: m\n    value: 定金\n    of: 总价\n    max: ¥100\n");
        assert!(m.contains("percentage of the `of` value"), "{m}");
        let (m, _) =
            err("  - id: a/b\n    kind: range\n    message: m\n    of: 总价\n    max: 20%\n");
        assert!(
            m.contains("needs `message` and `value`") || m.contains("`value`"),
            "{m}"
        );
    }

    #[test]
    fn date_plausible_takes_years() {
        load("  - id: a/b\n    kind: consistency\n    check: date-plausible\n    message: m\n    min: 1990\n    max: 2050-12-31\n").unwrap();
        let (m, _) = err("  - id: a/b\n    kind: consistency\n    check: date-plausible\n    message: m\n    min: 5日\n");
        assert!(m.contains("a year"), "{m}");
    }
}
