#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ from the repository's fixtures (the Python
# reference's samples, the crypto crate's key fixtures, the example TOML
# layouts) plus a few keys made with openssl and rules written here. Safe to
# rerun: it only adds files. The corpus directories are git-ignored.
#
# Needs: jq (to take key dicts, rules and JSON vectors out of the samples),
# openssl (to make RSA/ECDSA/encrypted keys) and gpg (to make GnuPG keys and
# signatures); without them those seeds are skipped with a note.
set -euo pipefail
cd "$(dirname "$0")"
root=..
samples=$root/tests/fixtures/python-in-toto-3.1.0/samples
keydata=$root/crates/crypto/tests/data
targets=(cjson_parse metadata dsse_envelope artifact_rule public_key layout_toml gpg attestation)
for t in "${targets[@]}"; do mkdir -p "corpus/$t"; done

# copy TARGET FILE... : each file under its own name, prefixed by its folder's.
copy() {
  local t=$1; shift
  local f
  for f in "$@"; do
    cp "$f" "corpus/$t/$(basename "$(dirname "$f")")-$(basename "$f")"
  done
}
# put TARGET NAME: stdin becomes corpus/TARGET/NAME.
put() { cat >"corpus/$1/$2"; }

metadata_files=("$samples"/*.link "$samples"/*.layout)

# --- JSON --------------------------------------------------------------------
copy cjson_parse "${metadata_files[@]}" "$samples"/*.canonical "$samples"/*.payload \
  "$samples"/canonical-json-vectors.json
printf '%s' '{"n": [0, -0, 1E5, 1.5e-3, 123456789012345678901234567890, -1e400], "s": "caf\u00e9 \ud83d\ude00 \\ \" \n"}' \
  | put cjson_parse numbers-and-escapes.json

# --- metadata and DSSE ---------------------------------------------------------
copy metadata "${metadata_files[@]}"
copy dsse_envelope "$samples"/*.dsse.*

# --- keys ---------------------------------------------------------------------
copy public_key "$samples"/*.pub "$samples"/owner "$samples"/func "$keydata"/*.pem "$keydata"/*.pub \
  "$root"/examples/layouts/keys/*.pub

if command -v jq >/dev/null; then
  # Each canonical-JSON vector's input on its own.
  n=$(jq length "$samples/canonical-json-vectors.json")
  for ((i = 0; i < n; i++)); do
    jq -j ".[$i].input_json" "$samples/canonical-json-vectors.json" | put cjson_parse "vector-$i.json"
  done
  # Key dicts from the layout.
  jq -c '.signed.keys[]' "$samples/root.layout" | while read -r dict; do
    printf '%s' "$dict" | put public_key "dict-$(printf '%s' "$dict" | jq -r .keyid | cut -c1-8).json"
  done
  # Rules from the layout, as one string and as one token per line.
  i=0
  jq -c '.signed.steps[], .signed.inspect[] | .expected_materials[], .expected_products[]' \
    "$samples/root.layout" | while read -r rule; do
    printf '%s' "$rule" | jq -j 'join(" ")' | put artifact_rule "layout-rule-$i.txt"
    printf '%s' "$rule" | jq -j 'join("\n")' | put artifact_rule "layout-rule-$i.lines"
    i=$((i + 1))
  done
else
  echo "seed.sh: jq not found; skipping seeds taken out of JSON samples" >&2
fi

if command -v openssl >/dev/null; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  # keep NAME... : the generated files, as corpus/public_key/gen-NAME.
  keep() { local f; for f; do cp "$tmp/$f" "corpus/public_key/gen-$f"; done; }
  gen() { # gen NAME openssl-genpkey-args...
    local name=$1; shift
    openssl genpkey "$@" -out "$tmp/$name.pem" 2>/dev/null
    openssl pkey -in "$tmp/$name.pem" -pubout -out "$tmp/$name.pub"
    keep "$name.pem" "$name.pub"
  }
  gen ed25519 -algorithm ed25519
  gen rsa2048 -algorithm rsa -pkeyopt rsa_keygen_bits:2048
  gen p256 -algorithm ec -pkeyopt ec_paramgen_curve:P-256
  gen p384 -algorithm ec -pkeyopt ec_paramgen_curve:P-384
  gen p521 -algorithm ec -pkeyopt ec_paramgen_curve:P-521
  # Traditional encodings: PKCS#1 RSA (private and public) and SEC1 EC.
  openssl rsa -in "$tmp/rsa2048.pem" -traditional -out "$tmp/rsa2048-pkcs1.pem" 2>/dev/null
  openssl rsa -in "$tmp/rsa2048.pem" -RSAPublicKey_out -out "$tmp/rsa2048-pkcs1.pub" 2>/dev/null
  openssl ec -in "$tmp/p256.pem" -out "$tmp/p256-sec1.pem" 2>/dev/null
  keep rsa2048-pkcs1.pem rsa2048-pkcs1.pub p256-sec1.pem
  # Encrypted PKCS#8 with the password the target tries ("pw") and a KDF
  # cheap enough for the target to attempt.
  openssl pkcs8 -topk8 -in "$tmp/ed25519.pem" -passout pass:pw -v2 aes-256-cbc -iter 1000 \
    -out "$tmp/ed25519-pbkdf2.pem"
  openssl pkcs8 -topk8 -in "$tmp/p256.pem" -passout pass:pw -v2 aes-128-cbc -v2prf hmacWithSHA512 \
    -iter 64 -out "$tmp/p256-pbkdf2.pem"
  openssl pkcs8 -topk8 -in "$tmp/ed25519.pem" -passout pass:pw -scrypt -scrypt_N 1024 \
    -scrypt_r 8 -scrypt_p 1 -out "$tmp/ed25519-scrypt.pem"
  keep ed25519-pbkdf2.pem p256-pbkdf2.pem ed25519-scrypt.pem
else
  echo "seed.sh: openssl not found; skipping generated keys" >&2
fi

# --- rules and patterns ---------------------------------------------------------
for rule in \
  'CREATE dist/*' 'delete *.tmp' 'Modify src/[a-z]*.c' 'ALLOW "my dir/*"' 'DISALLOW *' \
  'REQUIRE pyproject.toml' 'MATCH dist/* WITH PRODUCTS FROM build' \
  'MATCH * IN src WITH MATERIALS FROM clone' \
  'match foo/* with products in bar from build' \
  'MATCH "a b" IN '"'"'x y'"'"' WITH PRODUCTS IN z\ w FROM step'; do
  printf '%s' "$rule" | put artifact_rule "rule-$(printf '%s' "$rule" | cksum | cut -d' ' -f1).txt"
done
printf 'MATCH\n*\nIN\nsrc dir\nWITH\nPRODUCTS\nIN\ndst\nFROM\nbuild' | put artifact_rule match-10.lines
# Pattern, NUL, then paths.
printf '[!a-c]*.py\0dsrc/x.py\0a.py\0[.py' | put artifact_rule pattern-class
printf '*/[]]?*\0x/]yz\0x/]\0/]a' | put artifact_rule pattern-bracket
printf 'src/*/*.[ch]\0src/a/b.c\0src/a/b/c.h\0src/b.c' | put artifact_rule pattern-stars
printf '[z-a-]x[\0-x[\0zx[' | put artifact_rule pattern-ranges

