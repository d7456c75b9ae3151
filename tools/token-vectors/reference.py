#!/usr/bin/env python3
"""Independent reference implementation of Mix.Invitations token format v1 (docs/token-format.md).

Written from the document alone, with nothing but Python's standard library, so every vector in the document is
checked by two implementations: this one and the C# library (TokenFormatVectorTests).

    python3 tools/token-vectors/reference.py --check docs/token-format.md
        Reads the four vector tables out of the document, recomputes every row, and exits with status 1 on any
        mismatch (CI runs this).
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
          required=(), epoch=0):
    """Issues a token from raw JID strings; raises Invalid where the document says the issuer must refuse."""
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
    full = hmac.new(channel_key(secret, channel, epoch), mac_input(h, channel, inviter, invitee, binds),
                    hashlib.sha256).digest()
    return b64url(h + full[:16])


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


# --- Validation ------------------------------------------------------------------------------------------------

def validate(token, channel, inviter, invitee, joiner, addressed, now, ring=PRESENT_RING):
    """Returns the reason the document's validator gives (step by step, as the document orders them), or 'None'."""
    channel, addressed = bare_jid(channel), bare_jid(addressed)
    inviter = None if inviter is None else bare_jid(inviter)
    invitee = None if invitee is None else bare_jid(invitee)
    joiner = None if joiner is None else bare_jid(joiner)
    # 1. structure
    if not token or len(token) > 64 or any(c not in ALPHABET for c in token) or len(token) % 4 == 1:
        return "Malformed"
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    if b64url(raw) != token or len(raw) < 2:
        return "Malformed"
    # 2. version
    if raw[0] != 1:
        return "UnsupportedVersion"
    # 3. layout
    if raw[1] & 0xFE:
        return "Malformed"
    size = 22 if raw[1] & 1 else 12
    if len(raw) != size + 16:
        return "Malformed"
    policy_id, key_id = raw[2], raw[3]
    issued_at, expires_at = struct.unpack(">II", raw[4:12])
    if expires_at <= issued_at or (size == 22 and struct.unpack(">H", raw[20:22])[0] == 0):
        return "Malformed"
    binds = {p: b for p, b in BUILT_IN.values()}.get(policy_id)
    if binds is None:
        return "Malformed"
    # 4. key
    if key_id not in ring or (ring[key_id] is not None and now >= ring[key_id]):
        return "UnknownKey"
    # 5. tag
    full = hmac.new(channel_key(SECRETS[key_id], channel), mac_input(raw[:size], channel, inviter, invitee, binds),
                    hashlib.sha256).digest()
    if not hmac.compare_digest(full[:16], raw[size:]):
        return "BadSignature"
    # 6. content (every built-in policy is enabled)
    if expires_at - issued_at > MAX_LIFETIME:
        return "LifetimeTooLong"
    if now < issued_at - ISSUED_AT_TOLERANCE:
        return "NotYetValid"
    if now >= expires_at + EXPIRY_TOLERANCE:
        return "Expired"
    if addressed != channel:
        return "ChannelMismatch"
    if policy_id == 1 and (joiner is None or invitee is None or joiner != invitee):
        return "InviteeMismatch"
    return "None"


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

    if printing:
        return 0
    for failure in failures:
        print("MISMATCH " + failure)
    print("token-format vectors: %s; %d mismatches" % (", ".join("%d %s" % (n, k) for k, n in counts.items()), len(failures)))
    missing = [name for name in ("valid", "present", "intermediate", "epoch") if not counts.get(name)]
    if missing:
        print("no vectors found in table(s): " + ", ".join(missing))
    return 1 if failures or missing else 0


if __name__ == "__main__":
    sys.exit(main())
