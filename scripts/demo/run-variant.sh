# Sourced by measure.sh and baselines.sh: `variant NAME FLAGS…` runs one CLI run into $out/NAME with
# the caller's "${common[@]}" flags plus FLAGS, its stderr in $out/NAME.log, and prints its directory.
variant() {
  local name=$1
  shift
  rm -rf "${out:?}/$name"
  npx stableedit-lab run "${common[@]}" "$@" --out "$out/$name" > /dev/null 2> "$out/$name.log"
  echo "$out/$name"
}
