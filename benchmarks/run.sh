#!/usr/bin/env bash
# Runs the tophash benchmarks and regenerates the tables in benchmarks/RESULTS.md.
#
#   benchmarks/run.sh [quick|sizes|full] [extra JMH arguments...]
#
#   quick  1 fork, 1 s warm-up and 2 x 1 s measurement, a subset of parameters
#          (about 5 minutes per JDK on 2 cores): get/put/churn/iteration/computeIfAbsent and growing
#          puts at 100k String keys and whole small maps (1, 4, 16 String keys) for HashMap and
#          the TophashMap variants, hash flooding
#          (one shot per case), footprint and pauses of HashMap and TophashMap.
#   sizes  get-hit, get-miss, churn, iteration and growing puts at 16, 1k, 100k and 1M keys for
#          HashMap, TophashMap off and full, fastutil and Eclipse Collections (1 fork, 3 x 1 s
#          warm-up, 2 x 1 s measurement), and the footprint of all six maps: about 55 minutes per
#          JDK with the four key types. Its tables go to their own generated section of RESULTS.md.
#   full   every benchmark method, map type, key type and size: 1,002 JMH cases (1 fork, 3 x 1 s
#          warm-up, 3 x 1 s measurement, a heap per size group as for sizes), flooding 1 + 3 shots
#          per case, the footprint of all six maps and the pauses of five: 2 h 10 min on JDK 17
#          on 2 cores (RESULTS.md, twenty-first round).
#          KEYS and SIZES narrow it as for sizes. Its tables go to their own generated section.
#
# Environment:
#   BENCH_JAVA   space-separated java executables or JDK homes to run on, one after the other
#                (default: the java on PATH); results go to target/results/jdk<major>/
#   WITH_RUNTIME=1  build runtime-map from the working tree too (mvn -am, tests skipped);
#                by default runtime-map comes from the local Maven repository, so run
#                `mvn -B -ntp -pl runtime-map install -DskipTests` first to measure the latest map
#   NO_BUILD=1   use the existing target/benchmarks.jar instead of rebuilding it
#   NO_UPDATE=1  leave RESULTS.md alone (results still go to target/results/, or
#                target/results-sizes/ and target/results-full/ for sizes and full)
#   PARTS        which parts to run (default "jmh footprint pauses", for sizes "jmh footprint");
#                RESULTS.md is only updated when all of the mode's default parts ran
#   KEYS, SIZES  for sizes and full: the key types and sizes of MapBenchmark and GrowBenchmark
#                (default INT_SEQ,INT_SHUFFLED,STRING,POOR_HASH and 16,1000,100000,1000000)
#
# Before and after each JMH selection, MachineProbe times dependent loads at three working-set
# sizes; each JDK's results give the range, with a warning when it moved enough (more than 1.5x)
# to make the run's ratios suspect.
#
# Extra arguments go to JMH. A benchmark regex replaces the mode's selection, e.g.
# `run.sh full 'MapBenchmark.getHit' -p size=1000000`; JMH adds -p values to those the mode
# already sets rather than replacing them.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
mode="${1:-quick}"
[ $# -gt 0 ] && shift
case "$mode" in
  quick|sizes|full) ;;
  *) echo "usage: $0 [quick|sizes|full] [extra JMH arguments...]" >&2; exit 2 ;;
esac

# The sizes and full runs give each fork a heap sized for its maps (pre-touching costs about 5.6 s
# for 2 GB on this machine and 1.3 s for 512 MB): SIZES in three groups, 512 MB up to 10,000 keys,
# 1 GB up to 100,000, 2 GB above. Checked first, so that a mistyped SIZES fails before the build.
small="" medium="" large=""
IFS=, read -r -a size_list <<< "${SIZES:-16,1000,100000,1000000}"
for s in "${size_list[@]}"; do
  if ! [[ "$s" =~ ^[1-9][0-9]*$ ]]; then
    echo "run.sh: SIZES must list key counts separated by commas, such as 16,1000; got '${SIZES}'" >&2
    exit 2
  fi
  if [ "$s" -le 10000 ]; then small+="${small:+,}$s"
  elif [ "$s" -le 100000 ]; then medium+="${medium:+,}$s"
  else large+="${large:+,}$s"; fi
done

