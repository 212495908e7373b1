#!/usr/bin/env bash
# Per-edit editor time of the capture-based editors side by side (the paper's Table 3 row, on this
# machine): the same 10 turns of 20 demo edits for each editor, one after the other in one script,
# then the median editor time per turn (metrics.jsonl timings.editor) and per edit.
#   bash scripts/demo/editor-times.sh HYPERNET_DIR [OUT_DIR=runs/editor-times] [MALMEN_DIR]
# (HYPERNET_DIR an RLEdit network from train-editor; MALMEN_DIR, if given, a MALMEN one, timed too)
set -euo pipefail
net=$1
out=${2:-runs/editor-times}
L=model.layers
common=(--model public/demo/model --data public/demo/data/edits.eval.json --n-edits 20 --sub-batch 10 --turns 10
  --modules $L.2.mlp.down_proj,$L.3.mlp.down_proj --no-immediate --no-final --sample-every 0 --checkpoint-every 0)
source "$(dirname "${BASH_SOURCE[0]}")/run-variant.sh"
mkdir -p "$out"
dirs=(
  "$(variant stableedit --editor stableedit --lr 1e-3 --ridge 10)"
  "$(variant ultraedit --editor ultraedit --lr 1e-3 --ridge 10)"
  "$(variant rledit --editor rledit --hypernet "$net")"
)
if [ -n "${3:-}" ]; then dirs+=("$(variant malmen --editor malmen --hypernet "$3")"); fi
for d in "${dirs[@]}"; do
  node -e '
    const t = require("fs").readFileSync(process.argv[1] + "/metrics.jsonl", "utf8").trim().split("\n").map((l) => JSON.parse(l).timings);
    const med = (k) => t.map((x) => x[k]).sort((a, b) => a - b)[t.length >> 1];
    console.log(`${process.argv[1]}: editor ${med("editor").toFixed(0)} ms/turn (${(med("editor") / 20).toFixed(1)} ms/edit), capture ${med("capture").toFixed(0)} ms/turn`);
  ' "$d"
done
