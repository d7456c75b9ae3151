// Mix.Invitations landing page. Reads the invitation from the URI fragment, which the browser never sends to a server:
// the token stays in this page. The page makes no request that carries it (no query string, no analytics, and the
// Referrer-Policy header and meta tag send no referrer). Everything read from the link is untrusted and is written to
// the page only as text.
(function () {
  'use strict';

  var main = document.getElementById('landing');
  var strings = main.dataset;
  var lang = document.documentElement.lang || 'en';

  // A link is 8 KiB at most, as InvitationReaderSettings.MaxUriLength allows by default.
  var maxLinkLength = 8192;

  function byId(id) { return document.getElementById(id); }

  function decode(text) {
    try { return decodeURIComponent(text); } catch (e) { return null; }
  }

  // The fragment is "channel?join;preauth=TOKEN[;inviter=JID][;invitee=JID]", optionally behind "xmpp:", as
  // InvitationUri builds and parses it; "mix" as the action and "&" as a separator are accepted too.
  function parseLink(fragment) {
    var body = fragment.charAt(0) === '#' ? fragment.slice(1) : fragment;
    if (body === '') { return { missing: true }; }
    if (/^xmpp:/i.test(body)) { body = body.slice(5); }
    if (body.length > maxLinkLength || /[\s\u0000-\u001f\u007f]/.test(body)) { return null; }
    var question = body.indexOf('?');
    if (question <= 0) { return null; }
    var channel = decode(body.slice(0, question));
    if (!channel || !/^(?:[^@\/\s]+@)?[^@\/\s]+$/.test(channel)) { return null; }
    var parts = body.slice(question + 1).split(/[;&]/);
    if (parts[0] !== 'join' && parts[0] !== 'mix') { return null; }
    var found = {};
    for (var i = 1; i < parts.length; i++) {
      if (parts[i] === '') { continue; }
      var equals = parts[i].indexOf('=');
      var key = decode(equals < 0 ? parts[i] : parts[i].slice(0, equals));
      if (key !== 'preauth' && key !== 'inviter' && key !== 'invitee') { continue; }
      if (equals < 0 || Object.prototype.hasOwnProperty.call(found, key)) { return null; }
      var value = decode(parts[i].slice(equals + 1));
      if (!value) { return null; }
      if (key !== 'preauth' && !/^(?:[^@\/\s]+@)?[^@\/\s]+(?:\/.*)?$/.test(value)) { return null; }
      found[key] = value;
    }
    if (!found.preauth) { return null; }
    return { uri: 'xmpp:' + body, channel: channel, inviter: found.inviter || null, invitee: found.invitee || null, token: found.preauth };
  }

  // docs/token-format.md sections 2, 13 and 14: version 0x01, flags (bit 0 use-limited, bit 1 grants, bit 2
  // restrictions), policy id, key id, issued-at and expires-at (unsigned 32-bit big-endian seconds), then nonce and max
  // uses when use-limited (a 12- or 22-byte header); then, with bit 1, the grants (a length byte L, then L bytes of
  // entries); then, with bit 2, 1 to 8 restrictions (kind 1 invitee: 1 byte; 2 expires-at: 5; 3 uses: 11; 4 grants
  // kept: 4); then a 16-byte tag; 160 bytes at most. Nothing here is verified: the layout is read for display only.
  var maxTokenBytes = 160;
  var restrictionSizes = [0, 1, 5, 11, 4];

  // The grants' entries: (kind << 5 | length) then the value, kinds strictly ascending; kinds 5-7 are skipped unread
  // (a validator decides whether it honours them).
  function grantsAreWellFormed(g) {
    var last = 0;
    for (var i = 0; i < g.length;) {
      var kind = g[i] >> 5, length = g[i] & 31, v = g.slice(i + 1, i + 1 + length);
      if (kind <= last || v.length !== length) { return false; }
      if ((kind === 1 && (length !== 1 || v[0] === 0)) ||
          (kind === 2 && (length !== 2 || (v[0] & 0xFC) !== 0 || (v[0] | v[1]) === 0)) ||
          ((kind === 3 || kind === 4) && (length === 0 || length > (kind === 3 ? 16 : 10)))) { return false; }
      last = kind;
      i += 1 + length;
    }
    return last > 0;
  }

  function readHeader(token) {
    if (!/^[A-Za-z0-9_-]+$/.test(token) || token.length < 38 || token.length > Math.ceil(maxTokenBytes * 4 / 3) || token.length % 4 === 1) { return null; }
    var binary;
    try {
      binary = atob(token.replace(/-/g, '+').replace(/_/g, '/') + '=='.slice(0, (4 - token.length % 4) % 4));
    } catch (e) { return null; }
    var b = [];
    for (var i = 0; i < binary.length; i++) { b.push(binary.charCodeAt(i)); }
    if (b[0] !== 1 || (b[1] & 0xF8) !== 0) { return null; }
    var limited = (b[1] & 1) === 1, hasGrants = (b[1] & 2) === 2, restricted = (b[1] & 4) === 4;
    var headerSize = limited ? 22 : 12;
    if (b.length < headerSize + 16 || b.length > maxTokenBytes) { return null; }
    var u32 = function (o) { return b[o] * 16777216 + ((b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]); };
    var header = { issuedAt: u32(4), expiresAt: u32(8), maxUses: limited ? (b[20] << 8) | b[21] : null, inviteeRestricted: false };
    if (header.expiresAt <= header.issuedAt || header.maxUses === 0) { return null; }
    var body = b.slice(headerSize, b.length - 16);
    if (hasGrants) {
      var length = body[0];
      if (!(length >= 1 && length <= 33 && length < body.length) || !grantsAreWellFormed(body.slice(1, 1 + length))) { return null; }
      body = body.slice(1 + length);
    }
    if (!restricted) { return body.length === 0 ? header : null; }
    for (var count = 0; body.length > 0; count++) {
      var kind = body[0], size = restrictionSizes[kind];
      if (count === 8 || !size || body.length < size) { return null; }
      if (kind === 1) { header.inviteeRestricted = true; }
      if (kind === 2) {
        var until = body[1] * 16777216 + ((body[2] << 16) | (body[3] << 8) | body[4]);
        if (until <= header.issuedAt) { return null; }
        header.expiresAt = Math.min(header.expiresAt, until); // the effective expiry: the earliest of them all
      }
      if ((kind === 3 && (body[1] | body[2]) === 0) || (kind === 4 && (!hasGrants || (body[1] & 0x80) !== 0 || (body[2] & 0xFC) !== 0))) { return null; }
      body = body.slice(size);
    }
    return count > 0 ? header : null;
  }

  function formatDate(date) {
    try {
      return new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeStyle: 'short' }).format(date);
    } catch (e) {
      return date.toUTCString();
    }
  }

  function showError(id) {
    var element = byId(id);
    element.hidden = false;
    element.focus();
  }

  function qrCode(uri) {
    // qrcode-generator (MIT, bundled as qrcode.js): type 0 picks the smallest version that holds the URI.
    var qr = qrcode(0, 'M');
    qr.addData(uri, 'Byte');
    qr.make();
    return qr.createDataURL(5, 20);
  }

  function copyLegacy(input) {
    input.focus();
    input.select();
    try { return document.execCommand('copy'); } catch (e) { return false; }
  }

  function render() {
    var link = parseLink(window.location.hash);
    if (link && link.missing) { showError('missing'); return; }
    var header = link && readHeader(link.token);
    // A copy narrowed to one invitee admits only the invitee the link names: without invitee= it admits nobody.
    if (!link || !header || (header.inviteeRestricted && !link.invitee)) { showError('malformed'); return; }

    byId('channel').textContent = link.channel;
    if (link.inviter) {
      byId('inviter').textContent = link.inviter;
      byId('inviter-row').hidden = false;
    }
    if (link.invitee) {
      byId('invitee').textContent = link.invitee;
      byId('invitee-row').hidden = false;
    }
    if (header.inviteeRestricted) {
      var personal = byId('personal');
      personal.textContent = strings.personal.replace('{0}', link.invitee);
      personal.hidden = false;
    }
    var expires = new Date(header.expiresAt * 1000);
    var time = byId('expires');
    time.dateTime = expires.toISOString().replace('.000Z', 'Z');
    time.textContent = formatDate(expires);
    byId('expires-row').hidden = false;
    byId('invitation').hidden = false;

    if (expires.getTime() <= Date.now()) {
      byId('join').hidden = true;
      var expired = byId('expired');
      expired.textContent = strings.expired.replace('{0}', formatDate(expires));
      showError('expired');
      return;
    }

    var input = byId('uri');
    input.value = link.uri;
    byId('open').href = link.uri;
    byId('qr').src = qrCode(link.uri);
    var status = byId('copy-status');
    byId('copy').addEventListener('click', function () {
      var done = function (ok) {
        status.textContent = '';
        window.setTimeout(function () { status.textContent = ok ? strings.copied : strings.copyFailed; }, 50);
        if (!ok) { input.focus(); input.select(); }
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(link.uri).then(function () { done(true); }, function () { done(copyLegacy(input)); });
      } else {
        done(copyLegacy(input));
      }
    });
  }

  // A new fragment in the same tab is a new invitation: read it from scratch.
  window.addEventListener('hashchange', function () { window.location.reload(); });
  render();
}());
