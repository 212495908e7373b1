#!/usr/bin/env bash
# docs/baselines.md's MALMEN rows: meta-train MALMEN on the demo's training split (edits.train.json,
# 500 records, 25 steps of 20 edits, Adam every step), then run the whole eval stream (1000 edits, 20 a
# turn, final protocol) with each network, as scripts/demo/rledit.sh does for RLEdit, and print the
# summary rows.
#   bash scripts/demo/malmen.sh [OUT_DIR=runs/malmen]
set -euo pipefail
out=${1:-runs/malmen}
data=public/demo/data
L=model.layers
modules=$L.2.mlp.down_proj,$L.3.mlp.down_proj
train=(--editor malmen --model public/demo/model --data $data/edits.train.json --modules $modules --n-edits 20 --sub-batch 10)
common=(--model public/demo/model --data $data/edits.eval.json --n-edits 20 --sub-batch 10
  --no-immediate --sample-every 5 --sample-size 100 --checkpoint-every 0 --editor malmen --modules $modules)
source "$(dirname "${BASH_SOURCE[0]}")/run-variant.sh"
mkdir -p "$out"
net() { # net NAME FLAGS…: one training into $out/net-NAME
  local name=$1
  shift
  npx stableedit-lab train-editor "${train[@]}" "$@" --out "$out/net-$name" --restart > /dev/null 2> "$out/net-$name.log"
}
net lr1e-6            # the reference's config/editor/malmen.yaml as it is
net lr1e-3 --lr 1e-3  # the same, initial lr at the demo preset's measured lr
dirs=()
for n in lr1e-6 lr1e-3; do dirs+=("$(variant "malmen-$n" --hypernet "$out/net-$n")"); done
npx tsx scripts/demo/baselines-summary.ts "${dirs[@]}"
