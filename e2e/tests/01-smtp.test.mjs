// SPDX-License-Identifier: AGPL-3.0-or-later
// The SMTP sink on its own (no server needed): dialogue, dot-unstuffing,
// quoted-printable / base64 / 7bit bodies, multipart/alternative, links.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { extractLinks, startSmtpSink } from '../lib/smtp.mjs';

let sink;
before(async () => {
  sink = await startSmtpSink();
});
after(() => sink.close());

/** Minimal client: send each command, wait for its reply line(s), record codes. */
async function converse(port, commands) {
  const socket = net.connect(port, '127.0.0.1');
  let buf = '';
  const waitReply = () =>
    new Promise((resolve) => {
      const check = () => {
        const lines = buf.split('\r\n');
        const idx = lines.findIndex((l) => /^\d{3} /.test(l) || /^\d{3}$/.test(l));
        if (idx === -1) return false;
        const reply = lines.slice(0, idx + 1);
        buf = lines.slice(idx + 1).join('\r\n');
        resolve(reply);
        return true;
      };
      if (!check()) {
        const onData = (d) => {
          buf += d.toString('utf8');
          if (check()) socket.off('data', onData);
        };
        socket.on('data', onData);
      }
    });
  const codes = [];
  codes.push((await waitReply())[0].slice(0, 3));
  for (const cmd of commands) {
    socket.write(cmd);
    const reply = await waitReply();
    codes.push(reply.at(-1).slice(0, 3));
  }
  socket.end();
  return codes;
}

const qpMessage = [
  'From: Promeneurs <ne-pas-repondre@promeneurs.example>',
  'To: admin@demo.promeneurs.fr',
  'Subject: =?utf-8?b?UsOpaW5pdGlhbGlzYXRpb24gZGUgdm90cmUgbW90IGRlIHBhc3Nl?=',
  'MIME-Version: 1.0',
  'Content-Type: multipart/alternative; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'Bonjour, pour choisir un nouveau mot de passe, ouvrez ce lien=C2=A0:',
  'http://127.0.0.1:4567/reinitialiser/abcdefghijklmnopqrstuvwxyz0123456789A=',
  'BCDEF.',
  '..Une ligne qui commen=C3=A7ait par un point.',
  '--b1',
  'Content-Type: text/html; charset=utf-8',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  '<p><a href=3D"http://127.0.0.1:4567/reinitialiser/abcdefghijklmnopqrstuvwxyz=',
  '0123456789ABCDEF?a=3D1&amp;b=3D2">Choisir</a></p>',
  '--b1--',
  '.',
  '',
].join('\r\n');

const b64Body = Buffer.from('Activez votre compte : http://127.0.0.1:4567/reinitialiser/tok_base64_0123456789abcdef\n').toString('base64');
const b64Message = [
  'From: ne-pas-repondre@promeneurs.example',
  'To: camille@example.org',
  'Subject: Activez votre compte Promeneurs',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: base64',
  '',
  b64Body.slice(0, 40),
  b64Body.slice(40),
  '.',
  '',
].join('\r\n');

const plainMessage = [
  'Subject: =?utf-8?q?Mot_de_passe_modifi=C3=A9?=',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: 7bit',
  '',
  'Voir https://example.org/aide.',
  '.',
  '',
].join('\r\n');

test('SMTP dialogue and three encodings', async () => {
  const codes = await converse(sink.port, [
    'EHLO client.test\r\n',
    'NOOP\r\n',
    'MAIL FROM:<ne-pas-repondre@promeneurs.example>\r\n',
    'RCPT TO:<admin@demo.promeneurs.fr>\r\n',
    'DATA\r\n',
    qpMessage,
    'RSET\r\n',
    'MAIL FROM:<ne-pas-repondre@promeneurs.example> BODY=8BITMIME SMTPUTF8\r\n',
    'RCPT TO:<camille@example.org>\r\n',
    'RCPT TO:<copie@example.org>\r\n',
    'DATA\r\n',
    b64Message,
    'HELO again\r\n',
    'MAIL FROM:<>\r\n',
    'RCPT TO:<x@example.org>\r\n',
    'DATA\r\n',
    plainMessage,
    'QUIT\r\n',
  ]);
  assert.deepEqual(codes, ['220', '250', '250', '250', '250', '354', '250', '250', '250', '250', '250', '354', '250', '250', '250', '250', '354', '250', '221']);

  const reset = await sink.waitForMessage((m) => m.to.includes('admin@demo.promeneurs.fr'), 1000);
  assert.equal(reset.from, 'ne-pas-repondre@promeneurs.example');
  assert.equal(reset.subject, 'Réinitialisation de votre mot de passe');
  assert.match(reset.text, /ouvrez ce lien\u00a0:/);
  assert.match(reset.text, /^\.Une ligne qui commençait par un point\.$/m, 'dot-unstuffed');
  assert.deepEqual(extractLinks(reset), [
    'http://127.0.0.1:4567/reinitialiser/abcdefghijklmnopqrstuvwxyz0123456789ABCDEF',
    'http://127.0.0.1:4567/reinitialiser/abcdefghijklmnopqrstuvwxyz0123456789ABCDEF?a=1&b=2',
  ]);

  const activation = await sink.waitForMessage((m) => /Activez votre compte/.test(m.subject), 1000);
  assert.deepEqual(activation.to, ['camille@example.org', 'copie@example.org']);
  assert.deepEqual(extractLinks(activation), ['http://127.0.0.1:4567/reinitialiser/tok_base64_0123456789abcdef']);

  const plain = await sink.waitForMessage((m) => m.from === '', 1000);
  assert.equal(plain.subject, 'Mot de passe modifié');
  assert.deepEqual(extractLinks(plain), ['https://example.org/aide']);
  assert.equal(sink.messages.length, 3);
});

test('waitForMessage waits for a message still to come, and times out clearly', async () => {
  const pending = sink.waitForMessage((m) => m.to.includes('tard@example.org'), 5000);
  await converse(sink.port, ['HELO c\r\n', 'MAIL FROM:<a@b.c>\r\n', 'RCPT TO:<tard@example.org>\r\n', 'DATA\r\n', 'Subject: tard\r\n\r\ncorps\r\n.\r\n', 'QUIT\r\n']);
  assert.equal((await pending).subject, 'tard');
  await assert.rejects(sink.waitForMessage(() => false, 100), /No matching e-mail within 100 ms/);
});
