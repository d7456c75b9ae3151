// A thin, generic XMPP client for the interop tests, built on xmpp.js (@xmpp/client), which nobody on this
// project wrote. The test process drives it over stdin/stdout with one JSON object per line:
//
//   {"seq":1,"op":"login","session":"alice","service":"xmpp://127.0.0.1:5222","domain":"localhost",
//    "username":"alice","password":"…","resource":"interop","mechanism":"PLAIN"}
//       -> {"seq":1,"ok":true,"jid":"alice@localhost/interop"}
//   {"seq":2,"op":"send","session":"alice","stanza":"<iq type='get' id='i1' to='…'>…</iq>","timeoutMs":10000}
//       -> {"seq":2,"ok":true,"reply":"<iq xmlns='jabber:client' type='result' id='i1' …>…</iq>"}
//   {"seq":3,"op":"quit"} -> {"seq":3,"ok":true}, then the process exits.
//
// Commands run concurrently; answers may come in any order and are matched by seq.
// "send" parses the stanza, sends it through the client's normal pipeline (the server authenticates the session
// and stamps the from), and waits for the stanza of the same id coming back. A failure is {"ok":false,"error":"…"}.
// Nothing but those JSON lines is written to stdout; diagnostics go to stderr.
import { client } from "@xmpp/client";
import parse from "ltx/lib/parse.js";
import readline from "node:readline";

const sessions = new Map();

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

async function send(command) {
  const session = sessions.get(command.session);
  if (!session) throw new Error(`no session '${command.session}': log in first`);
  const stanza = parse(command.stanza);
  const id = stanza.attrs.id;
  if (!id) throw new Error("the stanza needs an id to match its reply");
  const timeoutMs = command.timeoutMs ?? 10000;
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
  const received = await answer;
  return { reply: received.toString() };
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

const ops = { login, send, quit };
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
