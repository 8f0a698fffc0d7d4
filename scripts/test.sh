#!/usr/bin/env bash
# The README's test command: install what the tests need on a fresh machine, then run them.
#
#   ./scripts/test.sh [PYTEST ARGS ...]      e.g.  ./scripts/test.sh -m "not slow"
#
# 1. Debian packages the tests drive for real, where missing: chromium (pages, through Playwright
#    on the system browser; no browser is ever downloaded), graphviz (DOT exports) and
#    virtuoso-opensource (a second triple store for mgraph push). Installed with apt-get as root,
#    or through `sudo -n`; otherwise the script says what to run and exits 3.
# 2. The project with its test extra into the Python that runs this script ($PYTHON, else python3:
#    the active virtual environment's when one is active).
# 3. The test suite on two workers; pytest's exit code is the script's (5, "no tests", becomes 0
#    only in .ci/run, which reports it).
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1 DEBIAN_FRONTEND=noninteractive
python="${PYTHON:-python3}"

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v dot >/dev/null 2>&1 || need+=(graphviz)
command -v virtuoso-t >/dev/null 2>&1 || need+=(virtuoso-opensource)
if [ "${#need[@]}" -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "scripts/test.sh: the tests need ${need[*]} (Debian package names) and this machine has" \
      "no apt-get: install them with your system's package manager, then run this again." >&2
    exit 3
  fi
  if [ "$(id -u)" -eq 0 ]; then
    sudo=()
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo=(sudo -n)
  else
    echo "scripts/test.sh: the tests need the Debian packages ${need[*]}, which are missing, and" \
      "this user can neither install them (not root) nor use sudo without a password. Run:" >&2
    echo "  sudo apt-get update && sudo apt-get install --no-install-recommends ${need[*]}" >&2
    exit 3
  fi
  echo "scripts/test.sh: installing Debian packages: ${need[*]}" >&2
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

"$python" -m pip install --quiet -e '.[test]'
# The Oxigraph server the endpoint and push tests start comes from the `oxigraph` pip package.
"$python" -c 'import shutil, sys, sysconfig, os
bindir = sysconfig.get_path("scripts")
sys.exit(0 if shutil.which("oxigraph", path=bindir + os.pathsep + os.environ.get("PATH", "")) else
         "scripts/test.sh: the oxigraph server binary is missing after installing .[test]")'

exec "$python" -m pytest -n 2 -q -p no:cacheprovider "$@"
