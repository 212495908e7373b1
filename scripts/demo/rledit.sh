#!/usr/bin/env bash
# docs/baselines.md's RLEdit rows: meta-train RLEdit on the demo's training split (edits.train.json,
# 500 records, 25 turns of 20), then run the whole eval stream (1000 edits, 20 a turn, final protocol)
# with each network, as scripts/demo/baselines.sh runs the other editors, and print the summary rows.
#   bash scripts/demo/rledit.sh [OUT_DIR=runs/rledit]
set -euo pipefail
out=${1:-runs/rledit}
data=public/demo/data
L=model.layers
modules=$L.2.mlp.down_proj,$L.3.mlp.down_proj
train=(--editor rledit --model public/demo/model --data $data/edits.train.json --modules $modules --n-edits 20 --sub-batch 10)
common=(--model public/demo/model --data $data/edits.eval.json --n-edits 20 --sub-batch 10
  --no-immediate --sample-every 5 --sample-size 100 --checkpoint-every 0 --editor rledit --modules $modules)
source "$(dirname "${BASH_SOURCE[0]}")/run-variant.sh"
mkdir -p "$out"
net() { # net NAME FLAGS…: one training into $out/net-NAME
  local name=$1
  shift
  npx stableedit-lab train-editor "${train[@]}" "$@" --out "$out/net-$name" --restart > /dev/null 2> "$out/net-$name.log"
}
net ref-lr1e-6                                  # the reference's config/editor/rledit.yaml as it is
net ref-lr1e-3 --lr 1e-3                        # the same, initial lr at the demo preset's measured lr
net each-turn --lr 1e-3 --epochs 3 --update-every 1 --meta-lr 1e-4   # Adam every turn, 3 epochs
dirs=()
for n in ref-lr1e-6 ref-lr1e-3 each-turn; do dirs+=("$(variant "rledit-$n" --hypernet "$out/net-$n")"); done
npx tsx scripts/demo/baselines-summary.ts "${dirs[@]}"