jar="$here/target/benchmarks.jar"
runtime_from="the local Maven repository (last \`mvn install\` of runtime-map)"
if [ "${NO_BUILD:-0}" != 1 ] || [ ! -f "$jar" ]; then
  if [ "${WITH_RUNTIME:-0}" = 1 ]; then
    echo "== building benchmarks.jar with runtime-map from the working tree (tests skipped)"
    (cd "$root" && mvn -B -ntp -q -pl benchmarks -am -DskipTests package)
    runtime_from="the working tree (built with -am)"
  else
    echo "== building benchmarks.jar (runtime-map from the local Maven repository)"
    (cd "$root" && mvn -B -ntp -q -pl benchmarks package)
  fi
else
  runtime_from="the existing target/benchmarks.jar (NO_BUILD=1, built $(date -u -r "$jar" '+%Y-%m-%d %H:%M UTC'))"
fi

# JMH selection and options per mode. A regex among the extra arguments replaces the selection.
extra=("$@")
has_regex=0
takes_value=0
for a in "${extra[@]+"${extra[@]}"}"; do
  if [ "$takes_value" = 1 ]; then
    takes_value=0
  elif [[ "$a" == -* ]]; then
    case "$a" in
      -p|-prof|-f|-wi|-i|-w|-r|-t|-bm|-tu|-jvmArgs|-jvmArgsAppend|-jvmArgsPrepend|-e|-rf|-rff|-o)
        takes_value=1 ;;
    esac
  else
    has_regex=1
  fi
done

# Each selection: a benchmark regex, then its own parameters and JMH options; heaps, where set,
# holds the heap options of the selection at the same index (the benchmarks' own are 2 GB).
heaps=()
# by_heap SELECTION OPTIONS adds SELECTION once per group of SIZES, with that group's heap.
by_heap() {
  local group heap sizes
  for group in "512m $small" "1g $medium" "2g $large"; do
    read -r heap sizes <<< "$group"
    [ -n "$sizes" ] || continue
    selections+=("$1 -p size=$sizes $2")
    heaps+=("-Xms$heap -Xmx$heap -XX:+AlwaysPreTouch")
  done
}
if [ "$mode" = quick ]; then
  short="-f 1 -wi 1 -i 2 -w 1s -r 1s"
  at100k="-p mapType=HASHMAP,TOPHASH_OFF,TOPHASH_SAMPLED,TOPHASH_FULL -p keyType=STRING -p size=100000 $short"
  # One selection per benchmark method, so that the machine probe runs every minute or two.
  selections=()
  for b in getHit getMiss putReplace removeReinsert iterateEntries computeIfAbsentHit; do
    selections+=("MapBenchmark.$b\$ $at100k")
  done
  selections+=(
    "GrowBenchmark.putGrow\$ $at100k"
    "GrowBenchmark.putPresized\$ $at100k"
    "SmallMapBenchmark -p mapType=HASHMAP,TOPHASH_OFF,TOPHASH_SAMPLED,TOPHASH_FULL -p keyType=STRING $short"
    # One single-shot invocation per case: a map without a flooding defence needs tens of
    # seconds for 50,000 colliding String keys.
    "FloodBenchmark -f 1 -bm ss -tu ms -wi 0 -i 1"
  )
  fp_args=(--types HASHMAP,TOPHASH_OFF)
  pause_args=(--warmup 2 --rounds 3 --types HASHMAP,TOPHASH_OFF,TOPHASH_FULL)
elif [ "$mode" = sizes ]; then
  # Three seconds of warm-up: HashMap's own lookups at 16 and 1,000 keys still take 13-15% less
  # time (up to 35% less) in a fork's fourth and fifth seconds than in its second and third,
  # on JDK 17 (RESULTS.md, eighteenth round).
  short="-f 1 -wi 3 -i 2 -w 1s -r 1s"
  matrix="-p mapType=HASHMAP,TOPHASH_OFF,TOPHASH_FULL,FASTUTIL,UNIFIED"
  matrix+=" -p keyType=${KEYS:-INT_SEQ,INT_SHUFFLED,STRING,POOR_HASH}"
  selections=()
  for b in MapBenchmark.getHit MapBenchmark.getMiss MapBenchmark.removeReinsert \
      MapBenchmark.iterateEntries GrowBenchmark.putGrow; do
    by_heap "$b\$ $matrix" "$short"
  done
  fp_args=()
  pause_args=()
