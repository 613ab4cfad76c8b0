#!/usr/bin/env bash
# The README's five-minute tour, piped into Plugboard's standard input: every command is sent
# as it would be typed at the prompt, and the file operations of the "second terminal" happen in
# between. Before each file operation the script waits until Plugboard has answered the commands
# sent so far, and after it until the watched folder has acted (its log line), so the tour does
# not depend on how fast the machine is. Run it from anywhere after the build:
#   bash docs/tour.sh [work-dir]
# It starts Plugboard in work-dir (default: a new temporary folder), so ./plugins starts fresh.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
# The end-to-end test passes the jars it built; a user gets the ones the build left in target/.
jar=${PLUGBOARD_JAR:-$repo/runtime/target/plugboard.jar}
v2=${GREETER_V2_JAR:-$(ls "$repo"/test-plugins/greeter-en-v2/target/greeter-en-v2-*.jar)}
work=${1:-$(mktemp -d)}
mkdir -p "$work" && cd "$work"
transcript=$work/transcript.txt
log=$work/data/plugboard.log
: > "$transcript"

# Sends one command and shows it on standard error, as the prompt would (the pause only keeps
# the transcript readable: correctness comes from the waits below).
send() { echo "g! $1" >&2; echo "$1"; sleep 0.2; }
# Waits (at most 60 s) until FILE holds TEXT at least N times.
await() {
  local file=$1 text=$2 count=${3:-1}
  for _ in $(seq 600); do
    if [ -f "$file" ] && [ "$(grep -cF -- "$text" "$file")" -ge "$count" ]; then return 0; fi
    sleep 0.1
  done
  echo "tour: no '$text' in $file within 60 s" >&2
  return 1
}
# How often FILE holds TEXT now.
count() { grep -cF -- "$2" "$1" 2>/dev/null || true; }
# Runs one shell command of the second terminal and shows it.
second_terminal() { echo "\$ $1" >&2; eval "$1"; }

{
  send 'plugin:list'
  send 'plugin:kv put color blue'
  send 'plugin:kv get color'
  send 'plugin:greet Bob'
  send 'plugin:use greeter greeter.zh'
  send 'plugin:greet Bob'
  await "$transcript" '你好，Bob！'
  second_terminal 'mv plugins/greeter-zh.jar .'
  await "$log" 'Uninstalled plugin io.plugboard.greeter-zh'
  send 'plugin:list'
  started=$(count "$log" 'Started plugin io.plugboard.greeter-zh')
  second_terminal 'mv greeter-zh.jar plugins/'
  await "$log" 'Started plugin io.plugboard.greeter-zh' $((started + 1))
  send 'plugin:greet Bob'
  await "$transcript" '你好，Bob！' 2
  second_terminal "cp '$v2' plugins/greeter-en.jar"
  await "$log" 'Updated plugin io.plugboard.greeter-en'
  send 'plugin:use greeter greeter.en'
  send 'plugin:greet Bob'
  send 'plugin:info greeter.en'
  send 'plugin:uninstall greeter.en'
  send 'plugin:list'
} | java -jar "$jar" | tee "$transcript"
