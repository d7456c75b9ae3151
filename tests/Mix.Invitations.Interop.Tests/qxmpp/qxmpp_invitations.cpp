// The QXmpp side of the XEP-0407 interop test (issue 21, requirement 6): reads and writes <invitation/> elements
// with QXmppMixInvitation, the class a QXmpp client (Kaidan, say) uses, as Debian's libqxmpp-dev (1.4) ships it.
//
// Built by QXmppInvitationFixture (QXmpp/QXmppProgram.cs) with:
//   g++ -std=c++17 -fPIC -O1 qxmpp_invitations.cpp -o qxmpp_invitations $(pkg-config --cflags --libs qxmpp Qt5Xml Qt5Core)
//
// Input on stdin: a JSON array of operations; output on stdout: a JSON array with one result per operation.
//   {"op":"read","kind":"message","xml":"<message …>…</message>"}
//       QXmppMessage::parse, then mixInvitation(): what a client does with an invitation it receives.
//   {"op":"read","kind":"element","xml":"…"}
//       every element named invitation in the document (with namespace processing, as QXmpp parses a stream),
//       filtered by QXmppMixInvitation::isMixInvitation; exactly one must pass, and it is parsed.
//   → {"found":true,"candidates":N,"accepted":N,"inviter":"…","invitee":"…","channel":"…","token":"…"}
//     or {"found":false,…} or {"error":"…"} when the XML does not parse.
//   {"op":"write","kind":"element"|"message","inviter":"…","invitee":"…","channel":"…","token":"…","to":"…"}
//       setInviterJid/setInviteeJid/setChannelJid/setToken (a field not given is left unset), then
//       QXmppMixInvitation::toXml, or QXmppMessage::toXml of a message to "to" carrying it (setMixInvitation).
//   → {"xml":"…"}
// Nothing is logged: the tokens are the test's own, but the program prints only the JSON results.

#include <QByteArray>
#include <QDomDocument>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>
#include <QXmlStreamWriter>

#include <QXmppMessage.h>
#include <QXmppMixInvitation.h>

#include <cstdio>
#include <optional>

namespace {

QJsonObject fields(const QXmppMixInvitation &invitation)
{
    QJsonObject result;
    result["inviter"] = invitation.inviterJid();
    result["invitee"] = invitation.inviteeJid();
    result["channel"] = invitation.channelJid();
    result["token"] = invitation.token();
    return result;
}

void collect(const QDomElement &element, QList<QDomElement> &found)
{
    if (element.localName() == QStringLiteral("invitation")) {
        found.append(element);
    }
    for (auto child = element.firstChildElement(); !child.isNull(); child = child.nextSiblingElement()) {
        collect(child, found);
    }
}

QJsonObject read(const QJsonObject &op)
{
    QDomDocument document;
    QString message;
    int line = 0;
    int column = 0;
    if (!document.setContent(op["xml"].toString(), true, &message, &line, &column)) {
        QJsonObject error;
        error["error"] = QStringLiteral("not well-formed at %1:%2: %3").arg(line).arg(column).arg(message);
        return error;
    }

    const auto kind = op["kind"].toString();
    if (kind == QStringLiteral("message")) {
        QXmppMessage stanza;
        stanza.parse(document.documentElement());
        const auto invitation = stanza.mixInvitation();
        QJsonObject result = invitation ? fields(*invitation) : QJsonObject();
        result["found"] = invitation.has_value();
        return result;
    }

    QList<QDomElement> candidates;
    collect(document.documentElement(), candidates);
    QList<QDomElement> accepted;
    for (const auto &candidate : candidates) {
        if (QXmppMixInvitation::isMixInvitation(candidate)) {
            accepted.append(candidate);
        }
    }

    QJsonObject result;
    if (accepted.size() == 1) {
        QXmppMixInvitation invitation;
        invitation.parse(accepted.first());
        result = fields(invitation);
    }
    result["found"] = accepted.size() == 1;
    result["candidates"] = candidates.size();
    result["accepted"] = accepted.size();
    return result;
}

QJsonObject write(const QJsonObject &op)
{
    QXmppMixInvitation invitation;
    if (op.contains("inviter")) {
        invitation.setInviterJid(op["inviter"].toString());
    }
    if (op.contains("invitee")) {
        invitation.setInviteeJid(op["invitee"].toString());
    }
    if (op.contains("channel")) {
        invitation.setChannelJid(op["channel"].toString());
    }
    if (op.contains("token")) {
        invitation.setToken(op["token"].toString());
    }

    QString xml;
    QXmlStreamWriter writer(&xml);
    if (op["kind"].toString() == QStringLiteral("message")) {
        QXmppMessage stanza;
        stanza.setTo(op["to"].toString());
        stanza.setMixInvitation(invitation);
        stanza.toXml(&writer);
    } else {
        invitation.toXml(&writer);
    }

    QJsonObject result;
    result["xml"] = xml;
    return result;
}

}  // namespace

int main()
{
    QFile in;
    if (!in.open(stdin, QIODevice::ReadOnly)) {
        std::fputs("cannot read stdin\n", stderr);
        return 2;
    }

    QJsonParseError parseError;
    const auto input = QJsonDocument::fromJson(in.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !input.isArray()) {
        std::fprintf(stderr, "stdin is not a JSON array: %s\n", qPrintable(parseError.errorString()));
        return 2;
    }

    QJsonArray results;
    for (const auto &value : input.array()) {
        const auto op = value.toObject();
        const auto name = op["op"].toString();
        if (name == QStringLiteral("read")) {
            results.append(read(op));
        } else if (name == QStringLiteral("write")) {
            results.append(write(op));
        } else {
            std::fprintf(stderr, "unknown op: %s\n", qPrintable(name));
            return 2;
        }
    }

    const auto output = QJsonDocument(results).toJson(QJsonDocument::Compact);
    std::fwrite(output.constData(), 1, static_cast<size_t>(output.size()), stdout);
    std::fputc('\n', stdout);
    return 0;
}
