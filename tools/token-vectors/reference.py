#!/usr/bin/env python3
"""Independent reference implementation of Mix.Invitations token format v1 (docs/token-format.md), grants and narrowing included.

Written from the document alone, with nothing but Python's standard library, so every vector in the document is
checked by two implementations: this one and the C# library (TokenFormatVectorTests).

    python3 tools/token-vectors/reference.py --check docs/token-format.md
        Reads the vector tables out of the document (valid, refused, intermediate, epoch; grants, narrowed, chain,
        narrowed-present, ledger), recomputes every row — the ledger sequences by simulating the ledger of section
        11 — and exits with status 1 on any mismatch (CI runs this).
    python3 tools/token-vectors/reference.py --print docs/token-format.md
        Prints every row as this implementation computes it from the row's inputs (to write new vectors: add a row
        with its inputs, print, and copy the computed outputs).

JID normalisation: this script implements exactly the subset of the document's JID rules that the vectors need,
and raises Unsupported (never guesses) for input outside it:
  * localparts (RFC 8265 UsernameCaseMapped): width mapping by the '<wide>'/'<narrow>' decompositions, str.lower()
    (Unicode toLowercase with full mappings and Final_Sigma), NFC, repeated until stable; IdentifierClass is checked
    only as "ASCII printable, or a letter, mark or decimal digit whose NFKC form is itself". Right-to-left text (the
    bidi rule), join controls and the RFC 5892 exception code points are Unsupported.
  * domainparts (UTS #46, nontransitional, STD3 rules): one trailing dot (or ideographic/fullwidth/halfwidth full
    stop) removed; the all-ASCII fast path; otherwise the mapping approximated as NFKC + casefold per code point with
    the deviation characters (sharp s, final sigma) kept, NFC, punycode decoding of xn-- labels, and the label checks
    for letters, marks and digits only; symbols and right-to-left labels are Unsupported. DNS lengths are checked.
  * IP literals with the ipaddress module: IPv6 in RFC 5952 text, zone ids refused; embedded-IPv4 forms Unsupported.
  * resourceparts are split off and dropped, as for every bare JID; they are not prepared.
"""
import argparse
import base64
import hashlib
import hmac
import ipaddress
import re
import struct
import sys
import unicodedata

LABEL_SALT = b"Mix.Invitations key ring v1"
LABEL_CHANNEL = b"Mix.Invitations channel key v1"
LABEL_MAC = b"Mix.Invitations invitation token v1\x00"      # 35 bytes of ASCII, then 0x00
LABEL_ID = b"Mix.Invitations token id v1\x00"               # 27 bytes of ASCII, then 0x00
LABEL_CHAIN = b"Mix.Invitations restriction v1\x00"         # 30 bytes of ASCII, then 0x00 (section 14)
LABEL_COPY = b"Mix.Invitations narrowed id v1\x00"          # 30 bytes of ASCII, then 0x00 (section 14)
FLAG_LIMITED, FLAG_GRANTS, FLAG_RESTRICTED = 0x01, 0x02, 0x04
MAX_TOKEN_BYTES, MAX_TOKEN_CHARS = 160, 214
GRANT_ROLE, GRANT_NODES, GRANT_NICK, GRANT_LABEL = 1, 2, 3, 4
MAX_NICK, MAX_LABEL, MAX_ENTRIES = 16, 10, 33
KNOWN_NODES = 0x03FF
R_INVITEE, R_EXPIRES, R_USES, R_GRANTS = 1, 2, 3, 4
RESTRICTION_SIZE = {R_INVITEE: 1, R_EXPIRES: 5, R_USES: 11, R_GRANTS: 4}
MAX_RESTRICTIONS = 8
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
BUILT_IN = {"invitee-bound": (1, ("inviter", "invitee")), "inviter-bound": (2, ("inviter",)), "unbound": (3, ())}
U32_MAX = 0xFFFFFFFF

# The document's test ring and the validator's defaults (docs/token-format.md, "Test vectors").
SECRETS = {1: bytes(range(32)), 7: bytes(range(32, 64))}
PRESENT_RING = {1: None, 7: 1767231000}          # key id -> verify-until (None: no date)
MAX_LIFETIME = 2592000                            # 30 days
ISSUED_AT_TOLERANCE = EXPIRY_TOLERANCE = 30


class Invalid(Exception):
    """The input is refused by the rules (not a JID, or an issue the issuer must refuse)."""


class Unsupported(Exception):
    """The input is outside the subset of the JID rules this script implements; it gives no answer."""


# --- JIDs ------------------------------------------------------------------------------------------------------

MAX_PART_BYTES = 1023
LOCAL_EXCLUDED = set("\"&'/:<>@")
DOMAIN_SEPARATORS = ".\u3002\uff0e\uff61"
LETTER_DIGITS = {"Ll", "Lu", "Lo", "Lm", "Nd", "Mn", "Mc"}
# RFC 5892 §2.6 exceptions and the CONTEXTJ/CONTEXTO code points: not modelled here.
NOT_MODELLED = set(map(chr, [0x00B7, 0x0375, 0x05F3, 0x05F4, 0x0640, 0x07FA, 0x200C, 0x200D, 0x302E, 0x302F, 0x30FB,
                             *range(0x3031, 0x3036), 0x303B, *range(0x0660, 0x066A), *range(0x06F0, 0x06FA)]))


