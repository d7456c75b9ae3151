// A thin, generic XMPP client for the interop tests, built on xmpp.js (@xmpp/client), which nobody on this
// project wrote. The test process drives it over stdin/stdout with one JSON object per line:
//
//   {"seq":1,"op":"login","session":"alice","service":"xmpp://127.0.0.1:5222","domain":"localhost",
//    "username":"alice","password":"…","resource":"interop","mechanism":"PLAIN"}
//       -> {"seq":1,"ok":true,"jid":"alice@localhost/interop"}
//   {"seq":2,"op":"send","session":"alice","stanza":"<iq type='get' id='i1' to='…'>…</iq>","timeoutMs":10000}
//       -> {"seq":2,"ok":true,"reply":"<iq xmlns='jabber:client' type='result' id='i1' …>…</iq>"}
//   {"seq":3,"op":"command","session":"bob","to":"room@mix.localhost","node":"urn:…:create",
//    "submissions":[{"action":"complete","fields":{"policy":"unbound","uses":"2"}}],"timeoutMs":10000}
//       -> {"seq":3,"ok":true,"form":"<iq …executing…>","replies":["<iq …completed…>"]}
//   {"seq":4,"op":"quit"} -> {"seq":4,"ok":true}, then the process exits.
//
// Commands run concurrently; answers may come in any order and are matched by seq.
// "send" parses the stanza, sends it through the client's normal pipeline (the server authenticates the session
// and stamps the from), and waits for the stanza of the same id coming back. A failure is {"ok":false,"error":"…"}.
// "command" runs an XEP-0050 ad-hoc command as a client that renders forms does: it executes the node, reads the
// XEP-0004 form it gets back, fills the fields named in each submission (a field the form does not have is an
// error: the test would be filling a form that is not there), keeps every other field's default value (hidden
// fields included) and submits with the submission's action, in the session the responder opened. Each submission
// is sent only while the previous reply leaves the session open (an error, or status "executing"); "cancel" sends
// no form. When the execute step is an error, "form" is that error and "replies" is empty.
// Nothing but those JSON lines is written to stdout; diagnostics go to stderr.
import { client, xml } from "@xmpp/client";
import parse from "ltx/lib/parse.js";
import readline from "node:readline";

const sessions = new Map();
const COMMANDS = "http://jabber.org/protocol/commands";
const DATA = "jabber:x:data";
let nextId = 0;

function reply(message) {
  process.stdout.write(JSON.stringify(message) + "\n");
}

async function login(command) {
  const credentials = { username: command.username, password: command.password };
  const xmpp = client({
    service: command.service,
    domain: command.domain,
    resource: command.resource ?? "interop",
    // "mechanism" picks a SASL mechanism the server offers (e.g. PLAIN: xmpp.js's SCRAM-SHA-1 makes 10 000 async
    // WebCrypto calls per login, seconds on a busy machine); without it xmpp.js chooses as it always does.
    credentials: command.mechanism
      ? async (authenticate, mechanisms) => {
          if (!mechanisms.includes(command.mechanism)) {
            throw new Error(`the server offers ${mechanisms.join(", ")}, not ${command.mechanism}`);
          }
          await authenticate(credentials, command.mechanism);
        }
      : credentials,
  });
  xmpp.reconnect.stop();
  const waiting = new Map();
  xmpp.on("error", (err) => process.stderr.write(`[${command.session}] error: ${err}\n`));
  xmpp.on("stanza", (stanza) => {
    const id = stanza.attrs.id;
    const pending = id && waiting.get(id);
    if (pending) {
      waiting.delete(id);
      pending(stanza);
    }
  });
  const address = await xmpp.start();
  sessions.set(command.session, { xmpp, waiting });
  return { jid: address.toString() };
}

function sessionOf(command) {
  const session = sessions.get(command.session);
  if (!session) throw new Error(`no session '${command.session}': log in first`);
  return session;
}

async function send(command) {
  const received = await request(sessionOf(command), parse(command.stanza), command.timeoutMs ?? 10000);
  return { reply: received.toString() };
}

