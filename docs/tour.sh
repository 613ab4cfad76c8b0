#!/usr/bin/env bash
# The README's five-minute tour, piped into Plugboard's standard input: every command is sent
# as it would be typed at the prompt, and the file operations of the "second terminal" happen in
# between, with a pause so the watched folder can react. Run it from anywhere after the build:
#   bash docs/tour.sh [work-dir]
# It starts Plugboard in work-dir (default: a new temporary folder), so ./plugins starts fresh.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
# The end-to-end test passes the jars it built; a user gets the ones the build left in target/.
jar=${PLUGBOARD_JAR:-$repo/runtime/target/plugboard.jar}
v2=${GREETER_V2_JAR:-$(ls "$repo"/test-plugins/greeter-en-v2/target/greeter-en-v2-*.jar)}
work=${1:-$(mktemp -d)}
mkdir -p "$work" && cd "$work"

# Sends one command and shows it on standard error, as the prompt would.
type_command() { echo "g! $1" >&2; echo "$1"; sleep 0.5; }
# Runs one shell command of the second terminal and shows it.
second_terminal() { echo "\$ $1" >&2; eval "$1"; sleep 1; }

{
  type_command 'plugin:list'
  type_command 'plugin:kv put color blue'
  type_command 'plugin:kv get color'
  type_command 'plugin:greet Bob'
  type_command 'plugin:use greeter greeter.zh'
  type_command 'plugin:greet Bob'
  second_terminal 'mv plugins/greeter-zh.jar .'
  type_command 'plugin:list'
  second_terminal 'mv greeter-zh.jar plugins/'
  type_command 'plugin:greet Bob'
  second_terminal "cp '$v2' plugins/greeter-en.jar"
  type_command 'plugin:use greeter greeter.en'
  type_command 'plugin:greet Bob'
  type_command 'plugin:info greeter.en'
  type_command 'plugin:uninstall greeter.en'
  type_command 'plugin:list'
} | java -jar "$jar"
