#!/usr/bin/env bash
# Checks that every C++ file git knows of (tracked, or new and not ignored) is formatted as the
# repository's .clang-format says, with Debian 12's clang-format 14. Generated code (protobuf,
# embedded migrations) lives in the build tree, which git ignores, so it is never checked.
#   check-format.sh          list the files that are not formatted and fail
#   check-format.sh --fix    format them in place
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"

fix=0
case "${1:-}" in
  "") ;;
  --fix) fix=1 ;;
  *) echo "usage: $0 [--fix]" >&2; exit 2 ;;
esac

clang_format=${CLANG_FORMAT:-}
if [ -z "$clang_format" ]; then
  for candidate in clang-format-14 clang-format; do
    if command -v "$candidate" >/dev/null 2>&1; then clang_format=$candidate; break; fi
  done
fi
if [ -z "$clang_format" ]; then
  echo "check-format: clang-format not found; deploy/local/install-deps.sh installs it" >&2
  exit 1
fi
# Another major version formats some constructs differently; say so rather than blame the code.
if ! "$clang_format" --version | grep -q ' 14\.'; then
  echo "check-format: warning: $("$clang_format" --version) is not clang-format 14, which CI uses" >&2
fi

files=()
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  while IFS= read -r -d '' file; do
    [ -f "$file" ] && files+=("$file")
  done < <(git ls-files -z --cached --others --exclude-standard -- \
             '*.cpp' '*.hpp' '*.cc' '*.h' | sort -zu)
else
  while IFS= read -r -d '' file; do
    files+=("$file")
  done < <(find cmake libs services tests loadtests -type f \
             \( -name '*.cpp' -o -name '*.hpp' -o -name '*.cc' -o -name '*.h' \) -print0 | sort -z)
fi

unformatted=()
for file in "${files[@]}"; do
  if ! "$clang_format" --style=file "$file" | cmp -s - "$file"; then
    unformatted+=("$file")
  fi
done

if [ ${#unformatted[@]} -eq 0 ]; then
  echo "check-format: ${#files[@]} C++ files are formatted"
  exit 0
fi
if [ "$fix" = 1 ]; then
  "$clang_format" --style=file -i "${unformatted[@]}"
  printf 'check-format: formatted %s\n' "${unformatted[@]}"
  exit 0
fi
echo "check-format: ${#unformatted[@]} of ${#files[@]} C++ files are not formatted:" >&2
printf '  %s\n' "${unformatted[@]}" >&2
echo "Fix them with:  deploy/local/check-format.sh --fix" >&2
echo "           or:  $clang_format -i ${unformatted[*]}" >&2
exit 1