def _check_raw(text):
    for c in text:
        if unicodedata.category(c) in ("Cc", "Cs"):
            raise Invalid("control character or surrogate U+%04X" % ord(c))


def _width_map(c):
    d = unicodedata.decomposition(c)
    if d.startswith("<wide> ") or d.startswith("<narrow> "):
        return chr(int(d.split()[1], 16))
    return c


def _check_identifier_class(text):
    for c in text:
        if ord(c) < 0x80:
            if ord(c) <= 0x20 or ord(c) == 0x7F:
                raise Invalid("space or control in a localpart")
            continue
        if c in NOT_MODELLED or unicodedata.bidirectional(c) in ("R", "AL", "AN"):
            raise Unsupported("U+%04X (contextual rule, exception or bidi rule not modelled)" % ord(c))
        category = unicodedata.category(c)
        if category == "Cn":
            raise Unsupported("U+%04X is unassigned in Python's Unicode %s" % (ord(c), unicodedata.unidata_version))
        if category not in LETTER_DIGITS or unicodedata.normalize("NFKC", c) != c:
            raise Invalid("U+%04X is not PVALID in IdentifierClass" % ord(c))


def prepare_localpart(text):
    """RFC 8265 §3.3 UsernameCaseMapped, then the RFC 7622 §3.3.1 exclusions (the subset described above)."""
    _check_raw(text)
    current = text
    for attempt in range(4):
        mapped = "".join(_width_map(c) for c in current).lower()   # toLowerCase: full mappings and Final_Sigma
        normalized = unicodedata.normalize("NFC", mapped)
        if not normalized:
            raise Invalid("empty localpart")
        _check_identifier_class(normalized)
        if normalized == current and attempt > 0:
            break
        current = normalized
    else:
        raise Invalid("localpart does not reach a stable form")
    if LOCAL_EXCLUDED & set(current):
        raise Invalid("localpart holds a character RFC 7622 excludes")
    if len(current.encode("utf-8")) > MAX_PART_BYTES:
        raise Invalid("localpart longer than 1023 bytes")
    return current


def _map_domain_char(c):
    if c in DOMAIN_SEPARATORS:
        return "."
    if ord(c) < 0x80:
        return c.lower()
    if c in "\u00df\u03c2":          # deviation characters: kept by nontransitional processing
        return c
    if c in NOT_MODELLED:
        raise Unsupported("U+%04X in a domainpart" % ord(c))
    # UTS #46's mapping table, approximated by NFKC_Casefold for the letters, digits and marks the vectors use.
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", c).casefold())


def _check_ldh(label):
    if not label:
        raise Invalid("empty label")
    for c in label:
        if ord(c) < 0x80 and not (c.isalnum() or c == "-"):
            raise Invalid("STD3 rules: %r in a label" % c)
    if label[0] == "-" or label[-1] == "-" or label[2:4] == "--":
        raise Invalid("misplaced hyphen in %r" % label)


def _check_u_label(label):
    _check_ldh(label)
    for i, c in enumerate(label):
        if ord(c) < 0x80:
            continue
        if unicodedata.bidirectional(c) in ("R", "AL", "AN"):
            raise Unsupported("right-to-left label (CheckBidi is off, but the rest of the table is not modelled)")
        category = unicodedata.category(c)
        if category == "Cn":
            raise Unsupported("U+%04X is unassigned in Python's Unicode %s" % (ord(c), unicodedata.unidata_version))
        if category not in LETTER_DIGITS:
            raise Unsupported("U+%04X: only letters, marks and digits are modelled in U-labels" % ord(c))
        if i == 0 and category in ("Mn", "Mc"):
            raise Invalid("a label starts with a combining mark")
        if _map_domain_char(c) != c:
            raise Invalid("U+%04X is mapped, so it cannot stand in a U-label" % ord(c))


def _is_dotted_quad(text):
    parts = text.split(".")
    return len(parts) == 4 and all(
        1 <= len(p) <= 3 and p.isascii() and p.isdigit() and int(p) <= 255 and (p == "0" or p[0] != "0") for p in parts)


def prepare_domainpart(text):
    """RFC 7622 §3.2 with UTS #46 (the subset described above); IP literals in canonical text."""
    if text and text[-1] in DOMAIN_SEPARATORS:
        text = text[:-1]
    if not text:
        raise Invalid("empty domainpart")
    _check_raw(text)
    if text[0] == "[":
        inner = text[1:-1] if text[-1] == "]" else None
        if inner is None or "%" in inner:
            raise Invalid("not an IPv6 literal, or one with a zone id")
        if "." in inner:
            raise Unsupported("IPv6 literal with an embedded IPv4 part")
        try:
            return "[" + ipaddress.IPv6Address(inner).compressed + "]"
        except ValueError:
            raise Invalid("not an IPv6 literal") from None
    if _is_dotted_quad(text):
        return text
    if set(text) & set(" @/\\\"&'<>:"):
        raise Invalid("character no host name holds")
    labels = text.split(".")
    if text.isascii() and not any(label.lower().startswith("xn--") for label in labels):
        for label in labels:
            _check_ldh(label)
        result = text.lower()
    else:
        mapped = unicodedata.normalize("NFC", "".join(_map_domain_char(c) for c in text))
        out = []
        for label in mapped.split("."):
            if label.startswith("xn--"):
                try:
                    decoded = label[4:].encode("ascii").decode("punycode")
                except (UnicodeError, ValueError):
                    raise Invalid("bad A-label %r" % label) from None
                if decoded.isascii() or unicodedata.normalize("NFC", decoded) != decoded:
                    raise Invalid("A-label %r does not decode to a U-label" % label)
                label = decoded
            _check_u_label(label)
            out.append(label)
        ace = [label if label.isascii() else "xn--" + label.encode("punycode").decode("ascii") for label in out]
        if any(len(label) > 63 for label in ace) or len(".".join(ace)) > 253:
            raise Invalid("DNS lengths exceeded (VerifyDnsLength)")
        result = ".".join(out)
    if len(result.encode("utf-8")) > MAX_PART_BYTES:
        raise Invalid("domainpart longer than 1023 bytes")
    return result


