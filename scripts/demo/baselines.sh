#!/usr/bin/env bash
# docs/baselines.md's table: MEMIT and AlphaEdit beside StableEdit and UltraEdit over the whole demo
# eval stream (1000 edits, 20 a turn, final protocol), each on the layers it is measured at, then one
# summary row per run (scripts/demo/baselines-summary.ts).
#   bash scripts/demo/baselines.sh [OUT_DIR=runs/baselines]
# Key statistics are cached in $OUT_DIR/stats-cache (the first MEMIT/AlphaEdit run computes them).
set -euo pipefail
out=${1:-runs/baselines}
data=public/demo/data
L=model.layers
common=(--model public/demo/model --data $data/edits.eval.json --n-edits 20 --sub-batch 10 --lr 1e-3 --ridge 10
  --no-immediate --sample-every 5 --sample-size 100 --checkpoint-every 0)
warm=(--warmup-data $data/edits.train.json --warmup-turns 25)
locate=(--stats-cache "$out/stats-cache")
source "$(dirname "${BASH_SOURCE[0]}")/run-variant.sh"
mkdir -p "$out"
dirs=(
  "$(variant stableedit-L23-no-warmup --editor stableedit --modules $L.2.mlp.down_proj,$L.3.mlp.down_proj)"
  "$(variant stableedit-L23-warmup --editor stableedit --modules $L.2.mlp.down_proj,$L.3.mlp.down_proj "${warm[@]}")"
  "$(variant ultraedit-L23-warmup --editor ultraedit --modules $L.2.mlp.down_proj,$L.3.mlp.down_proj "${warm[@]}")"
  "$(variant stableedit-L12-no-warmup --editor stableedit --modules $L.1.mlp.down_proj,$L.2.mlp.down_proj)"
  "$(variant ultraedit-L12-no-warmup --editor ultraedit --modules $L.1.mlp.down_proj,$L.2.mlp.down_proj)"
  "$(variant memit-L12 --editor memit --modules $L.1.mlp.down_proj,$L.2.mlp.down_proj "${locate[@]}")"
  "$(variant alphaedit-L12 --editor alphaedit --modules $L.1.mlp.down_proj,$L.2.mlp.down_proj "${locate[@]}")"
  "$(variant memit-L23 --editor memit --modules $L.2.mlp.down_proj,$L.3.mlp.down_proj "${locate[@]}")"
  "$(variant alphaedit-L23 --editor alphaedit --modules $L.2.mlp.down_proj,$L.3.mlp.down_proj "${locate[@]}")"
)
npx tsx scripts/demo/baselines-summary.ts "${dirs[@]}"
