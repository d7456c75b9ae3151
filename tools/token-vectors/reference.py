#!/usr/bin/env python3
"""Independent reference implementation of Mix.Invitations token format v1 (docs/token-format.md).

Written from the document alone, with nothing but Python's standard library (hmac, hashlib, base64), so the
vectors in the document are checked by two implementations: this one and the C# library (VectorTests).
Run: python3 tools/token-vectors/reference.py   -> prints the vector tables in the document's format.
"""
import base64, hashlib, hmac, struct, sys

LABEL_SALT = b"Mix.Invitations key ring v1"
LABEL_CHANNEL = b"Mix.Invitations channel key v1"
LABEL_MAC = b"Mix.Invitations invitation token v1\x00"
LABEL_ID = b"Mix.Invitations token id v1\x00"
POLICIES = {"invitee-bound": (1, ("inviter", "invitee")), "inviter-bound": (2, ("inviter",)), "unbound": (3, ())}


def hkdf_extract(salt, ikm):
    return hmac.new(salt, ikm, hashlib.sha256).digest()


def hkdf_expand_32(prk, info):
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()  # L = 32 = one block


def channel_key(secret, channel):
    return hkdf_expand_32(hkdf_extract(LABEL_SALT, secret), LABEL_CHANNEL + b"\x00" + channel.encode("utf-8"))


def escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#xD;")


def canonical(channel, inviter=None, invitee=None):
    out = '<invitation xmlns="urn:xmpp:mix:misc:0">'
    if inviter is not None:
        out += "<inviter>" + escape(inviter) + "</inviter>"
    if invitee is not None:
        out += "<invitee>" + escape(invitee) + "</invitee>"
    out += "<channel>" + escape(channel) + "</channel></invitation>"
    return out.encode("utf-8")


def header(policy_id, key_id, issued_at, expires_at, nonce=None, max_uses=None):
    flags = 1 if max_uses is not None else 0
    h = struct.pack(">BBBBII", 1, flags, policy_id, key_id, issued_at, expires_at)
    if max_uses is not None:
        h += struct.pack(">QH", nonce, max_uses)
    return h


def token_id(token):
    """The id that logs and ledgers name a token by: SHA-256 over a label and the tag (the last 16 bytes)."""
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    return hashlib.sha256(LABEL_ID + raw[-16:]).digest()[:16].hex()


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def issue(secret, key_id, policy, channel, inviter, invitee, issued_at, lifetime, nonce=None, max_uses=None):
    policy_id, binds = POLICIES[policy]
    h = header(policy_id, key_id, issued_at, issued_at + lifetime, nonce, max_uses)
    c = canonical(channel, inviter if "inviter" in binds else None, invitee if "invitee" in binds else None)
    tag = hmac.new(channel_key(secret, channel), LABEL_MAC + h + c, hashlib.sha256).digest()[:16]
    return b64url(h + tag)


SECRET_1 = bytes(range(32))          # key id 1
SECRET_7 = bytes(range(32, 64))      # key id 7
T0 = 1767225600                      # 2026-01-01T00:00:00Z
CH, HAG, CAT = "coven@mix.shakespeare.example", "hag66@shakespeare.example", "cat@shakespeare.example"

VALID = [
    # id, secret, key id, policy, channel, inviter, invitee, issued-at, lifetime, nonce, max uses
    ("V1", SECRET_1, 1, "invitee-bound", CH, HAG, CAT, T0, 604800, None, None),
    ("V2", SECRET_1, 1, "inviter-bound", CH, HAG, None, T0, 604800, None, None),
    ("V3", SECRET_1, 1, "unbound", CH, None, None, T0, 86400, None, None),
    ("V4", SECRET_1, 1, "unbound", CH, None, None, T0, 604800, 0x0001020304050607, 1),
    ("V5", SECRET_1, 1, "inviter-bound", CH, HAG, None, T0, 2592000, 0xF0E1D2C3B4A59687, 10),
    ("V6", SECRET_7, 7, "invitee-bound", CH, HAG, CAT, T0 + 3600, 3600, None, None),
    ("V7", SECRET_1, 1, "invitee-bound", "caf\u00e9@mix.example", "\u00e9lodie@example.fr", "z\u00fcrich@example.ch", T0, 604800, None, None),
    ("V8", SECRET_1, 1, "unbound", "support@[::1]", None, None, T0, 60, None, None),
]

if __name__ == "__main__":
    tokens = {}
    for v in VALID:
        vid, secret, key_id, policy, channel, inviter, invitee, issued, lifetime, nonce, uses = v
        tok = issue(secret, key_id, policy, channel, inviter, invitee, issued, lifetime, nonce, uses)
        tokens[vid] = tok
        print("| %s | %s | %d | %s | %s | %s | %d | %d | %s | %s | `%s` (%d) | `%s` |" % (
            vid, policy, key_id, channel, inviter or "-", invitee or "-", issued, lifetime,
            "-" if nonce is None else "%016x" % nonce, "-" if uses is None else uses, tok, len(tok), token_id(tok)))
    # Refused tokens derived from the valid ones.
    raw = base64.urlsafe_b64decode(tokens["V1"] + "==")
    flipped = bytearray(raw); flipped[-1] ^= 0x01
    v2 = bytearray(raw); v2[0] = 2
    flag = bytearray(raw); flag[1] = 0x02
    key9 = bytearray(raw); key9[3] = 9
    refused = [
        ("R1", b64url(bytes(flipped)), "last tag bit flipped", "BadSignature"),
        ("R2", b64url(bytes(v2)), "version byte 0x02", "UnsupportedVersion"),
        ("R3", tokens["V1"] + "=", "V1 with base64 padding", "Malformed"),
        ("R4", b64url(bytes(flag)), "unknown flag bit 0x02", "Malformed"),
        ("R5", b64url(bytes(key9)), "key id 9 (not in the ring)", "UnknownKey"),
        ("R6", tokens["V1"][:-1] + chr(ord(tokens["V1"][-1]) + 1), "last character's unused bits set" , "Malformed"),
        ("R15", b64url(b"\x02"), "one byte (0x02): too short for version and flags, so not read as a version", "Malformed"),
        ("R16", b64url(b"\x01"), "one byte (0x01)", "Malformed"),
        ("R17", issue(SECRET_1, 1, "unbound", CH, None, None, T0, 2592001), "genuine, lifetime 30 days + 1 s: over the default MaxLifetime", "LifetimeTooLong"),
    ]
    for r in refused:
        print("| %s | `%s` | %s | %s |" % r)
    print(tokens, file=sys.stderr)
