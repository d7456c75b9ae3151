#!/usr/bin/env bash
# Runs one fuzz target under libFuzzer (see fuzz/README.md).
#   fuzz/run.sh <token|invitation|uri> [seconds=300] [extra libFuzzer flags...]
# Needs: libfuzzer-dotnet on PATH or in $LIBFUZZER_DOTNET, and the sharpfuzz tool on PATH or in $SHARPFUZZ.
# New interesting inputs go into fuzz/corpus/<target>/; crashing and slow inputs into fuzz/findings/<target>/.
# FUZZ_TIMEOUT (seconds, default 1): an input that runs longer is a finding (libFuzzer writes it as timeout-…):
# every reader of untrusted input is linear, so a slow input is a bug (issue 14).
# FUZZ_MAX_LEN (bytes, default 16384): the XML readers' default size limit, where the quadratic inputs lived.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?target: token, invitation or uri}
seconds=${2:-300}
shift $(( $# >= 2 ? 2 : 1 ))
libfuzzer=${LIBFUZZER_DOTNET:-$(command -v libfuzzer-dotnet || true)}
sharpfuzz=${SHARPFUZZ:-$(command -v sharpfuzz || true)}
[ -x "$libfuzzer" ] || { echo "libfuzzer-dotnet not found: set LIBFUZZER_DOTNET (fuzz/README.md says how to build it)"; exit 2; }
[ -x "$sharpfuzz" ] || { echo "sharpfuzz not found: dotnet tool install --global SharpFuzz.CommandLine, or set SHARPFUZZ"; exit 2; }

out=${FUZZ_BIN:-artifacts/fuzz-bin}
if [ ! -f "$out/.instrumented" ]; then
  rm -rf "$out"
  dotnet publish fuzz/Mix.Invitations.Fuzz -c Release -o "$out" >/dev/null
  # Only the library under test is instrumented: coverage of the harness and the BCL would be noise.
  "$sharpfuzz" "$out/Mix.Invitations.dll"
  touch "$out/.instrumented"
fi

mkdir -p "fuzz/corpus/$target" "fuzz/findings/$target"
exec "$libfuzzer" --target_path="$out/Mix.Invitations.Fuzz" --target_arg="libfuzzer-$target" \
  -max_total_time="$seconds" -timeout="${FUZZ_TIMEOUT:-1}" -rss_limit_mb=4096 -max_len="${FUZZ_MAX_LEN:-16384}" -print_final_stats=1 \
  -dict="fuzz/dict/$target.dict" -artifact_prefix="fuzz/findings/$target/" "$@" "fuzz/corpus/$target"
