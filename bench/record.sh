#!/usr/bin/env bash
# bench/record.sh: how fast does `in-toto-run` record artifacts?
#
# Times these programs on the same data, in the same run, warm page cache:
#
#   floor   crates/intoto/examples/hash_floor.rs: walks, reads and
#           SHA-256-hashes the files on all cores with the recorder's SHA
#           backend (the CPU's SHA instructions), and does nothing else. It is
#           what the hardware allows; no recorder can be faster. Timed for one
#           pass over DIR ("floor x1") and for two passes one after the other
#           ("floor x2"), which is the hashing `-m DIR -p DIR` asks for:
#           materials before the command, products after it.
#   ours    in-toto-run -n b --signing-key k -p DIR -- true        (one pass)
#           in-toto-run -n b --signing-key k -m DIR -p DIR -- true (two passes)
#           (this repository's release binary, called as in-toto-run),
#           against floor x1 and floor x2 respectively
#   python  the same commands with the Python reference (in-toto 3.1.0)
#
# on two workloads, generated once under $BENCH_DIR (deterministic content):
#
#   many-small  50,000 files of 1-8 KiB in nested node_modules-like dirs
#   few-large   4 files of 512 MiB
#
# Each program runs once untimed (to warm the cache), then RUNS times in
# turn; the tables show the median wall time, the ratios, the median peak
# resident memory (GNU time's %M) and the median CPU time (user + system;
# steadier than wall time when other processes share the machine). The links of ours and python are compared (materials and products
# must be equal) so that speed cannot come from recording less.
#
# Usage:   bench/record.sh            (from anywhere in the repository)
# Env:     BENCH_DIR  where the workloads and scratch files go
#                     (default /tmp/intoto-bench-record; ~2.3 GB)
#          RUNS       timed runs per program and workload (default 5)
#          INTOTO_ORACLE_PYTHON  python of a venv with in-toto 3.1.0
#                     (default /work/oracle-venv/bin/python, else .oracle-venv)
#          CARGO_TARGET_DIR  where cargo builds (default: the repo's target/)
#          SKIP_PYTHON=1     leave the reference out
#          WORKLOADS   "many-small few-large" (default both)
# Needs:   bash, cargo, python3 (workload generator), GNU time
#          (apt-get install -y time), openssl (optional, faster blobs).
# Not run by CI: it takes a few minutes and wants an otherwise idle machine.
# Before each timed run it waits (up to 30 s) until the other processes use
# less than 15% of the CPUs, and reports the worst background load it saw.

set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_DIR="${BENCH_DIR:-/tmp/intoto-bench-record}"
RUNS="${RUNS:-5}"
WORKLOADS="${WORKLOADS:-many-small few-large}"
if [[ -z "${INTOTO_ORACLE_PYTHON:-}" ]]; then
    for p in /work/oracle-venv/bin/python "$REPO/.oracle-venv/bin/python"; do
        [[ -x "$p" ]] && INTOTO_ORACLE_PYTHON="$p" && break
    done
fi
PY_BIN="$(dirname "${INTOTO_ORACLE_PYTHON:-/nonexistent/python}")"
GNU_TIME=/usr/bin/time
[[ -x "$GNU_TIME" ]] || { echo "GNU time is missing: apt-get install -y time" >&2; exit 2; }
if [[ -z "${SKIP_PYTHON:-}" && ! -x "$PY_BIN/in-toto-run" ]]; then
    echo "the Python reference is missing: set INTOTO_ORACLE_PYTHON or SKIP_PYTHON=1" >&2
    exit 2
fi

mkdir -p "$BENCH_DIR/bin" "$BENCH_DIR/scratch"

# --- workloads ---------------------------------------------------------------
gen_many_small() {
    local dir="$BENCH_DIR/many-small"
    [[ -f "$BENCH_DIR/many-small.done" ]] && return
    echo "generating many-small (50,000 files) ..." >&2
    rm -rf "$dir"
    python3 - "$dir" <<'EOF'
import os, random, sys
root = sys.argv[1]
rng = random.Random(20261126)
names = ["lib", "dist", "src", "esm", "cjs", "utils", "core", "internal", "types", "test"]
files = 0
pkg = 0
while files < 50000:
    # node_modules/[@scope/]<pkg>/ with a few nested directories, 5-40 files
    scope = f"@scope{rng.randrange(40)}/" if rng.random() < 0.3 else ""
    base = os.path.join(root, "node_modules", f"{scope}pkg{pkg}")
    pkg += 1
    dirs = [base]
    for _ in range(rng.randrange(2, 8)):
        dirs.append(os.path.join(rng.choice(dirs), rng.choice(names)))
    for d in dirs:
        os.makedirs(d, exist_ok=True)
    for _ in range(rng.randrange(5, 40)):
        size = rng.randrange(1024, 8 * 1024 + 1)
        with open(os.path.join(rng.choice(dirs), f"f{files}.js"), "wb") as f:
            f.write(rng.randbytes(size))
        files += 1
        if files == 50000:
            break
EOF
    touch "$BENCH_DIR/many-small.done"
}

