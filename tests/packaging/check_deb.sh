#!/usr/bin/env bash
# Builds the .deb with CPack from a build directory and checks it: the files and where they
# go, the control fields (dependencies from dpkg-shlibdeps), the conffile and maintainer
# scripts, the default configuration against the command line's variables, and the systemd
# unit with `systemd-analyze verify` where systemd-analyze exists.
#   tests/packaging/check_deb.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
source=$(cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "check_deb: FAIL: $*" >&2; exit 1; }

(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1) ||
  { cat "$work/cpack.log" >&2; fail "cpack failed"; }
deb=$(ls "$work"/out/rodeknop_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || fail "no rodeknop_*.deb made"
echo "check_deb: built $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB)"

# Contents.
dpkg-deb -c "$deb" >"$work/contents"
for path in ./usr/bin/rodeknop ./lib/systemd/system/rodeknop.service ./etc/rodeknop/rodeknop.env \
            ./lib/systemd/system/rodeknop-retention.service ./lib/systemd/system/rodeknop-retention.timer \
            ./usr/share/rodeknop/static/templates/ ./usr/share/rodeknop/static/css/rodeknop.css \
            ./usr/share/rodeknop/static/js/ ./usr/share/rodeknop/static/vendor/ ./usr/share/doc/rodeknop/README.md; do
  grep -q " $path" "$work/contents" || fail "the package lacks $path"
done
grep -q ' ./usr/bin/rodeknop$' "$work/contents" || fail "rodeknop is not in /usr/bin"
grep -E '^-rwxr-xr-x .* \./usr/bin/rodeknop$' "$work/contents" >/dev/null || fail "/usr/bin/rodeknop is not executable"
if grep -E ' \./(usr/local|home|root|tmp|work)/' "$work/contents"; then fail "files outside the Debian layout"; fi
if grep -E '\.(db|db-wal|db-shm)$' "$work/contents"; then fail "a database file in the package"; fi

# Control fields.
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = rodeknop ] || fail "Package is $(field Package)"
[ -n "$(field Version)" ] || fail "no Version"
[ "$(field Architecture)" = "$(dpkg --print-architecture)" ] || fail "Architecture is $(field Architecture)"
[ -n "$(field Maintainer)" ] || fail "no Maintainer"
[ -n "$(field Description)" ] || fail "no Description"
depends=$(field Depends)
echo "check_deb: Depends: $depends"
for lib in libc6 libstdc++6 libsqlite3-0 libsodium23; do
  [[ "$depends" == *"$lib"* ]] || fail "Depends lacks $lib (dpkg-shlibdeps)"
done

# Conffile and maintainer scripts.
dpkg-deb -e "$deb" "$work/control"
grep -qx /etc/rodeknop/rodeknop.env "$work/control/conffiles" || fail "/etc/rodeknop/rodeknop.env is not a conffile"
for script in postinst prerm postrm; do
  [ -x "$work/control/$script" ] || fail "no executable $script"
  sh -n "$work/control/$script" || fail "$script is not valid sh"
done

# The default configuration names every RODEKNOP_* variable of the command line.
dpkg-deb -x "$deb" "$work/root"
env_file="$work/root/etc/rodeknop/rodeknop.env"
for var in $(grep -ho 'envname("RODEKNOP_[A-Z_]*")' "$source"/src/cli/*.cpp | grep -o 'RODEKNOP_[A-Z_]*' | sort -u); do
  grep -Eq "^#?$var=" "$env_file" || fail "rodeknop.env does not document $var"
done
# Every line is a comment, empty, or VARIABLE=value.
if grep -Ev '^(#.*|[A-Z_]+=[^ ].*|)$' "$env_file"; then fail "rodeknop.env has lines systemd cannot read"; fi
"$work/root/usr/bin/rodeknop" --version >/dev/null || fail "the packaged binary does not run"

# The unit.
unit="$work/root/lib/systemd/system/rodeknop.service"
for setting in 'DynamicUser=yes' 'StateDirectory=rodeknop' 'ProtectSystem=strict' 'ProtectHome=yes' 'PrivateTmp=yes' \
               'NoNewPrivileges=yes' 'CapabilityBoundingSet=' 'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX' \
               'SystemCallFilter=@system-service' 'EnvironmentFile=/etc/rodeknop/rodeknop.env' \
               'ExecStart=/usr/bin/rodeknop serve' 'KillSignal=SIGTERM'; do
  grep -qx "$setting" "$unit" || fail "the unit lacks $setting"
done
grep -q '^MemoryMax=' "$unit" || fail "the unit lacks MemoryMax"
grep -q '^TimeoutStopSec=' "$unit" || fail "the unit lacks TimeoutStopSec"
if command -v systemd-analyze >/dev/null 2>&1; then
  # Verified with the packaged binary in place of /usr/bin/rodeknop (verify checks that it
  # exists). Warnings (an unknown setting, a misspelt system call group) fail the check too.
  sed "s|^ExecStart=/usr/bin/rodeknop|ExecStart=$work/root/usr/bin/rodeknop|" "$unit" >"$work/rodeknop.service"
  if ! systemd-analyze verify "$work/rodeknop.service" >"$work/verify.log" 2>&1 || [ -s "$work/verify.log" ]; then
    cat "$work/verify.log" >&2
    fail "systemd-analyze verify"
  fi
  # The retention job and its timer (verified together: a timer needs its service beside it).
  for u in rodeknop-retention.service rodeknop-retention.timer; do
    sed "s|^ExecStart=/usr/bin/rodeknop|ExecStart=$work/root/usr/bin/rodeknop|" "$work/root/lib/systemd/system/$u" >"$work/$u"
  done
  if ! systemd-analyze verify "$work/rodeknop-retention.service" "$work/rodeknop-retention.timer" >"$work/verify.log" 2>&1 ||
     [ -s "$work/verify.log" ]; then
    cat "$work/verify.log" >&2
    fail "systemd-analyze verify (retention)"
  fi
  echo "check_deb: systemd-analyze verify: ok"
  if systemd-analyze security --offline=yes "$work/rodeknop.service" >"$work/security.log" 2>&1; then
    exposure=$(sed -n 's/.*Overall exposure level for rodeknop.service: \([0-9.]*\).*/\1/p' "$work/security.log")
    echo "check_deb: systemd-analyze security: exposure ${exposure:-?} (0 = locked down, 10 = none)"
    [ -n "$exposure" ] && awk -v e="$exposure" 'BEGIN { exit !(e <= 2.0) }' || fail "exposure above 2.0"
  fi
else
  echo "check_deb: systemd-analyze is not installed: the unit was checked by its settings only"
fi
echo "check_deb: ok"
