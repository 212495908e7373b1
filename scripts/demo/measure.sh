#!/usr/bin/env bash
# Re-measures docs/demo.md's table: every editor and variant over the whole demo eval stream (1000
# edits, 20 a turn) after a warm-up of the 500 records of edits.train.json (25 turns), at the demo
# preset's lr, λ and modules (src/engine/lab/demo-defaults.ts), then prints one summary row per run.
#   bash scripts/demo/measure.sh [OUT_DIR=runs/demo-table] [MODEL=public/demo/model]
# LR, RIDGE, MODULES and SAMPLE_EVERY (default 5: a 100-edit sample every 5 turns, for the curves)
# override the preset; DRIFT_SIZE (default 1000) the drift prompts. WILD and fluency (10 prompts) are the CLI defaults;
# general capability on the demo's own set (data/general.json, 100 a task) with every sample.
set -euo pipefail
out=${1:-runs/demo-table}
model=${2:-public/demo/model}
preset() { npx tsx -e "import('./src/engine/lab/demo-defaults.ts').then((m) => console.log($1))"; }
lr=${LR:-$(preset 'm.DEMO_RUN.lr')}
ridge=${RIDGE:-$(preset 'm.DEMO_RUN.ridge')}
modules=${MODULES:-$(preset "m.DEMO_MODULES.join(',')")}
sample=${SAMPLE_EVERY:-5}
data=public/demo/data
common=(--model "$model" --data $data/edits.eval.json --modules "$modules" --n-edits 20 --sub-batch 10
  --lr "$lr" --ridge "$ridge" --no-immediate --sample-every "$sample" --sample-size 100 --checkpoint-every 0
  --drift-size "${DRIFT_SIZE:-1000}" --general $data/general.json)
warm=(--warmup-data $data/edits.train.json --warmup-turns 25)
source "$(dirname "${BASH_SOURCE[0]}")/run-variant.sh"
mkdir -p "$out"
echo "lr $lr, ridge $ridge, modules $modules, model $model" >&2
dirs=(
  "$(variant stableedit-warmup --editor stableedit "${warm[@]}")"
  "$(variant stableedit-warmup-stats-only --editor stableedit "${warm[@]}" --warmup-stats-only)"
  "$(variant stableedit-no-warmup --editor stableedit)"
  "$(variant diagonal-warmup --editor diagonal "${warm[@]}")"
  "$(variant ultraedit-warmup --editor ultraedit "${warm[@]}")"
  "$(variant no-ln-warmup --editor no-ln "${warm[@]}")"
  "$(variant ft-warmup --editor ft "${warm[@]}")"
)
npx tsx scripts/demo/run-summary.ts "${dirs[@]}"