gen_few_large() {
    local dir="$BENCH_DIR/few-large"
    [[ -f "$BENCH_DIR/few-large.done" ]] && return
    echo "generating few-large (4 x 512 MiB) ..." >&2
    rm -rf "$dir"
    mkdir -p "$dir"
    for i in 0 1 2 3; do
        if command -v openssl >/dev/null; then
            # (openssl dies of SIGPIPE when head has enough: not an error)
            (set +o pipefail
             openssl enc -aes-128-ctr -nosalt -pass "pass:blob$i" -pbkdf2 </dev/zero 2>/dev/null \
                | head -c $((512 * 1024 * 1024)) >"$dir/blob$i.bin")
        else
            python3 -c "import random,sys
r=random.Random($i)
for _ in range(512): sys.stdout.buffer.write(r.randbytes(1<<20))" >"$dir/blob$i.bin"
        fi
    done
    touch "$BENCH_DIR/few-large.done"
}

# --- builds ------------------------------------------------------------------
echo "building the release binary and the floor ..." >&2
(cd "$REPO" && cargo build --release --quiet -p intoto-cli --bin in-toto \
    && cargo build --release --quiet -p intoto --example hash_floor)
TARGET="${CARGO_TARGET_DIR:-$REPO/target}"
# Copies, so that a concurrent build cannot swap the binaries mid-run.
cp "$TARGET/release/in-toto" "$BENCH_DIR/bin/in-toto"
cp "$TARGET/release/examples/hash_floor" "$BENCH_DIR/bin/hash_floor"
ln -sf in-toto "$BENCH_DIR/bin/in-toto-run"
(cd "$BENCH_DIR" && rm -f key key.pub && bin/in-toto key generate --type ed25519 -o key >/dev/null)

# --- measuring ---------------------------------------------------------------
WORST_BG=0
# Waits (up to 10 s) until the rest of the machine is (nearly) idle, and
# remembers the worst load seen.
wait_idle() {
    local tries=0 busy
    while :; do
        busy=$(cpu_busy)
        if ((busy < 15 || tries >= 10)); then break; fi
        tries=$((tries + 1))
    done
    ((busy > WORST_BG)) && WORST_BG=$busy
    return 0
}
# Reads every file of DIR, so that the timed run finds them in the page
# cache (this machine may evict pages that were idle for a minute).
warm() { find "$1" -type f -print0 | xargs -0 cat >/dev/null; }
# Percent of all CPUs busy over 1 s (from /proc/stat).
cpu_busy() {
    local a b
    read -r -a a < <(grep '^cpu ' /proc/stat)
    sleep 1
    read -r -a b < <(grep '^cpu ' /proc/stat)
    local idle=$(((b[4] + b[5]) - (a[4] + a[5])))
    local total=0 i
    for i in 1 2 3 4 5 6 7 8; do total=$((total + b[i] - a[i])); done
    ((total > 0)) || { echo 0; return; }
    echo $((100 * (total - idle) / total))
}

# run_once LABEL CMD...: runs CMD in the scratch dir; prints
# "wall-ms peak-KiB cpu-ms" (cpu = user + system).
run_once() {
    local start end
    shift
    rm -f "$BENCH_DIR/scratch/"*.link
    start=$(date +%s%N)
    (cd "$BENCH_DIR/scratch" && "$GNU_TIME" -f "%M %U %S" -o "$BENCH_DIR/time.out" "$@" >/dev/null)
    end=$(date +%s%N)
    tail -n1 "$BENCH_DIR/time.out" | awk -v ms=$(((end - start) / 1000000)) \
        '{printf "%d %d %d\n", ms, $1, ($2 + $3) * 1000}'
}

fmt_s() { awk -v ms="$1" 'BEGIN {printf "%.3f s", ms/1000}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b>0) printf "%.2fx", a/b; else print "-"}'; }
mib() { awk -v k="$1" 'BEGIN {printf "%.0f MiB", k/1024}'; }

compare_links() {
    python3 - "$1" "$2" <<'EOF'
import json, sys
a, b = (json.load(open(p))["signed"] for p in sys.argv[1:3])
same = all(a[k] == b[k] for k in ("materials", "products", "command", "byproducts"))
print("equal" if same else "DIFFERENT")
sys.exit(0 if same else 1)
EOF
}

