#!/usr/bin/env bash
# Third round of start-up levers (issue 13): the sample's own java command line (as the ./jbang wrapper
# keeps it) run bare, one variant per archive choice, all variants interleaved in the same rounds with
# the Node.js program. Prints per-variant medians and the median of per-round ratios to a reference.
#
#   bench/levers/round3.sh ENDPOINT_URL ALIAS SAME_DEPS_ALIAS ROUNDS [JDK17_HOME JDK25_HOME]
#   e.g. bench/levers/round3.sh http://127.0.0.1:4242 converse-haiku converse-sonnet-4-5 9
#
# Linux and bash 4 (GNU time, mapfile). Needs a running endpoint (./jbang local-bedrock --port 4242) and node_modules in bench/node (npm ci,
# or one ./jbang benchmark run). Set SKIP_PREPARE=1 to reuse the archives of an earlier run.
set -u
url="$1" alias="$2" other="$3" rounds="$4"
j17="${5:-/usr/lib/jvm/java-17-openjdk-amd64}" j25="${6:-/usr/lib/jvm/temurin-25-jdk-amd64}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="${LEVER_DIR:-/tmp/lev-round3}/$alias"
mkdir -p "$work"
export AWS_ENDPOINT_URL="$url" AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 LC_ALL=C.UTF-8 \
       AWS_CONFIG_FILE=/nonexistent AWS_SHARED_CREDENTIALS_FILE=/nonexistent JBANG_WRAPPER_NO_PATH=1

# line JDK ALIAS: the wrapper's cached line for ALIAS on JDK (options, class path with the script's jar
# last, main class), from a cache directory of its own
line() {
  local cache="$work/cache-${1##*/}" f
  JAVA_HOME="$1" JBANG_WRAPPER_CACHE_DIR="$cache" "$root/jbang" "$2" >/dev/null 2>&1
  f=$(ls -t "$cache/launch/$2"-*.cmd | head -1)
  sed -n '6,$p' "$f" | grep -v -e '^-XX:SharedArchiveFile=' -e '^-XX:DumpLoadedClassList='
}

