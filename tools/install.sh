#!/bin/sh
# Install a lock into the project's venv, saying each step:  sh tools/install.sh LOCK
#
# The installer is uv: from PATH, or else brought in once with pip (hash-checked from
# tools/uv-installer.lock) into .uv/, a folder of its own: `uv pip sync` removes whatever
# the lock does not name, so uv must not live in the venv it syncs. uv installs the
# runtime lock in a few seconds; pip, the fallback when even fetching uv fails, takes
# a minute or more. Both check every package against the lock's hashes.
#
# Environment: VENV (default .venv), PYTHON (default python3; 3.11 or newer).
set -eu

lock=$1
venv=${VENV:-.venv}
python=${PYTHON:-python3}
uv_home=.uv

say() { printf '==> %s\n' "$*"; }
fail() {
	printf '==> error: %s\n' "$*" >&2
	exit 1
}
seconds_since() { echo "$(($(date +%s) - $1)) s"; }
# Run a command showing its progress (uv's downloads, counts and times) indented, less
# its line per package; its exit status.
progress() {
	status=$(mktemp)
	{
		"$@" 2>&1
		echo $? >"$status"
	} | sed -e '/^ *[-+~] /d' -e 's/^ */    /'
	code=$(cat "$status")
	rm -f "$status"
	return "$code"
}

[ -f "$lock" ] || fail "$lock not found (make lock writes it)"
command -v "$python" >/dev/null 2>&1 || fail "$python not found: install Python 3.11 or newer, or name one with PYTHON=…"
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
	fail "$("$python" -V 2>&1) is too old: CX Council needs Python 3.11 or newer (name one with PYTHON=python3.12)"
packages=$(grep -c '^[A-Za-z0-9]' "$lock")

# -- the installer -------------------------------------------------------------------
uv=""
if command -v uv >/dev/null 2>&1; then
	uv=uv
elif [ -x "$uv_home/bin/uv" ]; then
	uv=$uv_home/bin/uv
elif "$python" -m pip --version >/dev/null 2>&1; then
	say "no uv on PATH: fetching it with pip into $uv_home/ (once; about 2–10 s)"
	started=$(date +%s)
	log=$(mktemp)
	rm -rf "$uv_home"
	# --target installs beside the system's packages, never into them, so a Debian
	# "externally managed" Python (PEP 668) accepts it; pip's output is shown only on failure.
	if PIP_ROOT_USER_ACTION=ignore "$python" -m pip install --quiet --disable-pip-version-check \
		--require-hashes --no-deps --target "$uv_home" -r tools/uv-installer.lock >"$log" 2>&1 &&
		"$uv_home/bin/uv" --version >/dev/null 2>&1; then
		uv=$uv_home/bin/uv
		say "fetched $("$uv" --version) in $(seconds_since "$started")"
	else
		sed 's/^/    /' "$log" >&2
		rm -rf "$uv_home"
		say "could not fetch uv with pip (above); installing with pip instead (slower)"
	fi
	rm -f "$log"
else
	say "no uv on PATH and no pip for $python: installing with the venv's own pip"
fi

# -- the venv and the lock -----------------------------------------------------------
started=$(date +%s)
if [ -n "$uv" ]; then
	if [ ! -x "$venv/bin/python" ]; then
		say "creating $venv ($("$python" -V 2>&1))"
		"$uv" venv --quiet --python "$python" "$venv"
	fi
	say "installing $packages packages from $lock with $("$uv" --version | cut -d' ' -f1-2) …"
	progress "$uv" pip sync --python "$venv/bin/python" --require-hashes "$lock"
	say "installing cx-council itself (editable)"
	"$uv" pip install --quiet --python "$venv/bin/python" --no-deps -e .
else
	if [ ! -x "$venv/bin/pip" ]; then
		say "creating $venv ($("$python" -V 2>&1))"
		"$python" -m venv "$venv" ||
			fail "could not create $venv: on Debian/Ubuntu install python3-venv (apt-get install python3-venv), or install uv"
	fi
	say "installing $packages packages from $lock with pip (a minute or more; uv takes seconds) …"
	# pip's own lines (one per package) say what it is doing.
	"$venv/bin/pip" install --disable-pip-version-check --progress-bar off --require-hashes -r "$lock"
	say "installing cx-council itself (editable)"
	"$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps -e .
fi
say "installed in $(seconds_since "$started")"