# --- GnuPG ---------------------------------------------------------------------
# Inputs of the gpg target: be16(len(export)) || export || detached signature
# of "in-toto fuzz", for Ed25519 (by the main key and by a signing subkey),
# RSA and DSA keys, plus the signature dict a Metablock would carry.
if command -v gpg >/dev/null; then
  gtmp=$(mktemp -d)
  ghome=$gtmp/home
  mkdir -m 700 "$ghome"
  g() { gpg --homedir "$ghome" --batch --quiet --pinentry-mode loopback --passphrase '' "$@"; }
  fpr_of() { g --list-keys --with-colons "$1" | awk -F: '$1 == "fpr" { print $10 }'; }
  printf 'in-toto fuzz' >"$gtmp/msg"
  # frame NAME MAINFPR SIGNER: export the main key, sign with SIGNER.
  frame() {
    g --export "$2" >"$gtmp/export"
    g --detach-sign --digest-algo SHA256 -u "$3!" -o "$gtmp/sig" "$gtmp/msg"
    local n
    n=$(wc -c <"$gtmp/export")
    { printf "$(printf '\\%03o\\%03o' $((n >> 8)) $((n & 255)))"
      cat "$gtmp/export" "$gtmp/sig"; } | put gpg "$1"
    rm -f "$gtmp/sig"
  }
  g --quick-gen-key 'Fuzz Ed <ed@fuzz.invalid>' ed25519 sign 5y
  ed=$(fpr_of ed@fuzz.invalid | head -1)
  g --quick-add-key "$ed" ed25519 sign 5y
  ed_sub=$(fpr_of ed@fuzz.invalid | sed -n 2p)
  g --quick-gen-key 'Fuzz RSA <rsa@fuzz.invalid>' rsa2048 sign never
  rsa=$(fpr_of rsa@fuzz.invalid | head -1)
  g --quick-gen-key 'Fuzz DSA <dsa@fuzz.invalid>' dsa2048 sign never
  dsa=$(fpr_of dsa@fuzz.invalid | head -1)
  frame ed25519-main "$ed" "$ed"
  frame ed25519-subkey "$ed" "$ed_sub"
  frame rsa2048 "$rsa" "$rsa"
  frame dsa2048 "$dsa" "$dsa"
  g --detach-sign --digest-algo SHA256 -u "$ed!" -o "$gtmp/sig" "$gtmp/msg"
  # A dict of the right shape: the packet bytes cut into two hex members.
  headers_and_sig=$(od -An -v -tx1 "$gtmp/sig" | tr -d ' \n')
  printf '{"keyid": "%s", "other_headers": "%s", "signature": "%s"}' \
    "$(printf '%s' "$ed" | tr 'A-F' 'a-f')" "${headers_and_sig:0:64}" "${headers_and_sig:64:128}" \
    | put gpg signature-dict.json
  gpgconf --homedir "$ghome" --kill gpg-agent 2>/dev/null || true
  rm -rf "$gtmp"