def bare_jid(text):
    """The canonical bare JID of a JID string: split (RFC 7622 §3.2), drop the resource, prepare each part."""
    slash = text.find("/")
    if slash >= 0:
        if slash == len(text) - 1:
            raise Invalid("empty resourcepart")
        text = text[:slash]
    at = text.find("@")
    if at < 0:
        return prepare_domainpart(text)
    if at == 0:
        raise Invalid("empty localpart")
    return prepare_localpart(text[:at]) + "@" + prepare_domainpart(text[at + 1:])


# --- Keys, MAC input, tokens -----------------------------------------------------------------------------------

def prk(secret):
    return hmac.new(LABEL_SALT, secret, hashlib.sha256).digest()               # HKDF-Extract


def channel_info(channel, epoch=0):
    info = LABEL_CHANNEL + b"\x00" + channel.encode("utf-8")
    if epoch:
        info += b"\x00" + struct.pack(">I", epoch)
    return info


def channel_key(secret, channel, epoch=0):
    return hmac.new(prk(secret), channel_info(channel, epoch) + b"\x01", hashlib.sha256).digest()  # HKDF-Expand, L = 32


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
    h = struct.pack(">BBBBII", 1, 0 if max_uses is None else 1, policy_id, key_id, issued_at, expires_at)
    if max_uses is not None:
        h += nonce + struct.pack(">H", max_uses)
    return h


def mac_input(h, channel, inviter, invitee, binds):
    return LABEL_MAC + h + canonical(channel, inviter if "inviter" in binds else None,
                                     invitee if "invitee" in binds else None)


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def token_id_of_tag(tag):
    return hashlib.sha256(LABEL_ID + tag).digest()[:16].hex()


def issue(secret, key_id, policy_id, binds, channel, inviter, invitee, issued_at, lifetime, nonce=None, max_uses=None,
          required=(), epoch=0, grants=b""):
    """Issues a token from raw JID strings; raises Invalid where the document says the issuer must refuse.

    grants: the grants part (section 13) as bytes, written after the header with flag bit 1 set; b"" for none. It is
    not checked here, so a key holder's token with any grants part can be minted (vectors N-refused)."""
    channel = bare_jid(channel)
    inviter = None if inviter is None else bare_jid(inviter)
    invitee = None if invitee is None else bare_jid(invitee)
    for field in required:
        if {"inviter": inviter, "invitee": invitee}[field] is None:
            raise Invalid("the policy needs an " + field)
    if lifetime <= 0 or lifetime > MAX_LIFETIME:
        raise Invalid("lifetime out of range")
    if max_uses is not None and not 1 <= max_uses <= 0xFFFF:
        raise Invalid("use limit out of range")
    if issued_at + lifetime > U32_MAX:
        raise Invalid("expires-at past 2^32 - 1")
    h = header(policy_id, key_id, issued_at, issued_at + lifetime, nonce, max_uses)
    if grants:
        h = h[:1] + bytes([h[1] | FLAG_GRANTS]) + h[2:]
    full = hmac.new(channel_key(secret, channel, epoch), mac_input(h + grants, channel, inviter, invitee, binds),
                    hashlib.sha256).digest()
    return b64url(h + grants + full[:16])


def parse_policy(cell):
    """A built-in policy's name, or 'custom N: field, field' for a custom policy binding those fields."""
    if cell in BUILT_IN:
        policy_id, binds = BUILT_IN[cell]
        required = {1: ("invitee",), 2: ("inviter",), 3: ()}[policy_id]
        return policy_id, binds, required
    m = re.fullmatch(r"custom (\d+): (.+)", cell)
    if not m:
        raise ValueError("unknown policy cell %r" % cell)
    fields = tuple(f.strip() for f in m.group(2).split(","))
    if "channel" not in fields:
        raise ValueError("a custom policy binds the channel")
    return int(m.group(1)), tuple(f for f in fields if f != "channel"), ()


# --- Grants and narrowing (sections 13 and 14) ----------------------------------------------------------------

def _utf8_text(value, longest):
    if not 1 <= len(value) <= longest:
        return None
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return None if any(unicodedata.category(c) == "Cc" for c in text) else text


def grants_part(role=None, nodes=0, nick=None, label=None):
    """The grants part: L || entries in ascending kind order, each (kind << 5 | length) || value."""
    entries = b""
    if role is not None:
        entries += bytes([GRANT_ROLE << 5 | 1, role])
    if nodes:
        entries += bytes([GRANT_NODES << 5 | 2]) + struct.pack(">H", nodes)
    for kind, text in ((GRANT_NICK, nick), (GRANT_LABEL, label)):
        if text is not None:
            value = text.encode("utf-8")
            entries += bytes([kind << 5 | len(value)]) + value
    return bytes([len(entries)]) + entries if entries else b""


