#!/usr/bin/env bash
# The system programs the tests drive, installed with Debian's apt when missing: LibreOffice Calc
# and poppler (the annotated copy printed and its first page read, tests/test_plans.py; the
# Liberation fonts stand in for Times New Roman), and Chromium (the web desk's browser test,
# tests/test_web_browser.py; Playwright cannot download its own browsers here).
set -euo pipefail
need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc fonts-liberation2)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
[ -x "${DOTPHA_CHROMIUM:-/usr/bin/chromium}" ] || need+=(chromium fonts-dejavu-core)
[ ${#need[@]} -eq 0 ] && exit 0
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
if ! command -v apt-get >/dev/null 2>&1; then
  echo "The tests need: ${need[*]} (Debian package names); install them and run again." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
