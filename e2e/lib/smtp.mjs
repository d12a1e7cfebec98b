// SPDX-License-Identifier: AGPL-3.0-or-later
// A tiny in-memory SMTP sink (plain `net`, no dependency) for browser journeys:
// it accepts every message, keeps it in memory and lets tests wait for one.
import net from 'node:net';

/**
 * Start the sink on 127.0.0.1 (random port unless given).
 * Returns { port, url, messages, waitForMessage(predicate, timeoutMs), clear(), close() }.
 * Each message is { from, to: [...], data, headers, subject, text, html }.
 */
export async function startSmtpSink({ port = 0, hostname = 'promeneurs-e2e.test' } = {}) {
  const messages = [];
  const waiters = new Set();
  const sockets = new Set();

  const deliver = (msg) => {
    messages.push(msg);
    for (const w of [...waiters]) {
      if (safeMatch(w.predicate, msg)) {
        waiters.delete(w);
        clearTimeout(w.timer);
        w.resolve(msg);
      }
    }
  };

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const reply = (line) => socket.write(`${line}\r\n`);
    let buffer = Buffer.alloc(0);
    let mode = 'command'; // 'command' | 'data' | 'auth-plain' | 'auth-login-user' | 'auth-login-pass'
    let envelope = { from: null, to: [] };
    let dataLines = [];

    reply(`220 ${hostname} ESMTP promeneurs-e2e sink`);

    const onLine = (lineBuf) => {
      if (mode === 'data') {
        const line = lineBuf.toString('utf8');
        if (line === '.') {
          const data = dataLines.join('\r\n') + '\r\n';
          deliver({ from: envelope.from, to: [...envelope.to], data, ...parseMessage(data) });
          envelope = { from: null, to: [] };
          dataLines = [];
          mode = 'command';
          reply('250 2.0.0 OK: queued');
        } else {
          dataLines.push(line.startsWith('.') ? line.slice(1) : line); // dot-unstuffing
        }
        return;
      }
      const line = lineBuf.toString('utf8');
      if (mode === 'auth-plain' || mode === 'auth-login-pass') {
        mode = 'command';
        return reply('235 2.7.0 Authentication successful');
      }
      if (mode === 'auth-login-user') {
        mode = 'auth-login-pass';
        return reply('334 UGFzc3dvcmQ6');
      }
      const verb = line.split(' ', 1)[0].toUpperCase();
      const arg = line.slice(verb.length).trim();
      switch (verb) {
        case 'EHLO':
          socket.write(
            `250-${hostname} greets ${arg || 'client'}\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n` +
              `250-PIPELINING\r\n250-AUTH PLAIN LOGIN\r\n250 SIZE 10485760\r\n`,
          );
          return;
        case 'HELO':
          return reply(`250 ${hostname}`);
        case 'MAIL': {
          const m = /^FROM:\s*<([^>]*)>/i.exec(arg);
          if (!m) return reply('501 5.5.4 Syntax: MAIL FROM:<address>');
          envelope = { from: m[1], to: [] };
          return reply('250 2.1.0 OK');
        }
        case 'RCPT': {
          const m = /^TO:\s*<([^>]*)>/i.exec(arg);
          if (!m) return reply('501 5.5.4 Syntax: RCPT TO:<address>');
          if (envelope.from === null) return reply('503 5.5.1 MAIL first');
          envelope.to.push(m[1]);
          return reply('250 2.1.5 OK');
        }
        case 'DATA':
          if (!envelope.to.length) return reply('503 5.5.1 RCPT first');
          mode = 'data';
          dataLines = [];
          return reply('354 End data with <CR><LF>.<CR><LF>');
        case 'RSET':
          envelope = { from: null, to: [] };
          return reply('250 2.0.0 OK');
        case 'NOOP':
          return reply('250 2.0.0 OK');
        case 'VRFY':
          return reply('252 2.0.0 Cannot VRFY user');
        case 'AUTH': {
          const [mech, initial] = arg.split(/\s+/);
          if (/^PLAIN$/i.test(mech)) {
            if (initial) return reply('235 2.7.0 Authentication successful');
            mode = 'auth-plain';
            return reply('334 ');
          }
          if (/^LOGIN$/i.test(mech)) {
            mode = initial ? 'auth-login-pass' : 'auth-login-user';
            return reply(initial ? '334 UGFzc3dvcmQ6' : '334 VXNlcm5hbWU6');
          }
          return reply('504 5.5.4 Unrecognized authentication type');
        }
        case 'STARTTLS':
          return reply('454 4.7.0 TLS not available');
        case 'QUIT':
          reply('221 2.0.0 Bye');
          socket.end();
          return;
        default:
          return reply('502 5.5.2 Command not recognized');
      }
    };

    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      let idx;
      while ((idx = buffer.indexOf(0x0a)) !== -1) {
        let end = idx;
        if (end > 0 && buffer[end - 1] === 0x0d) end -= 1;
        const line = buffer.subarray(0, end);
        buffer = buffer.subarray(idx + 1);
        onLine(line);
      }
    });
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const actualPort = server.address().port;

  return {
    port: actualPort,
    url: `smtp://127.0.0.1:${actualPort}`,
    messages,
    /** Resolve with the first message (already received or to come) matching `predicate`. */
    waitForMessage(predicate = () => true, timeoutMs = 15_000) {
      const found = messages.find((m) => safeMatch(predicate, m));
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const w = { predicate, resolve };
        w.timer = setTimeout(() => {
          waiters.delete(w);
          const seen = messages.map((m) => `  to=${m.to.join(',')} subject=${JSON.stringify(m.subject)}`).join('\n');
          reject(new Error(`No matching e-mail within ${timeoutMs} ms; received ${messages.length}:\n${seen}`));
        }, timeoutMs);
        waiters.add(w);
      });
    },
    clear() {
      messages.length = 0;
    },
    async close() {
      for (const w of waiters) {
        clearTimeout(w.timer);
      }
      waiters.clear();
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function safeMatch(predicate, msg) {
  try {
    return Boolean(predicate(msg));
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- MIME parsing

/** Split a raw message (or MIME part) into lower-cased, unfolded headers and body. */
export function splitHeaders(raw) {
  const sep = /\r?\n\r?\n/.exec(raw);
  const head = sep ? raw.slice(0, sep.index) : raw;
  const body = sep ? raw.slice(sep.index + sep[0].length) : '';
  const headers = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    const value = line.slice(i + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return { headers, body };
}

function headerParam(value = '', name) {
  const m = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(value);
  return m ? (m[1] ?? m[2]) : undefined;
}

function decodeBytes(bytes, charset = 'utf-8') {
  try {
    return new TextDecoder(charset.toLowerCase()).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

/** Quoted-printable (RFC 2045) to bytes. */
export function decodeQuotedPrintable(text) {
  const soft = text.replace(/=\r?\n/g, '');
  const bytes = [];
  for (let i = 0; i < soft.length; i++) {
    const c = soft[i];
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(c, 'utf8'));
    }
  }
  return Buffer.from(bytes);
}

function decodeTransfer(body, encoding = '7bit') {
  switch (encoding.trim().toLowerCase()) {
    case 'quoted-printable':
      return decodeQuotedPrintable(body);
    case 'base64':
      return Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
    default: // 7bit, 8bit, binary
      return Buffer.from(body, 'utf8');
  }
}

/** Decode RFC 2047 encoded words (=?utf-8?B?...?= and =?utf-8?Q?...?=). */
export function decodeMimeWords(value = '') {
  const word = /=\?([^?*]+)(?:\*[^?]*)?\?([BbQq])\?([^?]*)\?=/g;
  // Adjacent encoded words are decoded together: a multi-byte character may
  // be split across two of them.
  return value.replace(/=\?[^?]+\?[BbQq]\?[^?]*\?=(?:\s*=\?[^?]+\?[BbQq]\?[^?]*\?=)*/g, (run) => {
    let charset = 'utf-8';
    const chunks = [];
    for (const [, cs, enc, text] of run.matchAll(word)) {
      charset = cs;
      chunks.push(
        enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : decodeQuotedPrintable(text.replace(/_/g, ' ')),
      );
    }
    return decodeBytes(Buffer.concat(chunks), charset);
  });
}

/** Walk a MIME entity; returns a flat list of leaf parts { type, text }. */
function leafParts(raw) {
  const { headers, body } = splitHeaders(raw);
  const ctype = headers['content-type'] || 'text/plain; charset=utf-8';
  const type = ctype.split(';', 1)[0].trim().toLowerCase();
  if (type.startsWith('multipart/')) {
    const boundary = headerParam(ctype, 'boundary');
    if (!boundary) return [];
    const parts = [];
    const chunks = body.split(new RegExp(`\\r?\\n?--${boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    for (const chunk of chunks.slice(1)) {
      if (chunk.startsWith('--')) break; // closing delimiter
      parts.push(...leafParts(chunk.replace(/^[ \t]*\r?\n/, '')));
    }
    return parts;
  }
  const bytes = decodeTransfer(body, headers['content-transfer-encoding']);
  return [{ type, headers, text: decodeBytes(bytes, headerParam(ctype, 'charset') || 'utf-8') }];
}

/** Parse a raw RFC 5322 message: { headers, subject, text, html, parts }. */
export function parseMessage(raw) {
  const { headers } = splitHeaders(raw);
  const parts = leafParts(raw);
  const text = parts.filter((p) => p.type === 'text/plain').map((p) => p.text).join('\n');
  const html = parts.filter((p) => p.type === 'text/html').map((p) => p.text).join('\n');
  return { headers, subject: decodeMimeWords(headers.subject || ''), text, html, parts };
}

function unescapeHtml(s) {
  return s
    .replace(/&amp;/g, '&')
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}

/** Every distinct http(s) link in a message's text and HTML bodies, in order. */
export function extractLinks(message) {
  const parsed = message.parts ? message : { ...message, ...parseMessage(message.data) };
  const links = [];
  const add = (url) => {
    const clean = url.replace(/[.,;:!?)\]}>'"»]+$/u, '');
    if (!links.includes(clean)) links.push(clean);
  };
  for (const m of parsed.text.matchAll(/https?:\/\/[^\s<>"'«»]+/gu)) add(m[0]);
  for (const m of parsed.html.matchAll(/href\s*=\s*(?:"([^"]*)"|'([^']*)')/gi)) {
    const url = unescapeHtml(m[1] ?? m[2]);
    if (/^https?:\/\//i.test(url)) add(url);
  }
  for (const m of parsed.html.replace(/<[^>]*>/g, ' ').matchAll(/https?:\/\/[^\s<>"'«»]+/gu)) add(unescapeHtml(m[0]));
  return links;
}
