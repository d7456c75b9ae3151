#!/usr/bin/env bash
# Adds every public symbol the PublicApiAnalyzers report as undeclared (RS0016) to the project's
# PublicAPI.Unshipped.txt, and removes the ones reported as no longer existing (RS0017).
# Usage: tools/update-public-api.sh src/Mix.Invitations
set -euo pipefail
proj_dir=${1:?project directory}
csproj=$(ls "$proj_dir"/*.csproj)
log=$(mktemp)
dotnet build "$csproj" --no-incremental -p:TreatWarningsAsErrors=false 2>&1 > "$log" || true
file="$proj_dir/PublicAPI.Unshipped.txt"
grep -oP "warning RS0016: Symbol '\K.*(?=' is not part of the declared public API)" "$log" | sed "s/&apos;/'/g" >> "$file" || true
grep -oP "warning RS0017: Symbol '\K.*(?=' is part of the declared API, but is either not public or could not be found)" "$log" | sed "s/&apos;/'/g" | sort -u > "$log.removed" || true
{ echo '#nullable enable'; grep -v '^#nullable enable$' "$file" | grep -vxF -f "$log.removed" | sort -u; } > "$file.tmp" || true
mv "$file.tmp" "$file"
rm -f "$log" "$log.removed"
echo "updated $file ($(($(wc -l < "$file") - 1)) symbols)"
