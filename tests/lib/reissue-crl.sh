#!/usr/bin/env bash
# Re-issues the lab CA's CRL revoking one more certificate, as an operator's
# CA does: reissue-crl.sh PKI_DIR CERT OUT. The new CRL revokes revoked.crt,
# sub-ca.crt and CERT; it is written beside OUT and renamed over it, so a
# reader never sees half a file.
set -euo pipefail
pki=${1:?usage: reissue-crl.sh PKI_DIR CERT OUT} cert=${2:?} out=${3:?}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
: > "$work/index.txt"
echo 2000 > "$work/crlnumber"
cat > "$work/ca.cnf" <<CNF
[ ca ]
default_ca = lab
[ lab ]
database = $work/index.txt
crlnumber = $work/crlnumber
default_md = sha256
default_crl_days = 3650
CNF
for c in "$pki/revoked.crt" "$pki/sub-ca.crt" "$cert"; do
	openssl ca -config "$work/ca.cnf" -keyfile "$pki/ca.key" -cert "$pki/ca.crt" -revoke "$c" >/dev/null 2>&1
done
openssl ca -config "$work/ca.cnf" -keyfile "$pki/ca.key" -cert "$pki/ca.crt" -gencrl -out "$work/crl.pem" \
	>/dev/null 2>&1
mv "$work/crl.pem" "$out.new"
mv "$out.new" "$out"