else
  # The sizes run's settings (three seconds of warm-up, a heap per size group) with three
  # measured seconds, for every benchmark method and map type.
  long="-f 1 -wi 3 -i 3 -w 1s -r 1s"
  selections=()
  for b in MapBenchmark GrowBenchmark; do # (anchored: MapBenchmark is in SmallMapBenchmark too)
    by_heap "\.$b\. -p keyType=${KEYS:-INT_SEQ,INT_SHUFFLED,STRING,POOR_HASH}" "$long"
  done
  selections+=("SmallMapBenchmark $long")
  heaps+=("-Xms512m -Xmx512m -XX:+AlwaysPreTouch")
  selections+=("FloodBenchmark -f 1 -bm ss -tu ms -wi 1 -i 3")
  heaps+=("")
  fp_args=()
  pause_args=(--warmup 3 --rounds 5)
fi
if [ "$has_regex" = 1 ]; then
  if [ "$mode" = full ]; then selections=("$long"); else selections=("$short"); fi
  heaps=()
fi

all_parts="jmh footprint pauses"
tag="" # each mode but quick has its own generated section of RESULTS.md and results directory
if [ "$mode" = sizes ]; then
  all_parts="jmh footprint"
  tag=" sizes"
elif [ "$mode" = full ]; then
  tag=" full"
fi
parts="${PARTS:-$all_parts}"
results_dir="$here/target/results${tag:+-${tag# }}"
javas=(${BENCH_JAVA:-java})
commit="$(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo unknown);"
commit+=" runtime-map last changed in $(cd "$root" && git log -1 --format=%h -- runtime-map 2>/dev/null || echo unknown)"
if [ -n "$(cd "$root" && git status --porcelain -- runtime-map 2>/dev/null)" ]; then
  commit+=" (plus uncommitted changes)"
fi
start_all=$(date +%s)
for j in "${javas[@]}"; do
  java_exe="$j"
  if [ -d "$j" ]; then java_exe="$j/bin/java"; fi
  major="$("$java_exe" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java.specification.version = //p' | head -1)"
  label="jdk$major"
  out="$results_dir/$label"
  rm -rf "$out"
  mkdir -p "$out"
  jvm_extra=(-Djdk.attach.allowAttachSelf=true)
  if [ "$major" -ge 21 ]; then jvm_extra+=(-XX:+EnableDynamicAgentLoading); fi
  if [ "$major" -ge 23 ]; then jvm_extra+=(--sun-misc-unsafe-memory-access=allow); fi

  # The machine's speed at dependent loads, before and after each JMH selection: a shared machine
  # whose caches a neighbour competes for moves the maps' ratios (MachineProbe's javadoc).
  # A probe that fails is reported and skipped: it must not cost the run its benchmarks.
  probe() {
    "$java_exe" -cp "$jar" dev.tophash.bench.MachineProbe | tee -a "$out/probe.txt" | sed 's/^/   probe: /' \
      || echo "   probe: failed, the run goes on without it" >&2
  }

  t0=$(date +%s)
  n=0
  if [[ " $parts " == *" jmh "* ]]; then
    echo "== $label: JMH ($mode)"
    for sel in "${selections[@]}"; do
      n=$((n + 1))
      probe
      # shellcheck disable=SC2086
      heap_args=()
      if [ -n "${heaps[$((n - 1))]:-}" ]; then heap_args=(-jvmArgsAppend "${heaps[$((n - 1))]}"); fi
      "$java_exe" -jar "$jar" $sel "${heap_args[@]+"${heap_args[@]}"}" -prof gc \
        -rf json -rff "$out/jmh-$n.json" "${extra[@]+"${extra[@]}"}" 2>&1 | tee -a "$out/jmh.log" \
        | grep --line-buffered -E '^(# (Benchmark|Parameters):|Benchmark |[A-Za-z]+Benchmark\.[A-Za-z]+ )' || true
      if [ ! -s "$out/jmh-$n.json" ]; then
        echo "JMH run $n failed; see $out/jmh.log" >&2
        exit 1
      fi
    done
    probe
    # Merge the JSON arrays of the separate JMH runs into one.
    {
      echo "["
      first=1
      for f in "$out"/jmh-*.json; do
        # JMH writes "[" and "]" on lines of their own: keep what lies between them
        body="$(awk 'NF { l[++n] = $0 } END { for (i = 2; i < n; i++) print l[i] }' "$f")"
        if [ -n "$(echo "$body" | tr -d '[:space:]')" ]; then
          [ "$first" = 1 ] || echo ","
          echo "$body"
          first=0
        fi
      done
      echo "]"
    } > "$out/jmh.json"
    rm -f "$out"/jmh-*.json
    "$java_exe" -cp "$jar" dev.tophash.bench.JmhReport "$out/jmh.json" "$out/jmh.md"
  fi
  t1=$(date +%s)

  if [[ " $parts " == *" footprint "* ]]; then
    echo "== $label: footprint"
    "$java_exe" "${jvm_extra[@]}" -Xms4g -Xmx4g -cp "$jar" dev.tophash.bench.FootprintMain \
      "${fp_args[@]+"${fp_args[@]}"}" --out "$out/footprint.md" >"$out/footprint.log" 2>&1
  fi
  t2=$(date +%s)

  if [[ " $parts " == *" pauses "* ]]; then
    echo "== $label: pauses"
    "$java_exe" -Xms3g -Xmx3g -XX:+AlwaysPreTouch -cp "$jar" dev.tophash.bench.PauseMain \
      "${pause_args[@]}" --out "$out/pauses.md" >"$out/pauses.log" 2>&1
  fi
  t3=$(date +%s)

  {
    echo "- JDK: $("$java_exe" -version 2>&1 | head -1)"
    echo "  ($("$java_exe" -version 2>&1 | sed -n 2p))"
    echo "- Measured $(date -u '+%Y-%m-%d %H:%M UTC') at commit $commit; runtime-map taken from"
    echo "  $runtime_from"
    echo "- Durations: JMH $((t1 - t0)) s, footprint $((t2 - t1)) s, pauses $((t3 - t2)) s"
    if [ -s "$out/probe.txt" ]; then
      "$java_exe" -cp "$jar" dev.tophash.bench.MachineProbe --summarize "$out/probe.txt"
    fi
  } > "$out/jdk.md"
