//! Snapshots of the full, short and json outputs (insta), so that a change in wording,
//! position or caret placement is reviewed, not silently shipped.

use std::path::Path;

use clauselint::emit::{Emitter, Full, Json, Short, Summary};
use clauselint::rules::RuleSet;
use clauselint::source::Source;
use codespan_reporting::term::termcolor::NoColor;

fn render(rel: &str, format: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join(rel)).unwrap();
    let src = Source::new(rel, text);
    let rules = RuleSet::embedded();
    let diags = clauselint::check_source(&src, &rules).unwrap();
    let mut buf: Vec<u8> = Vec::new();
    {
        let mut nc;
        let mut e: Box<dyn Emitter + '_> = match format {
            "full" => {
                nc = NoColor::new(&mut buf);
                Box::new(Full::new(&mut nc))
            }
            "short" => Box::new(Short::new(&mut buf)),
            "json" => Box::new(Json::new(&mut buf)),
            _ => unreachable!(),
        };
        e.file(&src, &diags).unwrap();
        e.finish(&Summary::default()).unwrap();
    }
    String::from_utf8(buf).unwrap()
}

macro_rules! snap {
    ($name:ident, $path:expr, $format:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(render($path, $format));
        }
    };
}

snap!(
    full_template_unfilled,
    "fixtures/zh/template-unfilled.md",
    "full"
);
snap!(
    full_template_unfilled_hant,
    "fixtures/zh/template-unfilled.zh-Hant.md",
    "full"
);
snap!(
    full_defect_precedence_reversed,
    "fixtures/zh/defect-precedence-reversed.md",
    "full"
);
snap!(
    full_defect_deadline_vague,
    "fixtures/zh/defect-deadline-vague.md",
    "full"
);
snap!(
    full_defect_latefee_removed,
    "fixtures/zh/defect-latefee-removed.md",
    "full"
);
snap!(full_three_party, "fixtures/zh/three-party.md", "full");
snap!(
    full_en_services_unfilled,
    "fixtures/en/services-unfilled.md",
    "full"
);
snap!(
    full_en_nda_table_unfilled,
    "fixtures/en/nda-table-signature-unfilled.md",
    "full"
);
snap!(
    short_lease_unfilled,
    "fixtures/zh/lease-unfilled.md",
    "short"
);
snap!(
    short_labour_unfilled,
    "fixtures/zh/labour-unfilled.md",
    "short"
);
snap!(
    short_template_crlf,
    "fixtures/zh/template-unfilled.crlf.md",
    "short"
);
snap!(
    short_traps_hits,
    "fixtures/traps/markdown-traps-hits.md",
    "short"
);
snap!(
    short_vague_and_duties,
    "fixtures/zh/vague-and-duties.md",
    "short"
);
snap!(
    json_template_unfilled,
    "fixtures/zh/template-unfilled.md",
    "json"
);
snap!(
    json_en_vague_deadlines,
    "fixtures/en/vague-deadlines.md",
    "json"
);
snap!(
    full_values_words_digits,
    "fixtures/values/words-digits.md",
    "full"
);
snap!(
    full_values_party_names,
    "fixtures/values/party-names.md",
    "full"
);
snap!(full_values_dates, "fixtures/values/dates.md", "full");
snap!(full_values_deposit, "fixtures/values/deposit.md", "full");
snap!(json_values_dates_en, "fixtures/values/dates-en.md", "json");
