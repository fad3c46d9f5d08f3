"""Regenerates the fixtures in this directory (run with the oracle's Python:
`$INTOTO_ORACLE_PYTHON make.py` from this directory). The keys are random;
the tests only depend on their type and format, never on their bytes."""
import subprocess
from cryptography.hazmat.primitives import serialization as s
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, rsa, x25519

NO = s.NoEncryption()


def write(name, data):
    with open(name, "wb") as f:
        f.write(data)


def pkcs8(key):
    return key.private_bytes(s.Encoding.PEM, s.PrivateFormat.PKCS8, NO)


def spki(key):
    return key.public_key().public_bytes(s.Encoding.PEM, s.PublicFormat.SubjectPublicKeyInfo)


ed = ed448.Ed448PrivateKey.generate()
write("ed448.pem", pkcs8(ed))
write("ed448.pub", spki(ed))
d = dsa.generate_private_key(2048)
write("dsa.pem", pkcs8(d))
write("dsa-traditional.pem", d.private_bytes(s.Encoding.PEM, s.PrivateFormat.TraditionalOpenSSL, NO))
write("dsa.pub", spki(d))
k1 = ec.generate_private_key(ec.SECP256K1())
write("secp256k1.pem", pkcs8(k1))
write("secp256k1-sec1.pem", k1.private_bytes(s.Encoding.PEM, s.PrivateFormat.TraditionalOpenSSL, NO))
write("secp256k1.pub", spki(k1))
x = x25519.X25519PrivateKey.generate()
write("x25519.pem", pkcs8(x))
r1024 = rsa.generate_private_key(65537, 1024)
write("rsa1024.pem", pkcs8(r1024))
write("rsa1024.pub", spki(r1024))
# A P-256 key, in OpenSSH format and (public) with a compressed point.
p = ec.generate_private_key(ec.SECP256R1())
write("p256-openssh.pem", p.private_bytes(s.Encoding.PEM, s.PrivateFormat.OpenSSH, NO))
write("p256-openssh.pub", p.public_key().public_bytes(s.Encoding.OpenSSH, s.PublicFormat.OpenSSH))
point = p.public_key().public_bytes(s.Encoding.X962, s.PublicFormat.CompressedPoint)
compressed = bytes.fromhex("3039301306072a8648ce3d020106082a8648ce3d030107032200") + point
write("p256-compressed.pub", b"-----BEGIN PUBLIC KEY-----\n" + __import__("base64").encodebytes(compressed) + b"-----END PUBLIC KEY-----\n")
write("p256-uncompressed.pub", spki(p))
# Legacy OpenSSL PEM encryption (Proc-Type/DEK-Info), password "pw".
r = rsa.generate_private_key(65537, 2048)
legacy = subprocess.run(
    ["openssl", "rsa", "-traditional", "-aes256", "-passout", "pass:pw"],
    input=r.private_bytes(s.Encoding.PEM, s.PrivateFormat.TraditionalOpenSSL, NO),
    capture_output=True, check=True).stdout
write("rsa-legacy-encrypted.pem", legacy)
# PKCS#8 encrypted with scrypt (OpenSSL 3), password "pw".
scrypt = subprocess.run(
    ["openssl", "pkcs8", "-topk8", "-scrypt", "-passout", "pass:pw"],
    input=pkcs8(r), capture_output=True, check=True).stdout
write("rsa-scrypt.pem", scrypt)
write("rsa-scrypt.pub", spki(r))