done
# The summary covers every JDK measured in this results directory, also by earlier invocations
# (each JDK's part names its own date and commit), so that JDKs can be measured one at a time.
labels=()
for d in "$results_dir"/jdk*/; do
  [ -f "$d/jdk.md" ] && labels+=("$(basename "$d")")
done
end_all=$(date +%s)

# Assemble the generated part of RESULTS.md.
summary="$results_dir/summary.md"
begin_marker="<!-- BEGIN GENERATED$tag by benchmarks/run.sh; do not edit by hand -->"
end_marker="<!-- END GENERATED$tag -->"
{
  echo "$begin_marker"
  echo
  echo "## Latest run: \`benchmarks/run.sh $mode${*:+ $*}\`"
  echo
  echo "- Written $(date -u '+%Y-%m-%d %H:%M UTC') by a run of $(( (end_all - start_all) / 60 )) min $(( (end_all - start_all) % 60 )) s" \
    "(each JDK below says when and at which commit it was measured)"
  echo "- Machine: $(nproc) cores (nproc), $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1),"
  echo "  $(free -g 2>/dev/null | awk '/^Mem:/ {print $2 " GiB"}') memory, shared with other work while measuring"
  for label in "${labels[@]}"; do
    r="$results_dir/$label"
    echo
    echo "### $label"
    echo
    cat "$r/jdk.md"
    echo
    echo "#### Throughput and allocation (JMH, \`-prof gc\`)"
    echo
    if [ -f "$r/jmh.md" ]; then sed 's/^#### /##### /' "$r/jmh.md"; else echo "(not run)"; echo; fi
    echo "#### Footprint: bytes per entry of the map's own structures (JOL)"
    echo
    if [ -f "$r/footprint.md" ]; then cat "$r/footprint.md"; else echo "(not run)"; fi
    if [ "$mode" != sizes ]; then
      echo
      echo "#### Pauses while growing to 1M entries"
      echo
      if [ -f "$r/pauses.md" ]; then cat "$r/pauses.md"; else echo "(not run)"; fi
    fi
  done
  echo
  echo "$end_marker"
} > "$summary"

results="$here/RESULTS.md"
ran_all=1
for p in $all_parts; do
  [[ " $parts " == *" $p "* ]] || ran_all=0
done
if [ "${NO_UPDATE:-0}" != 1 ] && [ "$ran_all" = 1 ]; then
  if [ -f "$results" ] && grep -qF "$begin_marker" "$results"; then
    awk -v f="$summary" -v b="$begin_marker" -v e="$end_marker" '
      $0 == b { while ((getline line < f) > 0) print line; skip = 1; next }
      $0 == e { skip = 0; next }
      !skip { print }
    ' "$results" > "$results.tmp" && mv "$results.tmp" "$results"
  else
    { echo; cat "$summary"; } >> "$results"
  fi
  echo "== updated $results"
fi
echo "== results in $results_dir/ (summary.md, <jdk>/jmh.json, jmh.md, footprint.md, pauses.md)"
echo "== total $((end_all - start_all)) s"
