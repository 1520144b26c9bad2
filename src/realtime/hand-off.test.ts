import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { canTakeSockets, takeSocket } from './hand-off.ts';
import { Hub } from './hub.ts';
import { eventually, startSseServer, type SseServer } from './test-server.ts';

/** A raw client, to see the bytes on the wire rather than what fetch makes of them. */
function rawGet(port: number, path: string): { socket: Socket; text: () => string; ended: Promise<void> } {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  socket.setEncoding('latin1').on('data', (chunk: string) => void (text += chunk));
  socket.write(`GET ${path} HTTP/1.1\r\nHost: test\r\nAccept: text/event-stream\r\n\r\n`);
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, text: () => text, ended };
}

describe('taking a live stream socket over from node:http', () => {
  let server: SseServer | null = null;
  let plain: Server | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
    await new Promise<void>((resolve) => (plain ? plain.close(() => resolve()) : resolve()));
    plain = null;
  });

  it('works on the Node Blossom runs on', () => {
    assert.equal(canTakeSockets, true);
  });

  it('answers with a close-delimited stream and writes events as they are, unframed', async () => {
    server = await startSseServer({ hub: new Hub() });
    const client = rawGet(server.port, '/streams/a?audience=present');
    await eventually(() => client.text().includes('\r\n\r\n'));
    const head = client.text().split('\r\n\r\n')[0]!.toLowerCase();
    assert.match(head, /^http\/1\.1 200 ok\r\n/);
    assert.match(head, /\r\nconnection: close(\r\n|$)/);
    assert.match(head, /\r\ncontent-type: text\/event-stream(\r\n|$)/);
    assert.doesNotMatch(head, /transfer-encoding|content-length/);

    assert.equal(server.hub.send('a', ['present'], { id: 'e1', event: 'reveal', data: { target: 'the square' } }), 1);
    await eventually(() => client.text().endsWith('\n\n') && client.text().includes('e1'));
    assert.equal(client.text().split('\r\n\r\n')[1], 'id: e1\nevent: reveal\ndata: {"target":"the square"}\n\n');
    client.socket.destroy();
  });

  it('notices a phone that leaves, and lets the server close once streams are ended', async () => {
    server = await startSseServer({ hub: new Hub() });
    const leaving = rawGet(server.port, '/streams/a?audience=rsvp');
    const staying = rawGet(server.port, '/streams/a?audience=rsvp');
    await eventually(() => server!.hub.count('a') === 2 && staying.text().includes('\r\n\r\n'));
    leaving.socket.end();
    await eventually(() => server!.hub.count('a') === 1);
    // close() stops the hub and then waits for every socket, taken-over ones included.
    await server.close();
    server = null;
    await staying.ended;
  });

  it('leaves the response alone when a header could not be written safely', async () => {
    const taken: Record<string, boolean> = {};
    plain = createServer((req, res) => {
      const note = req.url === '/unsafe' ? 'caf\u00e9' : 'plain';
      // After the request is read: inside the 'request' event the parser is still at work.
      req.resume().once('end', () => {
        const socket = takeSocket(req, res, { 'X-Note': note });
        taken[req.url!] = socket !== null;
        if (socket) socket.end('taken');
        else res.end('ordinary answer');
      });
    });
    await new Promise<void>((resolve) => plain!.listen(0, '127.0.0.1', () => resolve()));
    const { port } = plain.address() as AddressInfo;
    assert.equal(await (await fetch(`http://127.0.0.1:${port}/unsafe`)).text(), 'ordinary answer');
    assert.equal(await (await fetch(`http://127.0.0.1:${port}/safe`)).text(), 'taken');
    assert.deepEqual(taken, { '/unsafe': false, '/safe': true });
  });
});