// The values a field of a submitted form carries: the test's, else the form's defaults.
function submittedField(field, given) {
  const name = field.attrs.var;
  const values = given !== undefined
    ? (Array.isArray(given) ? given : [given])
    : field.getChildren("value").map((v) => v.text());
  return xml("field", { var: name }, ...values.map((v) => xml("value", {}, v)));
}

async function command(c) {
  const session = sessionOf(c);
  const timeoutMs = c.timeoutMs ?? 10000;
  const execute = xml("iq", { type: "set", to: c.to, id: `cmd${++nextId}` },
    xml("command", { xmlns: COMMANDS, node: c.node, action: "execute" }));
  const first = await request(session, execute, timeoutMs);
  const replies = [];
  if (first.attrs.type !== "result") return { form: first.toString(), replies };
  let sessionid = first.getChild("command", COMMANDS)?.attrs.sessionid;
  const form = first.getChild("command", COMMANDS)?.getChild("x", DATA);
  let previous = first;
  for (const submission of c.submissions ?? []) {
    const status = previous.getChild("command", COMMANDS)?.attrs.status;
    if (previous.attrs.type === "result" && status !== "executing") break; // completed or canceled: nothing to submit to
    const action = submission.action ?? "complete";
    const payload = [];
    if (action !== "cancel") {
      if (!form) throw new Error(`the command ${c.node} sent no form to fill`);
      const fields = submission.fields ?? {};
      const known = new Set(form.getChildren("field").map((f) => f.attrs.var));
      for (const name of Object.keys(fields)) {
        if (!known.has(name)) throw new Error(`the form of ${c.node} has no field '${name}' (it has ${[...known].join(", ")})`);
      }
      payload.push(xml("x", { xmlns: DATA, type: "submit" },
        ...form.getChildren("field").filter((f) => f.attrs.var && f.attrs.type !== "fixed").map((f) => submittedField(f, fields[f.attrs.var]))));
    }
    const stanza = xml("iq", { type: "set", to: c.to, id: `cmd${++nextId}` },
      xml("command", { xmlns: COMMANDS, node: c.node, sessionid: submission.sessionid ?? sessionid, action }, ...payload));
    previous = await request(session, stanza, timeoutMs);
    replies.push(previous.toString());
  }
  return { form: first.toString(), replies };
}

// Sends a stanza and waits for the one of the same id coming back.
async function request(session, stanza, timeoutMs) {
  const id = stanza.attrs.id;
  if (!id) throw new Error("the stanza needs an id to match its reply");
  const answer = new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      session.waiting.delete(id);
      reject(new Error(`no reply to '${id}' within ${timeoutMs} ms`));
    }, timeoutMs);
    session.waiting.set(id, (received) => {
      clearTimeout(timer);
      resolve(received);
    });
  });
  await session.xmpp.send(stanza);
  return answer;
}

async function quit() {
  for (const { xmpp } of sessions.values()) {
    try {
      await xmpp.stop();
    } catch (err) {
      process.stderr.write(`stop: ${err}\n`);
    }
  }
  sessions.clear();
}

const ops = { login, send, command, quit };
const input = readline.createInterface({ input: process.stdin });
const running = new Set();
// Commands run concurrently (several users log in at once); each answer carries its command's seq.
input.on("line", (line) => {
  if (!line.trim()) return;
  const task = (async () => {
    let command;
    try {
      command = JSON.parse(line);
      const op = ops[command.op];
      if (!op) throw new Error(`unknown op '${command.op}'`);
      const result = await op(command);
      reply({ seq: command.seq, ok: true, ...result });
      if (command.op === "quit") process.exit(0);
    } catch (err) {
      reply({ seq: command?.seq, ok: false, error: String(err?.message ?? err) });
    }
  })();
  running.add(task);
  task.finally(() => running.delete(task));
});
input.on("close", () => Promise.allSettled([...running]).then(quit).then(() => process.exit(0)));