def read_grants(body):
    """Reads a grants part at the start of body: (grants dict, size) or None when Malformed."""
    if not body or body[0] == 0 or body[0] > MAX_ENTRIES or len(body) < 1 + body[0]:
        return None
    entries, grants, last = body[1:1 + body[0]], {"unknown": 0}, 0
    while entries:
        kind, length = entries[0] >> 5, entries[0] & 0x1F
        if kind <= last or len(entries) < 1 + length:
            return None
        value = entries[1:1 + length]
        if kind == GRANT_ROLE and length == 1 and value[0] != 0:
            grants["role"] = value[0]
        elif kind == GRANT_NODES and length == 2 and 0 < struct.unpack(">H", value)[0] and not struct.unpack(">H", value)[0] & ~KNOWN_NODES:
            grants["nodes"] = struct.unpack(">H", value)[0]
        elif kind == GRANT_NICK and _utf8_text(value, MAX_NICK) is not None:
            grants["nick"] = _utf8_text(value, MAX_NICK)
        elif kind == GRANT_LABEL and _utf8_text(value, MAX_LABEL) is not None:
            grants["label"] = _utf8_text(value, MAX_LABEL)
        elif kind > GRANT_LABEL:
            grants["unknown"] |= 1 << (kind - 1)
        else:
            return None
        last, entries = kind, entries[1 + length:]
    return grants, 1 + body[0]


def read_chain(body, issued_at, has_grants):
    """Splits the restriction chain: a list of restriction byte strings, or None when Malformed."""
    chain = []
    while body:
        size = RESTRICTION_SIZE.get(body[0])
        if size is None or len(body) < size or len(chain) == MAX_RESTRICTIONS:
            return None
        r = body[:size]
        if (r[0] == R_EXPIRES and struct.unpack(">I", r[1:5])[0] <= issued_at) or \
                (r[0] == R_USES and struct.unpack(">H", r[1:3])[0] == 0) or \
                (r[0] == R_GRANTS and (not has_grants or r[1] & 0x80 or struct.unpack(">H", r[2:4])[0] & ~KNOWN_NODES)):
            return None
        chain.append(r)
        body = body[size:]
    return chain or None


def decode(token):
    """Structure (section 8 step 1): the bytes of the token, or None when Malformed."""
    if not token or len(token) > MAX_TOKEN_CHARS or any(c not in ALPHABET for c in token) or len(token) % 4 == 1:
        return None
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    return raw if b64url(raw) == token and len(raw) >= 2 else None


def split(raw):
    """Version and layout (steps 2 and 3): a dict of the token's parts, or the reason it is refused."""
    if raw[0] != 1:
        return "UnsupportedVersion"
    flags = raw[1]
    size = 22 if flags & FLAG_LIMITED else 12
    if flags & ~(FLAG_LIMITED | FLAG_GRANTS | FLAG_RESTRICTED) or len(raw) > MAX_TOKEN_BYTES or len(raw) < size + 16:
        return "Malformed"
    issued_at, expires_at = struct.unpack(">II", raw[4:12])
    max_uses = struct.unpack(">H", raw[20:22])[0] if size == 22 else 0
    if expires_at <= issued_at or (size == 22 and max_uses == 0):
        return "Malformed"
    body, grants, grants_bytes = raw[size:-16], None, b""
    if flags & FLAG_GRANTS:
        read = read_grants(body)
        if read is None:
            return "Malformed"
        grants, n = read
        grants_bytes, body = body[:n], body[n:]
    chain = []
    if flags & FLAG_RESTRICTED:
        chain = read_chain(body, issued_at, grants is not None)
        if chain is None:
            return "Malformed"
    elif body:
        return "Malformed"
    return {"header": raw[:size], "grants": grants, "grants bytes": grants_bytes, "chain": chain, "tag": raw[-16:],
            "policy": raw[2], "key": raw[3], "issued": issued_at, "expires": expires_at, "max uses": max_uses}


def root_header(parts):
    """header' || grants: the header with flag bit 2 cleared, then the grants part (what the root tag covers)."""
    h = parts["header"]
    return h[:1] + bytes([h[1] & ~FLAG_RESTRICTED]) + h[2:] + parts["grants bytes"]


def chain_step(tag, restriction, invitee):
    """t_i = HMAC-SHA256(key = t_{i-1}, label || r_i || context_i)[0..16]; the context is the invitee's for kind 1."""
    context = invitee.encode("utf-8") if restriction[0] == R_INVITEE and invitee is not None else b""
    return hmac.new(tag, LABEL_CHAIN + restriction + context, hashlib.sha256).digest()[:16]


def chain_tags(t0, chain, invitee):
    """[t0, t1, ..., tn]."""
    tags = [t0]
    for r in chain:
        tags.append(chain_step(tags[-1], r, invitee))
    return tags


def copy_id(chain_tag):
    return hashlib.sha256(LABEL_COPY + chain_tag).digest()[:16].hex()


