#!/usr/bin/env bash
# The newcomer's first command: builds tophash, runs the bundled demo application with the agent,
# and shows where the report went and how it starts.
#
#   ./demo.sh                 build (tests skipped) and run the demo
#   ./demo.sh --no-build      run the demo with what is already built
#   REPORT=dir ./demo.sh      write the report to dir (default: target/demo-report)
set -euo pipefail
cd "$(dirname "$0")"

build=1
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "demo.sh: unknown argument $arg (try --help)" >&2; exit 2 ;;
  esac
done

agent_jar=agent/target/tophash-agent.jar
demo_classes=integration-tests/target/classes
report_dir=${REPORT:-target/demo-report}

if [ "$build" = 1 ]; then
  echo "==> building tophash (mvn -B -ntp -DskipTests install; the first build downloads dependencies)"
  mvn -B -ntp -q -Dstyle.color=never -DskipTests install
fi
for f in "$agent_jar" "$demo_classes/dev/tophash/it/apps/DemoApp.class"; do
  if [ ! -e "$f" ]; then
    echo "demo.sh: $f is missing; run ./demo.sh without --no-build" >&2
    exit 1
  fi
done

rm -rf "$report_dir"
mkdir -p "$(dirname "$report_dir")"
report_abs="$(cd "$(dirname "$report_dir")" && pwd)/$(basename "$report_dir")"

echo "==> java -javaagent:$agent_jar=report=$report_dir,interval=1s -cp $demo_classes dev.tophash.it.apps.DemoApp"
start=$(date +%s%N)
java "-javaagent:$agent_jar=report=$report_abs,interval=1s,hgrm=on" -cp "$demo_classes" dev.tophash.it.apps.DemoApp
end=$(date +%s%N)
echo "==> the demo ran in $(( (end - start) / 1000000 )) ms"

if [ ! -f "$report_abs/summary.txt" ]; then
  echo "demo.sh: no report was written to $report_abs (see the agent's message above)" >&2
  exit 1
fi
echo
echo "Report written to $report_abs"
echo "  summary  $report_abs/summary.txt"
echo "  page     $report_abs/report.html   (open it in a browser; it works offline)"
echo "  data     $report_abs/report.json, $report_abs/hgrm/, $report_abs/intervals.hlog"
echo
echo "==> summary.txt: the run and the sites ranked by cost"
sed -n '/^#1 /q;p' "$report_abs/summary.txt" | head -n 40
echo "==> summary.txt: the advice, site by site"
awk '/^#[0-9]+ /{site=$2; shown=0; adv=0; next}
     /^   - /{if (!shown) {print "  " site; shown=1}; sub(/^   /, "    "); print; adv=1; next}
     /^     [^ ]/{if (adv) {sub(/^     /, "      "); print}; next}
     {adv=0}' "$report_abs/summary.txt" | head -n 60
echo "  (full text: $report_abs/summary.txt)"
echo
echo "Compare with HashMap's own algorithm (the A arm of an A/B):"
echo "  java -javaagent:$agent_jar=report=target/demo-hashmap,impl=hashmap -cp $demo_classes dev.tophash.it.apps.DemoApp"
echo "  java -jar $agent_jar compare target/demo-hashmap/report.json $report_dir/report.json"