ROWS=()
CPU_ROWS=()
for w in $WORKLOADS; do
    case $w in
        many-small) gen_many_small; data="$BENCH_DIR/many-small/node_modules" ;;
        few-large) gen_few_large; data="$BENCH_DIR/few-large" ;;
        *) echo "unknown workload $w" >&2; exit 2 ;;
    esac
    files=$(find "$data" -type f | wc -l)
    bytes=$(find "$data" -type f -printf '%s\n' | awk '{s += $1} END {printf "%d\n", s}')
    dirs=$(find "$data" -type d | wc -l)
    echo "== $w: $files files in $dirs directories, $((bytes / 1024 / 1024)) MiB" >&2
    # (run_once takes a label first)
    # Two passes: materials and products of the same tree (-m DIR -p DIR).
    ours_cmd=("$BENCH_DIR/bin/in-toto-run" -n b --signing-key ../key -m "$data" -p "$data" -- true)
    py_cmd=("$PY_BIN/in-toto-run" -n b --signing-key ../key -m "$data" -p "$data" -- true)
    # One pass: products only (-p DIR).
    ours1_cmd=("$BENCH_DIR/bin/in-toto-run" -n b --signing-key ../key -p "$data" -- true)
    py1_cmd=("$PY_BIN/in-toto-run" -n b --signing-key ../key -p "$data" -- true)
    floor_cmd=("$BENCH_DIR/bin/hash_floor" "$data")
    floor2_cmd=(env FLOOR_PASSES=2 "$BENCH_DIR/bin/hash_floor" "$data")
    progs=(floor ours1 floor2 ours)
    [[ -z "${SKIP_PYTHON:-}" ]] && progs+=(python1 python)

    # Warm-up, and the output checks.
    run_once floor "${floor_cmd[@]}" >/dev/null
    run_once ours "${ours_cmd[@]}" >/dev/null
    cp "$BENCH_DIR/scratch/"b.*.link "$BENCH_DIR/ours.link"
    run_once ours1 "${ours1_cmd[@]}" >/dev/null
    cp "$BENCH_DIR/scratch/"b.*.link "$BENCH_DIR/ours1.link"
    check="-" check1="-"
    if [[ -z "${SKIP_PYTHON:-}" ]]; then
        run_once python "${py_cmd[@]}" >/dev/null
        cp "$BENCH_DIR/scratch/"b.*.link "$BENCH_DIR/python.link"
        run_once python1 "${py1_cmd[@]}" >/dev/null
        cp "$BENCH_DIR/scratch/"b.*.link "$BENCH_DIR/python1.link"
        check=$(compare_links "$BENCH_DIR/ours.link" "$BENCH_DIR/python.link" || true)
        check1=$(compare_links "$BENCH_DIR/ours1.link" "$BENCH_DIR/python1.link" || true)
        echo "   links of ours and python: $check (two passes), $check1 (one pass)" >&2
    fi

    declare -A T=() M=() C=()
    for p in "${progs[@]}"; do : >"$BENCH_DIR/$p.runs"; done
    for ((r = 1; r <= RUNS; r++)); do
        for p in "${progs[@]}"; do
            wait_idle
            warm "$data"
            case $p in
                floor) res=$(run_once floor "${floor_cmd[@]}") ;;
                floor2) res=$(run_once floor2 "${floor2_cmd[@]}") ;;
                ours) res=$(run_once ours "${ours_cmd[@]}") ;;
                ours1) res=$(run_once ours1 "${ours1_cmd[@]}") ;;
                python) res=$(run_once python "${py_cmd[@]}") ;;
                python1) res=$(run_once python1 "${py1_cmd[@]}") ;;
            esac
            echo "$res" >>"$BENCH_DIR/$p.runs"
            echo "   run $r $p: $res (wall-ms KiB cpu-ms)" >&2
        done
    done
    # Each column's median on its own.
    col_median() { awk -v c="$2" '{print $c}' "$1" | sort -n | awk '{a[NR]=$0} END {print a[int((NR+1)/2)]}'; }
    for p in "${progs[@]}"; do
        T[$p]=$(col_median "$BENCH_DIR/$p.runs" 1)
        M[$p]=$(col_median "$BENCH_DIR/$p.runs" 2)
        C[$p]=$(col_median "$BENCH_DIR/$p.runs" 3)
    done
    label="$w ($files files, $((bytes / 1024 / 1024)) MiB)"
    # row PASSES FLOOR OURS PYTHON CHECK
    row() {
        local py_t="-" py_m="-" py_ratio="-" py_c="-"
        if [[ -z "${SKIP_PYTHON:-}" ]]; then
            py_t=$(fmt_s "${T[$4]}") py_m=$(mib "${M[$4]}") py_ratio=$(ratio "${T[$4]}" "${T[$3]}")
            py_c=$(fmt_s "${C[$4]}")
        fi
        ROWS+=("| $label | $1 | $(fmt_s "${T[$2]}") | $(fmt_s "${T[$3]}") | $py_t | $(ratio "${T[$3]}" "${T[$2]}") | $py_ratio | $(mib "${M[$2]}") | $(mib "${M[$3]}") | $py_m | $5 |")
        CPU_ROWS+=("| $w | $1 | $(fmt_s "${C[$2]}") | $(fmt_s "${C[$3]}") | $py_c | $(ratio "${C[$3]}" "${C[$2]}") |")
    }
    row "one (-p DIR)" floor ours1 python1 "$check1"
    row "two (-m DIR -p DIR)" floor2 ours python "$check"
    unset T M C
done

echo
echo "Median of $RUNS warm runs; $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')); worst background load ${WORST_BG}%."
echo
echo "| workload | hashing passes | floor | ours | python | ours / floor | python / ours | RSS floor | RSS ours | RSS python | links equal |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
echo
echo "Median CPU time (user + system):"
echo
echo "| workload | hashing passes | floor | ours | python | ours / floor |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${CPU_ROWS[@]}"
