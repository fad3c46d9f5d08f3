#!/usr/bin/env bash
# bench/verify.sh: verification and signing speed, ours against the Python
# reference (in-toto 3.1.0), on the same files. Not run by CI.
#
#   bench/verify.sh                 # chains of 1k, 10k and 100k artifacts per step
#   bench/verify.sh 1000 20000      # other sizes
#   RUNS=3 bench/verify.sh          # fewer timed runs
#
# What it does:
#  1. Builds our release binary (`cargo build --release -p intoto-cli`; set
#     CARGO_TARGET_DIR as usual) and links it as in-toto-verify and
#     in-toto-sign in $BENCH_DIR/bin.
#  2. For each size N, once (cached in $BENCH_DIR/chain-N; FORCE=1 redoes
#     it): writes a three-step chain with bench/gen-chain.py (clone creates N
#     files `src/...`; build, threshold 2, matches them and creates N
#     `build/*.o` plus `build/BUILD-INFO`; package matches those and creates
#     `dist/app.tar.gz`; rules MATCH, CREATE, ALLOW and DISALLOW *; no
#     inspections, so no artifact exists on disk). Ed25519 keys, the layout
#     (from TOML, `in-toto layout create`) and the four link signatures are
#     made with our tools.
#  3. Times `in-toto-verify -l root.layout --verification-keys owner.pub`
#     with ours and the reference's in the chain's directory: one untimed
#     warm-up each, then RUNS runs each, alternating, and reports the median
#     wall time and the median peak RSS (GNU time's %M). Every run must exit
#     0; at the smallest size a tampered link must make both exit 1.
#  4. Times `in-toto-sign -f build.link -k bob -o OUT` of a link of
#     2*SIGN_N+1 artifacts (default 40,001) the same way.
#  5. Prints Markdown tables (README "Performance") and checks the targets:
#     ours grows at most 12x from 10k to 100k, is at least 8x faster than the
#     reference at 100k with a lower peak RSS, and signs in at most an eighth
#     of the reference's time. Exit status 1 if a run failed or a target was
#     missed.
#
# Environment: RUNS (default 5), BENCH_DIR (default /dev/shm/intoto-bench-verify,
# tmpfs: this machine's ext4 and page-cache reclaim make timings erratic),
# REF_BIN (the reference's bin directory; default: that of
# $INTOTO_ORACLE_PYTHON, else .oracle-venv/bin, made by scripts/oracle-venv),
# SIGN_N (default 20000), FORCE=1 (regenerate the data).
# Needs bash, python3 (standard library), cargo, and GNU time
# (`apt-get install -y time`).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 100000)
RUNS="${RUNS:-5}"
SIGN_N="${SIGN_N:-20000}"
if [ -z "${BENCH_DIR:-}" ]; then
    if [ -d /dev/shm ]; then BENCH_DIR=/dev/shm/intoto-bench-verify; else BENCH_DIR=/tmp/intoto-bench-verify; fi
fi
if [ -z "${REF_BIN:-}" ]; then
    if [ -n "${INTOTO_ORACLE_PYTHON:-}" ]; then
        REF_BIN="$(dirname "$INTOTO_ORACLE_PYTHON")"
    else
        "$repo/scripts/oracle-venv"
        REF_BIN="$repo/.oracle-venv/bin"
    fi
