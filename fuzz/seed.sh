#!/usr/bin/env bash
# Seed the fuzz corpora from the repository's own drafts, packs and configs (the corpora are
# not committed: libFuzzer grows them). Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/draft corpus/rule_pack corpus/config
find ../fixtures ../tests/data -name '*.md' -exec cp {} corpus/draft/ \;
cp ../rules/*.yaml corpus/rule_pack/
find ../tests/data -name '*.yaml' -path '*pack*' -exec cp {} corpus/rule_pack/ \;
find ../tests/data -name '*.yaml' -path '*odd*' -exec cp {} corpus/rule_pack/ \;
find ../tests/data -name 'clauselint.yaml' -o -name '.clauselint.yaml' | while read -r f; do
  cp "$f" "corpus/config/$(echo "$f" | tr '/' '_')"
done
printf 'select: [blank]\nignore: [deadline/vague]\nseverity: {blank/tbd: warning}\nfail-on: warning\nlang: auto\nexclude: [archive/]\nper-file:\n  "templates/**":\n    ignore: [blank]\n' > corpus/config/readme.yaml
printf 'encoding: gb18030\nrules: []\ndefault-rules: true\n' > corpus/config/encoding.yaml
printf 'select: all\nignore: [meta]\nper-file:\n  "*.md":\n    severity: {blank: warning}\n' > corpus/config/per-file.yaml
echo "seeded: $(ls corpus/draft | wc -l) drafts, $(ls corpus/rule_pack | wc -l) packs, $(ls corpus/config | wc -l) configs"