# prepare JDK NAME: opts/cp/main of ALIAS (script jar last) and of OTHER, class lists and archives
prepare() {
  local jdk="$1" n="$2" java="$1/bin/java"
  mapfile -t a < <(line "$jdk" "$alias"); mapfile -t b < <(line "$jdk" "$other")
  local cpi; for ((cpi = 0; cpi < ${#a[@]}; cpi++)); do [ "${a[cpi]}" = -classpath ] && break; done
  printf '%s\n' "${a[@]:0:cpi}" > "$work/$n.opts"
  echo "${a[cpi+1]}" > "$work/$n.cp"; echo "${a[cpi+2]}" > "$work/$n.main"
  echo "${b[cpi+1]}" > "$work/$n.othercp"; echo "${b[cpi+2]}" > "$work/$n.othermain"
  local deps="${a[cpi+1]%:*}" jar="${a[cpi+1]##*:}"
  mapfile -t o < "$work/$n.opts"
  "$java" "${o[@]}" -XX:DumpLoadedClassList="$work/$n.own.classlist" -cp "${a[cpi+1]}" "${a[cpi+2]}" >/dev/null 2>&1
  "$java" "${o[@]}" -XX:DumpLoadedClassList="$work/$n.other.classlist" -cp "${b[cpi+1]}" "${b[cpi+2]}" >/dev/null 2>&1
  # per alias, as round 2: the script's jar first, archive dumped with the whole class path
  "$java" -Xshare:dump -XX:SharedClassListFile="$work/$n.own.classlist" -XX:SharedArchiveFile="$work/$n.peralias.jsa" \
    -cp "$jar:$deps" -Xlog:all=off
  # shared: dumped with the dependencies only, from the OTHER alias's class list
  "$java" -Xshare:dump "${o[@]}" -XX:SharedClassListFile="$work/$n.other.classlist" -XX:SharedArchiveFile="$work/$n.shared.jsa" \
    -cp "$deps" -Xlog:all=off
  if [ "$n" = j25 ]; then
    "$java" -Xshare:dump -XX:+AOTClassLinking "${o[@]}" -XX:SharedClassListFile="$work/$n.other.classlist" \
      -XX:SharedArchiveFile="$work/$n.shared.aot" -cp "$deps" -Xlog:all=off
    "$java" "${o[@]}" -Xlog:aot=off -XX:AOTMode=record -XX:AOTConfiguration="$work/$n.aotconf" -cp "${a[cpi+1]}" "${a[cpi+2]}" >/dev/null 2>&1
    "$java" "${o[@]}" -XX:AOTMode=create -XX:AOTConfiguration="$work/$n.aotconf" -XX:AOTCache="$work/$n.own.aot" \
      -cp "${a[cpi+1]}" -Xlog:all=off
  fi
}
if [ -z "${SKIP_PREPARE:-}" ]; then prepare "$j17" j17; prepare "$j25" j25; fi

# timed COMMAND...: runs COMMAND under /usr/bin/time and prints "wall cpu"; fails when COMMAND fails
timed() {
  /usr/bin/time -o "$work/time" -f "%e %U %S" "$@" >/dev/null 2>&1 || return 1
  awk '{printf "%.3f %.3f", $1, $2 + $3}' "$work/time"
}

# run NAME JDK-NAME [--jar-first] ARCHIVE-OPTIONS...: one timed run of ALIAS; prints "wall cpu"
run() {
  local n="$2" java cp; java="$([ "$n" = j25 ] && echo "$j25" || echo "$j17")/bin/java"
  mapfile -t o < "$work/$n.opts"; shift 2
  cp="$(cat "$work/$n.cp")"
  if [ "${1:-}" = --jar-first ]; then cp="${cp##*:}:${cp%:*}"; shift; fi
  timed "$java" "${o[@]}" "$@" -cp "$cp" "$(cat "$work/$n.main")"
}
node_script=converse.mjs; [[ $alias == *stream* ]] && node_script=converse-stream.mjs
variants="node 17-none 17-peralias 17-shared 25-none 25-given-17 25-static-shared 25-aot-shared 25-aot-own"
: > "$work/results.txt"
for ((r = 0; r < rounds; r++)); do
  for v in $variants; do
    case $v in
      node) t=$(timed node "$root/bench/node/$node_script") ;;
      17-none) t=$(run "$v" j17) ;;
      17-peralias) t=$(run "$v" j17 --jar-first -XX:SharedArchiveFile="$work/j17.peralias.jsa") ;;
      17-shared) t=$(run "$v" j17 -XX:SharedArchiveFile="$work/j17.shared.jsa") ;;
      25-none) t=$(run "$v" j25) ;;
      25-given-17) t=$(run "$v" j25 -XX:SharedArchiveFile="$work/j17.shared.jsa") ;;
      25-static-shared) t=$(run "$v" j25 -XX:SharedArchiveFile="$work/j25.shared.jsa") ;;
      25-aot-shared) t=$(run "$v" j25 -Xlog:aot=off -XX:AOTCache="$work/j25.shared.aot") ;;
      25-aot-own) t=$(run "$v" j25 -Xlog:aot=off -XX:AOTCache="$work/j25.own.aot") ;;
    esac || { echo "round3.sh: $v failed in round $((r + 1)) (a failed run is not timed)" >&2; exit 1; }
    echo "$r $v $t" >> "$work/results.txt"
  done
  echo "round $((r + 1))/$rounds done" >&2
done

# medians, and medians of per-round ratios to 17-shared (the wrapper on Java 17) and to node
python3 - "$work/results.txt" "$variants" <<'EOF'
import sys, statistics as st
rows = [l.split() for l in open(sys.argv[1]) if len(l.split()) == 4]
variants = sys.argv[2].split()
by = {}
for r, v, w, c in rows: by.setdefault(v, {})[int(r)] = (float(w), float(c))
def ratio(v, ref, i):
    return st.median([by[v][r][i] / by[ref][r][i] for r in by[v] if r in by[ref] and by[ref][r][i] > 0])
print("| variant | wall | CPU | wall / 17-shared | CPU / 17-shared | wall / Node | CPU / Node |")
print("|---|---:|---:|---:|---:|---:|---:|")
for v in variants:
    w = st.median(x[0] for x in by[v].values()); c = st.median(x[1] for x in by[v].values())
    print(f"| {v} | {w:.2f} s | {c:.2f} s | {ratio(v, '17-shared', 0):.2f}x | {ratio(v, '17-shared', 1):.2f}x | {ratio(v, 'node', 0):.2f}x | {ratio(v, 'node', 1):.2f}x |")
EOF