def restriction_bytes(spec):
    """A restriction from its cell text: invitee | expires-at T | uses N nonce HEX | grants kinds 0xK nodes 0xNNNN."""
    words = spec.split()
    if words == ["invitee"]:
        return bytes([R_INVITEE])
    if len(words) == 2 and words[0] == "expires-at":
        return bytes([R_EXPIRES]) + struct.pack(">I", int(words[1]))
    if len(words) == 4 and words[0] == "uses" and words[2] == "nonce":
        return bytes([R_USES]) + struct.pack(">H", int(words[1])) + bytes.fromhex(words[3])
    if len(words) == 5 and words[0] == "grants" and words[1] == "kinds" and words[3] == "nodes":
        return bytes([R_GRANTS, int(words[2], 16)]) + struct.pack(">H", int(words[4], 16))
    if len(words) == 2 and words[0] == "raw":
        return bytes.fromhex(words[1])
    raise ValueError("unknown restriction cell %r" % spec)


def narrow(token, restriction, invitee):
    """Keyless narrowing: set bit 2, append the restriction, replace the tag with the next chain tag."""
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    body, tag = raw[:-16], raw[-16:]
    body = body[:1] + bytes([body[1] | FLAG_RESTRICTED]) + body[2:]
    return b64url(body + restriction + chain_step(tag, restriction, invitee))


# --- Validation ------------------------------------------------------------------------------------------------

def validate(token, channel, inviter, invitee, joiner, addressed, now, ring=PRESENT_RING, ignore_unknown_grants=False):
    """Returns the reason the document's validator gives (step by step, as the document orders them), or 'None'."""
    return check(token, channel, inviter, invitee, joiner, addressed, now, ring, ignore_unknown_grants)[0]


def check(token, channel, inviter, invitee, joiner, addressed, now, ring=PRESENT_RING, ignore_unknown_grants=False):
    """Validation (section 8): (reason, claims); the claims (root id, use limit, copy limits) once the tag verified."""
    channel, addressed = bare_jid(channel), bare_jid(addressed)
    inviter = None if inviter is None else bare_jid(inviter)
    invitee = None if invitee is None else bare_jid(invitee)
    joiner = None if joiner is None else bare_jid(joiner)
    # 1. structure
    raw = decode(token)
    if raw is None:
        return "Malformed", None
    # 2. version, 3. layout
    parts = split(raw)
    if isinstance(parts, str):
        return parts, None
    binds = {p: b for p, b in BUILT_IN.values()}.get(parts["policy"])
    if binds is None:
        return "Malformed", None
    # 4. key
    key_id = parts["key"]
    if key_id not in ring or (ring[key_id] is not None and now >= ring[key_id]):
        return "UnknownKey", None
    # 5. tag: the root over header' || grants, then the chain, compared with the carried tag
    t0 = hmac.new(channel_key(SECRETS[key_id], channel), mac_input(root_header(parts), channel, inviter, invitee, binds),
                  hashlib.sha256).digest()[:16]
    tags = chain_tags(t0, parts["chain"], invitee)
    if not hmac.compare_digest(tags[-1], parts["tag"]):
        return "BadSignature", None
    chain = parts["chain"]
    claims = {"id": token_id_of_tag(t0), "max uses": parts["max uses"], "expires": parts["expires"],
              "copies": [(copy_id(tags[i + 1]), struct.unpack(">H", r[1:3])[0]) for i, r in enumerate(chain) if r[0] == R_USES]}
    # 6. content (every built-in policy is enabled)
    expires_at = min([parts["expires"]] + [struct.unpack(">I", r[1:5])[0] for r in chain if r[0] == R_EXPIRES])
    if parts["expires"] - parts["issued"] > MAX_LIFETIME:
        return "LifetimeTooLong", claims
    if now < parts["issued"] - ISSUED_AT_TOLERANCE:
        return "NotYetValid", claims
    if now >= expires_at + EXPIRY_TOLERANCE:
        return "Expired", claims
    if addressed != channel:
        return "ChannelMismatch", claims
    if parts["policy"] == 1 and (joiner is None or invitee is None or joiner != invitee):
        return "InviteeMismatch", claims
    if any(r[0] == R_INVITEE for r in chain) and (joiner is None or joiner != invitee):
        return "InviteeMismatch", claims
    kept = 0x7F
    for r in chain:
        if r[0] == R_GRANTS:
            kept &= r[1]
    if parts["grants"] is not None and parts["grants"]["unknown"] & kept and not ignore_unknown_grants:
        return "GrantNotSupported", claims
    return "None", claims


# --- The document ----------------------------------------------------------------------------------------------

ESCAPE = re.compile(r"\\u\{([0-9A-Fa-f]{4,6})\}")


def unescape(cell):
    """JID cells: '-' is absent; \\u{XXXX} stands for the code point U+XXXX."""
    return None if cell == "-" else ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), cell)


def code(cell):
    return cell.strip().strip("`")


def table(text, name):
    start, end = text.index("<!-- vectors:%s -->" % name), text.index("<!-- /vectors:%s -->" % name)
    rows = []
    for line in text[start:end].splitlines():
        if line.startswith("| ") and not line.startswith("| id "):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def compute_valid(row):
    vid, policy, key, channel, inviter, invitee, issued, lifetime, nonce, uses = row[:10]
    policy_id, binds, required = parse_policy(policy)
    key_id = int(key)
    try:
        tok = issue(SECRETS[key_id], key_id, policy_id, binds, unescape(channel), unescape(inviter), unescape(invitee),
                    int(issued), int(lifetime), None if nonce == "-" else bytes.fromhex(nonce),
                    None if uses == "-" else int(uses), required)
    except Invalid:
        return "refused", "-"
    raw = base64.urlsafe_b64decode(tok + "=" * (-len(tok) % 4))
    return "`%s` (%d)" % (tok, len(tok)), "`%s`" % token_id_of_tag(raw[-16:])


