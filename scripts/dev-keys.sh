#!/usr/bin/env bash
# Creates development keys under DIR (once): an ES256 and an RS256 signing key pair for
# tokens, the verification key file the service reads (public keys only), and the two
# CPR keys. Writes DIR/service.env with the matching FREMDRIFT_* settings.
set -euo pipefail

dir=${1:?usage: dev-keys.sh DIR}
issuer=https://idp.fremdrift.local
mkdir -p "$dir/jwt" "$dir/signing" "$dir/secrets"
chmod 700 "$dir/signing" "$dir/secrets"

if [ ! -f "$dir/signing/dev-es256.pem" ]; then
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/signing/dev-es256.pem" 2>/dev/null
    openssl pkey -in "$dir/signing/dev-es256.pem" -pubout -out "$dir/jwt/dev-es256.pub.pem"
fi
if [ ! -f "$dir/signing/dev-rs256.pem" ]; then
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$dir/signing/dev-rs256.pem" 2>/dev/null
    openssl pkey -in "$dir/signing/dev-rs256.pem" -pubout -out "$dir/jwt/dev-rs256.pub.pem"
fi
cat > "$dir/jwt/keys.json" <<JSON
{"keys": [
  {"kid": "dev-es256", "alg": "ES256", "issuer": "$issuer", "public_key_file": "dev-es256.pub.pem"},
  {"kid": "dev-rs256", "alg": "RS256", "issuer": "$issuer", "public_key_file": "dev-rs256.pub.pem"}
]}
JSON
umask 077
[ -f "$dir/secrets/cpr.key" ] || openssl rand -hex 32 > "$dir/secrets/cpr.key"
[ -f "$dir/secrets/cpr-hash.key" ] || openssl rand -hex 32 > "$dir/secrets/cpr-hash.key"

cat > "$dir/service.env" <<ENV
FREMDRIFT_JWT_KEYS=$dir/jwt/keys.json
FREMDRIFT_JWT_ISSUERS=$issuer
FREMDRIFT_JWT_AUDIENCE=fremdrift
FREMDRIFT_CPR_KEY_FILE=$dir/secrets/cpr.key
FREMDRIFT_CPR_HASH_KEY_FILE=$dir/secrets/cpr-hash.key
FREMDRIFT_SIGNING_KEY=$dir/signing/dev-es256.pem
ENV
