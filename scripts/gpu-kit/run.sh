#!/usr/bin/env bash
# StableEdit Lab GPU check kit (built by `npm run gpu-kit -- --out DIR`; docs/benchmarks.md).
#
#   bash run.sh OUT [--tiny] [--icd FILE.json]
#
# Needs only Linux x86-64, a GPU driver with its Vulkan part, and python3 (with torch for step c).
# Unpacks the kit (Node, the bundled engine, dawn.node, ORT's wasm, the Vulkan loader) with python3,
# finds the Vulkan driver (--icd, else KIT_ICD, else NVIDIA's nvidia_icd.json in the usual folders,
# else one written for the driver's libGLX_nvidia.so.0), then runs each step under its own time limit,
# so a hang costs that step only:
#   (a) every WGSL kernel and the WebGPU runtime against float64 (one process per check group),
#   (b) one editing turn of 100 edits per shape, stableedit and ultraedit, per stage,
#   (c) the reference PyTorch turn (turn.py --device cuda) at the same shapes,
# and writes OUT/report.md and OUT/report.json, within KIT_BUDGET_S seconds (default 480).
# --tiny: a tiny shape and the kernels group (the kit's own test, on SwiftShader). Step
# limits scale with the budget: a kernel group 1/8 of it, a shape at most 1/4.
set -u

KIT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT=""
TINY=""
ICD="${KIT_ICD:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --tiny) TINY="--tiny" ;;
    --icd) ICD="${2:-}"; shift ;;
    --icd=*) ICD="${1#--icd=}" ;;
    -*) echo "run.sh: unknown option $1 (usage: bash run.sh OUT [--tiny] [--icd FILE.json])" >&2; exit 2 ;;
    *) OUT="$1" ;;
  esac
  shift
done
[ -n "$OUT" ] || { echo "usage: bash run.sh OUT [--tiny] [--icd FILE.json]" >&2; exit 2; }

START=$(date +%s)
BUDGET="${KIT_BUDGET_S:-480}"
say() { echo "[kit $(($(date +%s) - START))s] $*" >&2; }
die() { echo "run.sh: $*" >&2; exit 2; }

[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || die "this kit runs on Linux x86-64 only (this is $(uname -s)-$(uname -m))"
PY="$(command -v python3 || true)"
[ -n "$PY" ] || die "python3 was not found: the kit unpacks itself with python3 (and runs the PyTorch turn with it)"
mkdir -p "$OUT/steps" || die "cannot create $OUT"
OUT="$(cd "$OUT" && pwd)"
: > "$OUT/steps.tsv"

# ---- unpack (python3's tarfile and lzma: no xz needed) ----
WORK="${KIT_WORK:-$OUT/.kit}"
if [ "$(cat "$WORK/.unpacked" 2>/dev/null)" != "$(cat "$KIT/VERSION")" ]; then
  rm -rf "$WORK" && mkdir -p "$WORK" || die "cannot create $WORK"
  "$PY" - "$KIT/payload.tar.xz" "$WORK" <<'PY' || die "unpacking $KIT/payload.tar.xz failed (is the kit complete? python3 needs its lzma module)"
import sys, tarfile
with tarfile.open(sys.argv[1], "r:xz") as t:
    if hasattr(tarfile, "data_filter"):
        t.extractall(sys.argv[2], filter="data")
    else:
        t.extractall(sys.argv[2])
PY
  chmod +x "$WORK/bin/node"
  cp "$KIT/VERSION" "$WORK/.unpacked"
  say "unpacked into $WORK"
fi
NODE="$WORK/bin/node"
APP="$WORK/app"
if ! "$NODE" --version > /dev/null 2>&1; then
  # an older libstdc++ than Node's: the kit's own, from the machine that built it
  export LD_LIBRARY_PATH="$WORK/lib/fallback${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  "$NODE" --version > /dev/null 2>&1 || die "the kit's Node does not start here: $("$NODE" --version 2>&1 | head -1) (it needs glibc ≥ 2.28; dawn.node needs ≥ 2.34)"
fi

# ---- the Vulkan driver ----
ICD_DIRS="/usr/local/nvidia/share/vulkan/icd.d /etc/vulkan/icd.d /usr/share/vulkan/icd.d /usr/local/share/vulkan/icd.d /usr/local/etc/vulkan/icd.d"
find_icd() {
  local d f
  for d in $ICD_DIRS; do
    for f in "$d"/nvidia*.json; do [ -f "$f" ] && { echo "$f"; return; }; done
  done
  # The driver's libraries without their manifest (a container given the driver but not its icd.d):
  # NVIDIA's manifest names libGLX_nvidia.so.0, so one can be written for it.
  for d in /usr/local/nvidia/lib64 /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib; do
    if [ -e "$d/libGLX_nvidia.so.0" ]; then
      printf '{"file_format_version":"1.0.0","ICD":{"library_path":"%s","api_version":"1.3.0"}}\n' "$d/libGLX_nvidia.so.0" > "$OUT/nvidia_icd.json"
      echo "$OUT/nvidia_icd.json"
      return
    fi
  done
}
[ -n "$ICD" ] || ICD="$(find_icd)"
if [ -n "$ICD" ] && [ ! -f "$ICD" ]; then die "the Vulkan ICD manifest $ICD does not exist"; fi
if [ -n "$ICD" ]; then
  export VK_ICD_FILENAMES="$ICD"
  say "Vulkan driver: $ICD"
else
  say "no NVIDIA Vulkan driver found (no nvidia*.json in $ICD_DIRS, no libGLX_nvidia.so.0): steps (a) and (b) will say so; pass --icd FILE.json for another driver"
fi
export LD_LIBRARY_PATH="$WORK/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
{
  echo "kit: $(cat "$KIT/VERSION")"
  echo "host: $(uname -r), $(nproc) cores, $("$PY" -c 'import platform; print(platform.platform())' 2>/dev/null)"
  echo "Vulkan ICD: ${ICD:-none found}"
  command -v nvidia-smi > /dev/null && echo "nvidia-smi: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | head -1)"
  echo "NVIDIA_DRIVER_CAPABILITIES: ${NVIDIA_DRIVER_CAPABILITIES:-unset} (Vulkan in a container needs 'graphics' or 'all')"
} > "$OUT/kit-env.txt"

# ---- steps ----
# run_step NAME LIMIT_S CMD…: runs CMD with its output in OUT/steps/NAME.log, killed after LIMIT_S;
# appends NAME, status, limit, seconds and the last line to OUT/steps.tsv.
run_step() {
  local name="$1" limit="$2"
  shift 2
  if [ "$limit" -lt 5 ]; then
    printf '%s\tskipped\t%s\t0\tno time left in the kit budget\n' "$name" "$limit" >> "$OUT/steps.tsv"
    say "$name: skipped (budget spent)"
    return 1
  fi
  local t0 rc status last
  t0=$(date +%s)
  timeout -k 5 "$limit" "$@" > "$OUT/steps/$name.log" 2>&1
  rc=$?
  case $rc in
    0) status=ok ;;
    124 | 137) status="timed out" ;;
    *) status="exit $rc" ;;
  esac
  last="$(grep -v '^\s*$' "$OUT/steps/$name.log" | tail -1 | tr '\t' ' ' | cut -c1-300)"
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$status" "$limit" "$(($(date +%s) - t0))" "$last" >> "$OUT/steps.tsv"
  say "$name: $status ($(($(date +%s) - t0)) s)${last:+ — $last}"
  [ $rc -eq 0 ]
}
# limit DEFAULT PHASE_END: DEFAULT seconds, cut to what is left before PHASE_END (seconds from the start).
limit() {
  local left=$((START + $2 - $(date +%s)))
  [ "$1" -lt "$left" ] && echo "$1" || echo "$left"
}
# Phase ends, as fractions of the budget: (a) by 30 %, (b) by 75 %, (c) by 96 %, the report after.
END_A=$((BUDGET * 30 / 100))
END_B=$((BUDGET * 75 / 100))
END_C=$((BUDGET * 96 / 100))

