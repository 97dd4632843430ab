# Sourced by scripts/setup.sh and scripts/package.sh (not run on its own).
# need_packages PACKAGE...: installs, with apt, the Debian packages named that
# are not installed yet (sudo when not root); does nothing when all are.
need_packages() {
  local sudo="" missing=() p
  [ "$(id -u)" = 0 ] || sudo="sudo"
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null
  fi
}