fi
[ -x "$REF_BIN/in-toto-verify" ] || { echo "no reference in-toto-verify in $REF_BIN (set REF_BIN)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "GNU time is missing: apt-get install -y time" >&2; exit 1; }

echo "== building our release binary" >&2
(cd "$repo" && cargo build --release --quiet -p intoto-cli)
target="${CARGO_TARGET_DIR:-$repo/target}"
case "$target" in /*) ;; *) target="$repo/$target" ;; esac
bin="$BENCH_DIR/bin"
mkdir -p "$bin"
cp -f "$target/release/in-toto" "$bin/in-toto"
for tool in in-toto-verify in-toto-sign; do ln -sf in-toto "$bin/$tool"; done
ours="$bin/in-toto"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

keys="$BENCH_DIR/keys"
if [ ! -f "$keys/done" ]; then
    mkdir -p "$keys"
    for k in owner alice bob carl dave; do
        rm -f "$keys/$k" "$keys/$k.pub"
        "$ours" key generate --type ed25519 -o "$keys/$k" >/dev/null
    done
    touch "$keys/done"
fi

# make_chain N: the signed layout and links in $BENCH_DIR/chain-N.
make_chain() {
    local n=$1 dir="$BENCH_DIR/chain-$1"
    [ -z "${FORCE:-}" ] && [ -f "$dir/done" ] && return 0
    echo "== generating the chain with $n artifacts per step" >&2
    rm -rf "$dir"
    mkdir -p "$dir/gen"
    cp "$keys"/*.pub "$dir/gen/"
    cp "$keys/owner.pub" "$dir/"
    python3 "$repo/bench/gen-chain.py" chain "$dir/gen" "$n"
    # (Its lint warns that nothing MATCHes the package's products: expected here.)
    if ! "$ours" layout create "$dir/gen/layout.toml" --signing-key "$keys/owner" -o "$dir/root.layout" >/dev/null 2>"$tmp/err"; then
        cat "$tmp/err" >&2
        exit 1
    fi
    (
        cd "$dir"
        "$ours" sign -f gen/clone.unsigned-link -k "$keys/alice"
        "$ours" sign -f gen/build.unsigned-link -k "$keys/bob"
        "$ours" sign -f gen/build.unsigned-link -k "$keys/carl"
        "$ours" sign -f gen/package.unsigned-link -k "$keys/dave"
    ) >/dev/null
    rm -rf "$dir/gen"
    touch "$dir/done"
}

# measure DIR CMD...: runs CMD in DIR and prints "<seconds> <peak RSS KiB> <exit code>".
measure() {
    local dir=$1 t0 t1 rc=0
    shift
    t0=$(date +%s%N)
    (cd "$dir" && /usr/bin/time -f %M -o "$tmp/rss" "$@" >"$tmp/out" 2>&1) || rc=$?
    t1=$(date +%s%N)
    printf '%s %s %s\n' "$(awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.4f", ns / 1e9 }')" "$(tail -n 1 "$tmp/rss")" "$rc"
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.4f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

failed=0
# bench NAME DIR EXPECTED_RC OURS_CMD... -- REF_CMD...: RUNS alternating timed
# runs after one warm-up each; sets $ours_t $ref_t (median s) $ours_m $ref_m (median MiB).
bench() {
    local name=$1 dir=$2 want=$3 i which
    shift 3
    local -a a=() b=()
    while [ "$1" != "--" ]; do a+=("$1"); shift; done
    shift
    b=("$@")
    : >"$tmp/ours.tsv"
    : >"$tmp/ref.tsv"
    for ((i = 0; i <= RUNS; i++)); do
        for which in ours ref; do
            local line rc
            if [ $which = ours ]; then line=$(measure "$dir" "${a[@]}"); else line=$(measure "$dir" "${b[@]}"); fi
            rc=${line##* }
            if [ "$rc" != "$want" ]; then
                echo "!! $name: $which exited $rc, expected $want:" >&2
                tail -n 5 "$tmp/out" >&2
                failed=1
            fi
            [ "$i" -gt 0 ] && echo "$line" >>"$tmp/$which.tsv"
        done
    done
    ours_t=$(cut -d' ' -f1 "$tmp/ours.tsv" | median)
    ref_t=$(cut -d' ' -f1 "$tmp/ref.tsv" | median)
    ours_m=$(cut -d' ' -f2 "$tmp/ours.tsv" | median | awk '{ printf "%.0f", $1 / 1024 }')
    ref_m=$(cut -d' ' -f2 "$tmp/ref.tsv" | median | awk '{ printf "%.0f", $1 / 1024 }')
    echo "   $name: ours ${ours_t}s ${ours_m}MiB, reference ${ref_t}s ${ref_m}MiB" >&2
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }

declare -A T_OURS T_REF M_OURS M_REF
verify_rows=""
for n in "${sizes[@]}"; do
    make_chain "$n"
    dir="$BENCH_DIR/chain-$n"
    echo "== in-toto-verify, $n artifacts per step ($RUNS runs)" >&2
    bench "verify-$n" "$dir" 0 \
        "$bin/in-toto-verify" -l root.layout --verification-keys owner.pub -- \
        "$REF_BIN/in-toto-verify" -l root.layout --verification-keys owner.pub
    T_OURS[$n]=$ours_t
    T_REF[$n]=$ref_t
    M_OURS[$n]=$ours_m
    M_REF[$n]=$ref_m
    verify_rows+="| $n | $ours_t | $ref_t | $(ratio "$ref_t" "$ours_t")x | $ours_m | $ref_m |"$'\n'
done

# A tampered chain must fail with both (the timings are of real verification).
n="${sizes[0]}"
tampered="$BENCH_DIR/tampered-$n"
rm -rf "$tampered"
cp -r "$BENCH_DIR/chain-$n" "$tampered"
link=$(ls "$tampered"/package.*.link)
python3 - "$link" <<'EOF'
import json, sys
path = sys.argv[1]
doc = json.load(open(path))
first = sorted(doc["signed"]["materials"])[0]
doc["signed"]["materials"][first]["sha256"] = "0" * 64
json.dump(doc, open(path, "w"), indent=1, sort_keys=True)
EOF
for v in "$bin/in-toto-verify" "$REF_BIN/in-toto-verify"; do
    rc=$(measure "$tampered" "$v" -l root.layout --verification-keys owner.pub | cut -d' ' -f3)
    if [ "$rc" != 1 ]; then echo "!! $v accepted a tampered link (exit $rc)" >&2; failed=1; fi
done
rm -rf "$tampered"

sign_dir="$BENCH_DIR/sign-$SIGN_N"
if [ -n "${FORCE:-}" ] || [ ! -f "$sign_dir/build.link" ]; then
    mkdir -p "$sign_dir"
    python3 "$repo/bench/gen-chain.py" link "$sign_dir/build.link" "$SIGN_N"
    cp "$keys/bob" "$sign_dir/bob"
fi
artifacts=$((2 * SIGN_N + 1))
echo "== in-toto-sign, a link of $artifacts artifacts ($RUNS runs)" >&2
bench "sign-$artifacts" "$sign_dir" 0 \
    "$bin/in-toto-sign" -f build.link -k bob -o ours.link -- \
    "$REF_BIN/in-toto-sign" -f build.link -k bob -o ref.link
if ! cmp -s "$sign_dir/ours.link" "$sign_dir/ref.link"; then
    echo "!! the signed links differ" >&2
    failed=1
fi
sign_row="| $artifacts | $ours_t | $ref_t | $(ratio "$ref_t" "$ours_t")x | $ours_m | $ref_m |"

echo
echo "in-toto-verify, three steps (build with threshold 2), no inspections; median of $RUNS runs:"
echo
echo "| artifacts per step | ours (s) | reference (s) | reference ÷ ours | ours peak RSS (MiB) | reference peak RSS (MiB) |"
echo "|---:|---:|---:|---:|---:|---:|"
printf '%s' "$verify_rows"
echo
prev=""
for n in "${sizes[@]}"; do
    if [ -n "$prev" ]; then
        g_ours=$(ratio "${T_OURS[$n]}" "${T_OURS[$prev]}")
        g_ref=$(ratio "${T_REF[$n]}" "${T_REF[$prev]}")
        echo "Growth from $prev to $n artifacts ($(ratio "$n" "$prev")x): ours ${g_ours}x, reference ${g_ref}x."
    fi
    prev=$n
done
echo
echo "in-toto-sign of one link; median of $RUNS runs:"
echo
echo "| artifacts | ours (s) | reference (s) | reference ÷ ours | ours peak RSS (MiB) | reference peak RSS (MiB) |"
echo "|---:|---:|---:|---:|---:|---:|"
echo "$sign_row"
echo

check() { # check DESCRIPTION AWK-CONDITION
    if awk "BEGIN { exit !($2) }"; then echo "target met: $1"; else echo "TARGET MISSED: $1"; failed=1; fi
}
if [ -n "${T_OURS[10000]:-}" ] && [ -n "${T_OURS[100000]:-}" ]; then
    check "ours grows at most 12x from 10k to 100k" "${T_OURS[100000]} <= 12 * ${T_OURS[10000]}"
    check "ours is at least 8x faster than the reference at 100k" "${T_REF[100000]} >= 8 * ${T_OURS[100000]}"
    check "ours needs less memory than the reference at 100k" "${M_OURS[100000]} < ${M_REF[100000]}"
fi
if [ "$artifacts" = 40001 ]; then
    check "signing takes at most an eighth of the reference's time" "$ref_t >= 8 * $ours_t"
fi
exit $failed
