#!/usr/bin/env bash
# Installs the Debian packages the app and its tests need, when they are missing and we may
# (root with apt-get). Elsewhere it only says what is missing.
#   runtime: WeasyPrint's Pango libraries and HarfBuzz subsetting (the PDF font ships in static/fonts)
#   --with-browser: Debian's chromium for the Playwright browser tests (never a downloaded browser)
#   --with-gettext: GNU gettext for the translation catalogue (makemessages, check_catalogue.py)
set -u
want="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
for option in "$@"; do
  case "$option" in
    --with-browser) want="$want chromium" ;;
    --with-gettext) want="$want gettext" ;;
    *) echo "install-system-deps.sh: unknown option $option" >&2; exit 2 ;;
  esac
done
missing=""
for pkg in $want; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian packages:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
  echo "Missing Debian packages:$missing (install them with: sudo apt-get install$missing)" >&2
fi
exit 0