else
  echo "seed.sh: gpg not found; skipping GnuPG seeds" >&2
fi

# --- attestations -----------------------------------------------------------------
h=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
subject='[{"name": "dist/app.tar.gz", "digest": {"sha256": "'$h'"}}]'
printf '%s' '{"_type": "https://in-toto.io/Statement/v1", "subject": '"$subject"', "predicateType": "https://in-toto.io/attestation/link/v0.3", "predicate": {"name": "package", "command": ["tar", "czf", "dist/app.tar.gz", "build"], "materials": [{"name": "build/app", "digest": {"sha256": "'$h'", "sha512": "'$h$h'"}}], "byproducts": {"return-value": 0}, "environment": {}}}' \
  | put attestation link-v0.3.json
printf '%s' '{"_type": "https://in-toto.io/Statement/v1", "subject": '"$subject"', "predicateType": "https://slsa.dev/provenance/v1", "predicate": {"buildDefinition": {"buildType": "https://example.com/build/v1", "externalParameters": {"command": ["make"]}, "internalParameters": {"inTotoStep": "build"}, "resolvedDependencies": [{"uri": "git+https://example.com/repo@refs/heads/main", "digest": {"gitCommit": "'${h:0:40}'"}}, {"name": "src/main.c", "digest": {"sha256": "'$h'"}}]}, "runDetails": {"builder": {"id": "https://example.com/builder"}, "metadata": {"invocationId": "1", "startedOn": "2026-01-01T00:00:00Z", "finishedOn": "2026-01-01T00:01:00Z"}, "byproducts": [{"content": "aGVsbG8="}]}}}' \
  | put attestation provenance-v1.json
printf '%s' '{"_type": "https://in-toto.io/Statement/v1", "subject": '"$subject"', "predicateType": "https://slsa.dev/verification_summary/v1", "predicate": {"verifier": {"id": "https://example.com/verifier", "version": {"in-toto": "0.1"}}, "timeVerified": "2026-01-01T00:00:00Z", "resourceUri": "dist/app.tar.gz", "policy": {"uri": "root.layout", "digest": {"sha256": "'$h'"}}, "inputAttestations": [{"uri": "build.link", "digest": {"sha256": "'$h'"}}], "verificationResult": "PASSED", "verifiedLevels": ["SLSA_BUILD_LEVEL_1"], "slsaVersion": "1.0"}}' \
  | put attestation vsa-v1.json
printf '%s' '{"_type": "https://in-toto.io/Statement/v0.1", "subject": '"$subject"', "predicateType": "https://in-toto.io/Link/v0.2", "predicate": {"name": "x"}, "extra": [1, 2]}' \
  | put attestation statement-v0.1.json
printf '%s' '{"_type": "https://in-toto.io/Statement/v1", "subject": [{"uri": "pkg:npm/x@1", "content": "aGk="}], "predicateType": "https://example.com/custom/v1"}' \
  | put attestation other-predicate.json
# A bundle: an envelope of each Statement above (unsigned), a DSSE link
# sample (not a Statement), a blank line and a line that is not JSON.
{
  for f in corpus/attestation/link-v0.3.json corpus/attestation/provenance-v1.json corpus/attestation/vsa-v1.json; do
    printf '{"payload": "%s", "payloadType": "application/vnd.in-toto+json", "signatures": []}\n' "$(base64 -w0 "$f")"
  done
  for f in "$samples"/*.dsse.*; do tr -d '\n' <"$f"; echo; done
  echo
  echo 'not json'
} | put attestation bundle.intoto.jsonl

# --- TOML layouts ----------------------------------------------------------------
copy layout_toml "$root"/examples/layouts/*.toml
# The same, with the key the target also puts at key.pub.
sed 's#keys/alice.pub#key.pub#' "$root/examples/layouts/two-stage.toml" | put layout_toml two-stage-key.toml

for t in "${targets[@]}"; do
  printf '%-14s %3d seeds\n' "$t" "$(find "corpus/$t" -type f | wc -l)"
done
