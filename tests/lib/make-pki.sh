#!/usr/bin/env bash
# Makes the lab's PKI in DIR: a CA, an RSA server certificate (RSA so the
# Windows NULL suites, which use RSA key exchange, can be offered), an ECDSA
# P-256 server certificate, two client certificates (other subjects), a revoked client certificate
# a CRL, an intermediate CA the CA has revoked (sub-ca) with a client
# certificate under it (sub-client-chain.crt holds both), and a client
# certificate from a CA nobody trusts (stranger). ca.crl holds the CA's CRL
# and the intermediate's. Lab only: keys are unencrypted.
set -euo pipefail
dir=${1:?usage: make-pki.sh DIR}
mkdir -p "$dir"
cd "$dir"
q() { "$@" >/dev/null 2>&1 || { echo "make-pki: failed: $*" >&2; exit 1; }; }

q openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
	-subj "/CN=iphttps lab CA" -keyout ca.key -out ca.crt \
	-addext basicConstraints=critical,CA:true -addext keyUsage=critical,keyCertSign,cRLSign
issue() { # name subject keyspec extension [issuer]
	local issuer=${5:-ca}
	q openssl req -new -newkey "$3" -nodes -subj "/CN=$2" -keyout "$1.key" -out "$1.csr"
	printf '%s\n' "$4" > "$1.ext"
	q openssl x509 -req -in "$1.csr" -CA "$issuer.crt" -CAkey "$issuer.key" -CAcreateserial -days 3650 \
		-extfile "$1.ext" -out "$1.crt"
	rm -f "$1.csr" "$1.ext"
}
issue server gw.iphttps.test rsa:2048 "subjectAltName=DNS:gw.iphttps.test,IP:192.0.2.1
extendedKeyUsage=serverAuth"
issue server-ecdsa gw.iphttps.test ec:<(openssl ecparam -name prime256v1) "subjectAltName=DNS:gw.iphttps.test,IP:192.0.2.1
extendedKeyUsage=serverAuth"
issue client client1.iphttps.test rsa:2048 "extendedKeyUsage=clientAuth"
issue client2 client2.iphttps.test rsa:2048 "extendedKeyUsage=clientAuth"
issue revoked revoked.iphttps.test rsa:2048 "extendedKeyUsage=clientAuth"
issue sub-ca "iphttps lab revoked sub-CA" ec:<(openssl ecparam -name prime256v1) "basicConstraints=critical,CA:true
keyUsage=critical,keyCertSign,cRLSign"
issue sub-client sub-client.iphttps.test rsa:2048 "extendedKeyUsage=clientAuth" sub-ca
cat sub-client.crt sub-ca.crt > sub-client-chain.crt

# A minimal CA database so `openssl ca` can revoke and sign the CRL.
: > index.txt
echo 1000 > crlnumber
cat > ca.cnf <<CNF
[ ca ]
default_ca = lab
[ lab ]
database = index.txt
crlnumber = crlnumber
default_md = sha256
default_crl_days = 3650
CNF
q openssl ca -config ca.cnf -keyfile ca.key -cert ca.crt -revoke revoked.crt
q openssl ca -config ca.cnf -keyfile ca.key -cert ca.crt -revoke sub-ca.crt
q openssl ca -config ca.cnf -keyfile ca.key -cert ca.crt -gencrl -out ca.crl
# The intermediate's own CRL (it revokes nothing): with it present, only the
# intermediate's revocation by the CA can refuse sub-client.
: > index.txt
q openssl ca -config ca.cnf -keyfile sub-ca.key -cert sub-ca.crt -gencrl -out sub-ca.crl
cat sub-ca.crl >> ca.crl
rm -f ca.cnf index.txt* crlnumber* ca.srl sub-ca.srl sub-ca.crl sub-ca.key

# A client certificate from a CA the appliance does not trust.
q openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
	-subj "/CN=stranger CA" -keyout stranger-ca.key -out stranger-ca.crt \
	-addext basicConstraints=critical,CA:true -addext keyUsage=critical,keyCertSign,cRLSign
q openssl req -new -newkey rsa:2048 -nodes -subj "/CN=stranger.iphttps.test" -keyout stranger.key -out stranger.csr
printf 'extendedKeyUsage=clientAuth\n' > stranger.ext
q openssl x509 -req -in stranger.csr -CA stranger-ca.crt -CAkey stranger-ca.key -CAcreateserial -days 3650 \
	-extfile stranger.ext -out stranger.crt
rm -f stranger.csr stranger.ext stranger-ca.srl stranger-ca.key
chmod 600 ./*.key