def compute_presented(row):
    vid, tok, channel, inviter, invitee, joiner, addressed, at = row[:8]
    return validate(code(tok), unescape(channel), unescape(inviter), unescape(invitee), unescape(joiner),
                    unescape(addressed), int(at))


def valid_inputs(valid_rows, vid):
    row = next(r for r in valid_rows if r[0] == vid)
    policy_id, binds, _ = parse_policy(row[1])
    key_id = int(row[2])
    channel, inviter, invitee = (None if unescape(c) is None else bare_jid(unescape(c)) for c in row[3:6])
    issued = int(row[6])
    h = header(policy_id, key_id, issued, issued + int(row[7]), None if row[8] == "-" else bytes.fromhex(row[8]),
               None if row[9] == "-" else int(row[9]))
    return key_id, channel, mac_input(h, channel, inviter, invitee, binds)


def compute_intermediates(valid_rows, vid):
    key_id, channel, message = valid_inputs(valid_rows, vid)
    secret = SECRETS[key_id]
    full = hmac.new(channel_key(secret, channel), message, hashlib.sha256).digest()
    return {"PRK": prk(secret).hex(), "info": channel_info(channel).hex(), "channel key": channel_key(secret, channel).hex(),
            "MAC input": message.hex(), "HMAC": full.hex(), "token id": token_id_of_tag(full[:16])}


def compute_epoch(valid_rows, row):
    eid, vid, epoch = row[0], row[1], int(row[2])
    key_id, channel, message = valid_inputs(valid_rows, vid)
    key = channel_key(SECRETS[key_id], channel, epoch)
    suffix = channel_info(channel, epoch)[len(channel_info(channel)):]
    valid_row = next(r for r in valid_rows if r[0] == vid)
    h_len = 22 if valid_row[9] != "-" else 12
    tag = hmac.new(key, message, hashlib.sha256).digest()[:16]
    tok = b64url(message[len(LABEL_MAC):len(LABEL_MAC) + h_len] + tag)
    return ["`%s`" % suffix.hex() if suffix else "-", "`%s`" % key.hex(), "`%s` (%d)" % (tok, len(tok))]


# --- Grants and narrowing tables (sections 11, 13 and 14) -----------------------------------------------------------