CHECK=("$NODE" "$APP/check.mjs")

run_step plan "$(limit 60 "$END_A")" "${CHECK[@]}" plan "$OUT" $TINY || die "could not plan the steps: $(tail -1 "$OUT/steps/plan.log")"
GPU=yes
run_step adapter "$(limit 60 "$END_A")" "${CHECK[@]}" adapter "$OUT/adapter.json" || GPU=""
if [ -n "$GPU" ]; then
  for group in $(awk '$1 == "kernels" { print $2 }' "$OUT/plan.txt"); do
    run_step "kernels-$group" "$(limit $((BUDGET / 8)) "$END_A")" "${CHECK[@]}" kernels "$group" "$OUT/steps/kernels-$group.json" $TINY
  done
  awk '$1 == "turn" { print $2, $3 }' "$OUT/plan.txt" > "$OUT/shapes.txt"
  n=$(wc -l < "$OUT/shapes.txt")
  i=0
  while read -r shape layers; do
    # each shape gets an equal share of what is left of phase (b), up to a quarter of the budget
    share=$(((START + END_B - $(date +%s)) / (n - i)))
    [ "$share" -gt $((BUDGET / 4)) ] && share=$((BUDGET / 4))
    run_step "turn-$shape" "$share" "${CHECK[@]}" turn "$shape" "$OUT/steps/turn-$shape.json" $TINY
    i=$((i + 1))
  done < "$OUT/shapes.txt"
else
  say "no WebGPU adapter: $(tail -1 "$OUT/steps/adapter.log") — skipping steps (a) and (b)"
fi

# ---- (c) PyTorch ----
PEER_DEVICE="${KIT_PEER_DEVICE:-cuda}"
if run_step torch "$(limit 60 "$END_C")" "$PY" -c "
import sys
try:
    import torch
except Exception as e:
    sys.exit(f'python3 cannot import torch ({e.__class__.__name__}: {e}): install PyTorch with CUDA for step (c)')
d = '$PEER_DEVICE'
if d.startswith('cuda') and not torch.cuda.is_available():
    sys.exit(f'torch {torch.__version__} sees no CUDA device (is the NVIDIA driver loaded, CUDA_VISIBLE_DEVICES set?)')
print(f'torch {torch.__version__}, ' + (torch.cuda.get_device_name(0) if d.startswith('cuda') else 'cpu'))
"; then
  awk '$1 == "turn" { print $2, $3 }' "$OUT/plan.txt" > "$OUT/shapes.txt"
  n=$(wc -l < "$OUT/shapes.txt")
  i=0
  while read -r shape layers; do
    share=$(((START + END_C - $(date +%s)) / (n - i)))
    [ "$share" -gt $((BUDGET / 4)) ] && share=$((BUDGET / 4))
    # shellcheck disable=SC2046
    run_step "peer-$shape" "$share" "$PY" "$WORK/peer/turn.py" --device "$PEER_DEVICE" --model "$shape" --layers "$layers" \
      $(cat "$OUT/peer-args.txt") --editors stableedit,ultraedit --lengths "$OUT/peer-lengths.json" --out "$OUT/steps/peer-$shape.json"
    i=$((i + 1))
  done < "$OUT/shapes.txt"
fi

run_step report 60 "${CHECK[@]}" report "$OUT" || die "the report failed: $(tail -1 "$OUT/steps/report.log")"
say "done in $(($(date +%s) - START)) s: $OUT/report.md"