class Vectors:
    """The document's tables, with every V, G and N id resolved to its token and presentation fields."""

    def __init__(self, text):
        self.valid = {r[0]: r for r in table(text, "valid")}
        self.grants = {r[0]: r for r in table(text, "grants")}
        self.narrowed = {r[0]: r for r in table(text, "narrowed")}

    def issue_row(self, vid):
        """The issue vector a V, G or N id goes back to."""
        if vid in self.grants:
            return self.issue_row(self.grants[vid][1])
        if vid in self.narrowed:
            return self.issue_row(self.narrowed[vid][1])
        return self.valid[vid]

    def presented(self, vid):
        """(channel, inviter, invitee) as presented with the id's token: the issue vector's, the invitee a copy's."""
        row = self.issue_row(vid)
        invitee = unescape(self.narrowed[vid][3]) if vid in self.narrowed else unescape(row[5])
        return unescape(row[3]), unescape(row[4]), invitee

    def issue(self, row, grants=b""):
        policy_id, binds, required = parse_policy(row[1])
        key_id = int(row[2])
        return issue(SECRETS[key_id], key_id, policy_id, binds, unescape(row[3]), unescape(row[4]), unescape(row[5]),
                     int(row[6]), int(row[7]), None if row[8] == "-" else bytes.fromhex(row[8]),
                     None if row[9] == "-" else int(row[9]), required, grants=grants)

    def token(self, vid):
        """The token of a V, G or N id, computed from its inputs (never read from its token cell)."""
        if vid in self.grants:
            return self.issue(self.valid[self.grants[vid][1]], grants_of_row(self.grants[vid]))
        if vid in self.narrowed:
            row = self.narrowed[vid]
            token, invitee = self.token(row[1]), self.presented(vid)[2]
            for spec in row[2].split("; "):
                token = narrow(token, restriction_bytes(spec), None if invitee is None else bare_jid(invitee))
            return token
        return self.issue(self.valid[vid])

    def made_from(self, cell, invitee):
        """A token made as a row of the narrowed-present table says: a base, then operations in order."""
        steps = cell.split("; ")
        base = re.fullmatch(r"(\w+) minted with grants ([0-9a-f]+)", steps[0])
        token = self.issue(self.valid[base.group(1)], bytes.fromhex(base.group(2))) if base else self.token(steps[0])
        context = None if invitee is None else bare_jid(invitee)
        for step in steps[1:]:
            raw = bytearray(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
            size = 22 if raw[1] & FLAG_LIMITED else 12
            start = size + (1 + raw[size] if raw[1] & FLAG_GRANTS else 0)      # where the chain starts
            repeat = re.fullmatch(r"(\d+) × (.+)", step)
            if step == "drop-last":
                chain = split_chain(bytes(raw[start:-16]))
                raw = raw[:start] + b"".join(chain[:-1]) + raw[-16:]
            elif step == "clear-bit-2":
                raw[1] &= ~FLAG_RESTRICTED
            elif step == "set-bit-2":
                raw[1] |= FLAG_RESTRICTED
            elif step.startswith("uses=") or step.startswith("expires-at="):
                kind, value = (R_USES, struct.pack(">H", int(step[5:]))) if step.startswith("uses=") else \
                    (R_EXPIRES, struct.pack(">I", int(step[11:])))
                at = start
                for r in split_chain(bytes(raw[start:-16])):
                    if r[0] == kind:
                        raw[at + 1:at + 1 + len(value)] = value
                        break
                    at += len(r)
            else:
                count, spec = (int(repeat.group(1)), repeat.group(2)) if repeat else (1, step)
                for _ in range(count):
                    token = narrow(token, restriction_bytes(spec), context)
                continue
            token = b64url(bytes(raw))
        return token


def split_chain(body):
    """The restrictions of a chain known to hold only known kinds (to edit a vector's chain)."""
    chain = []
    while body:
        size = RESTRICTION_SIZE[body[0]]
        chain.append(body[:size])
        body = body[size:]
    return chain


def grants_of_row(row):
    """The grants part of a row of the grants table: role, nodes (hex mask), nick, label; '-' is absent."""
    role, nodes, nick, label = row[2:6]
    return grants_part(None if role == "-" else int(role), 0 if nodes == "-" else int(nodes, 16),
                       unescape(nick), unescape(label))


def compute_grants(vectors, row):
    tok = vectors.token(row[0])
    raw = base64.urlsafe_b64decode(tok + "=" * (-len(tok) % 4))
    return ["`%s` (%d)" % (tok, len(tok)), "`%s`" % token_id_of_tag(raw[-16:])]


def compute_narrowed(vectors, row):
    tok = vectors.token(row[0])
    # The invitee cell is given exactly when something covers it (the policy or an invitee restriction), and the
    # copy as presented with it is valid: so the cell is an input of the vector, never decoration.
    parts = split(base64.urlsafe_b64decode(tok + "=" * (-len(tok) % 4)))
    channel, inviter, invitee = vectors.presented(row[0])
    covered = parts["policy"] == 1 or any(r[0] == R_INVITEE for r in parts["chain"])
    if covered != (invitee is not None):
        return ["invitee cell %s although the invitee is %scovered" % (row[3], "" if covered else "not "), "-"]
    joiner = invitee if invitee is not None else "anyone@example.net"
    reason = validate(tok, channel, inviter, invitee, joiner, channel, int(vectors.issue_row(row[0])[6]) + 60)
    if reason != "None":
        return ["the copy as presented is refused: " + reason, "-"]
    return ["`%s` (%d)" % (tok, len(tok)), "`%s`" % root_id(vectors, row[0])]


def root_tag(vectors, vid):
    """t0 of an id: the tag of the issued token it goes back to."""
    while vid in vectors.narrowed:
        vid = vectors.narrowed[vid][1]
    tok = vectors.token(vid)
    return base64.urlsafe_b64decode(tok + "=" * (-len(tok) % 4))[-16:]


def root_id(vectors, vid):
    return token_id_of_tag(root_tag(vectors, vid))


def compute_chain(vectors, nid):
    """The chain rows of a narrowed vector: step 0 is t0; then each restriction, its context, t_i and copy id."""
    row, invitee = vectors.narrowed[nid], vectors.presented(nid)[2]
    invitee = None if invitee is None else bare_jid(invitee)
    tok = vectors.token(nid)
    parts = split(base64.urlsafe_b64decode(tok + "=" * (-len(tok) % 4)))
    tags = chain_tags(root_tag(vectors, nid), parts["chain"], invitee)
    rows = [["0", "-", "-", "`%s`" % tags[0].hex(), "-"]]
    for i, r in enumerate(parts["chain"], 1):
        context = invitee.encode("utf-8").hex() if r[0] == R_INVITEE and invitee is not None else "-"
        rows.append([str(i), "`%s`" % r.hex(), "-" if context == "-" else "`%s`" % context, "`%s`" % tags[i].hex(),
                     "`%s`" % copy_id(tags[i]) if r[0] == R_USES else "-"])
    return rows


def compute_narrowed_present(vectors, row):
    """(token made from the row's recipe, reason the validator gives)."""
    rid, made, tok_cell, invitee, joiner, at = row[:6]
    base = re.match(r"\w+", made).group(0)
    channel, inviter, _ = vectors.presented(base)
    tok = vectors.made_from(made, unescape(invitee))
    reason = validate(tok, channel, inviter, unescape(invitee), unescape(joiner), channel, int(at))
    return ["`%s` (%d)" % (tok, len(tok)), reason]


def compute_ledger(vectors, rows):
    """Runs each sequence (L1, L2, ...) against a fresh ledger of section 11, from the document's rules."""
    results, ledger = [], None
    for row in rows:
        seq, step, action, vid, joiner, at = row[:6]
        if step == "1":
            ledger = {"entries": {}, "copies": {}}
        channel, inviter, invitee = vectors.presented(vid)
        reason, claims = check(vectors.token(vid), channel, inviter, invitee,
                               unescape(joiner), channel, int(at))
        if action not in ("redeem", "revoke") or not re.fullmatch(r"L\d+", seq):
            raise ValueError("ledger row %s %s: unknown action %r" % (seq, step, action))
        if int(step) != (1 if step == "1" or rows.index(row) == 0 or rows[rows.index(row) - 1][0] != seq
                         else int(rows[rows.index(row) - 1][1]) + 1):
            raise ValueError("ledger row %s %s: steps of a sequence are numbered 1, 2, ..." % (seq, step))
        if action == "revoke":
            # The revoker presents the invitation without a joiner: genuine once the tag verified and it is not expired.
            if claims is not None and reason != "Expired":
                ledger["entries"].setdefault(claims["id"], {"revoked": False, "uses": 0})["revoked"] = True
                reason = "None"
        elif reason == "None":
            entry = ledger["entries"].setdefault(claims["id"], {"revoked": False, "uses": 0})
            if entry["revoked"]:
                reason = "Revoked"
            elif claims["max uses"] or claims["copies"]:
                if (claims["max uses"] and entry["uses"] >= claims["max uses"]) or \
                        any(ledger["copies"].get(c, 0) >= m for c, m in claims["copies"]):
                    reason = "UsesExhausted"
                else:
                    entry["uses"] += 1
                    for c, _ in claims["copies"]:
                        ledger["copies"][c] = ledger["copies"].get(c, 0) + 1
        results.append(reason)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", metavar="DOC", help="recompute every vector of DOC; exit 1 on any mismatch")
    mode.add_argument("--print", metavar="DOC", help="print every vector of DOC as computed from its inputs")
    args = parser.parse_args()
    text = open(args.check or args.print, encoding="utf-8").read()
    printing = args.print is not None
    failures, counts = [], {}

    def report(name, row_id, expected, actual, line):
        counts[name] = counts.get(name, 0) + 1
        if printing:
            print(line)
        elif expected != actual:
            failures.append("%s %s: document says %s, reference computes %s" % (name, row_id, expected, actual))

    valid_rows = table(text, "valid")
    for row in valid_rows:
        try:
            tok, tid = compute_valid(row)
        except Unsupported as e:
            tok, tid = "unsupported (%s)" % e, "-"
        report("valid", row[0], (row[10], row[11]), (tok, tid), "| " + " | ".join(row[:10] + [tok, tid]) + " |")
    for row in table(text, "refused"):
        try:
            reason = compute_presented(row)
        except Unsupported as e:
            reason = "unsupported (%s)" % e
        report("present", row[0], row[8], reason, "| " + " | ".join(row[:8] + [reason, row[9]]) + " |")
    for row in table(text, "intermediate"):
        actual = "`%s`" % compute_intermediates(valid_rows, row[0])[row[1]]
        report("intermediate", row[0] + " " + row[1], row[2], actual, "| %s | %s | %s |" % (row[0], row[1], actual))
    for row in table(text, "epoch"):
        actual = compute_epoch(valid_rows, row)
        report("epoch", row[0], row[3:6], actual, "| " + " | ".join(row[:3] + actual) + " |")

    vectors = Vectors(text)
    for name, pattern in (("grants", r"G\d+"), ("narrowed", r"N\d+"), ("narrowed-present", r"X\d+")):
        ids = [r[0] for r in table(text, name)]
        if len(set(ids)) != len(ids) or not all(re.fullmatch(pattern, i) for i in ids):
            failures.append("%s: ids must be unique and of the form %s" % (name, pattern))
    for row in table(text, "grants"):
        actual = compute_grants(vectors, row)
        report("grants", row[0], row[6:8], actual, "| " + " | ".join(row[:6] + actual) + " |")
    chain_rows = table(text, "chain")
    for row in table(text, "narrowed"):
        actual = compute_narrowed(vectors, row)
        report("narrowed", row[0], row[4:6], actual, "| " + " | ".join(row[:4] + actual) + " |")
        documented = [r[1:] for r in chain_rows if r[0] == row[0]]
        for computed in compute_chain(vectors, row[0]):
            report("chain", row[0] + " step " + computed[0], next((d for d in documented if d[0] == computed[0]), None),
                   computed, "| " + " | ".join([row[0]] + computed) + " |")
        if len(documented) != len(compute_chain(vectors, row[0])):
            failures.append("chain %s: document gives %d steps, reference computes %d"
                            % (row[0], len(documented), len(compute_chain(vectors, row[0]))))
    if any(r[0] not in vectors.narrowed for r in chain_rows):
        failures.append("chain: rows for vectors the narrowed table does not hold")
    for row in table(text, "narrowed-present"):
        actual = compute_narrowed_present(vectors, row)
        report("narrowed-present", row[0], [row[2], row[6]], actual,
               "| " + " | ".join(row[:2] + actual[:1] + row[3:6] + actual[1:] + row[7:]) + " |")
    ledger_rows = table(text, "ledger")
    for row, actual in zip(ledger_rows, compute_ledger(vectors, ledger_rows)):
        report("ledger", row[0] + " step " + row[1], row[6], actual, "| " + " | ".join(row[:6] + [actual]) + " |")

    if printing:
        return 0
    for failure in failures:
        print("MISMATCH " + failure)
    print("token-format vectors: %s; %d mismatches" % (", ".join("%d %s" % (n, k) for k, n in counts.items()), len(failures)))
    missing = [name for name in ("valid", "present", "intermediate", "epoch", "grants", "narrowed", "chain",
                                 "narrowed-present", "ledger") if not counts.get(name)]
    if missing:
        print("no vectors found in table(s): " + ", ".join(missing))
    return 1 if failures or missing else 0


if __name__ == "__main__":
    sys.exit(main())
