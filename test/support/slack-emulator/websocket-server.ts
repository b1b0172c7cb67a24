/**
 * The server side of a WebSocket (RFC 6455), just what Slack's Socket Mode needs: the upgrade
 * handshake, text frames both ways, ping/pong and close. Node 20 ships a WebSocket client (undici,
 * which @slack/socket-mode uses) but no server; this keeps the emulator free of extra packages.
 * Client frames are always masked (RFC 6455 §5.3); server frames never are.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP = { text: 0x1, close: 0x8, ping: 0x9, pong: 0xa } as const;

export class ServerWebSocket {
  private buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  open = true;

  constructor(private readonly socket: Duplex, private readonly onText: (text: string) => void, private readonly onClose: () => void) {
    socket.on('data', (chunk: Buffer) => { this.buffer = Buffer.concat([this.buffer, chunk]); this.drain(); });
    socket.on('close', () => this.closed());
    socket.on('error', () => this.closed());
    // The app's end went away without a close frame (its process died). An upgraded HTTP socket
    // is half-open by default and would never emit 'close': Slack drops such a connection.
    socket.on('end', () => { socket.end(); this.closed(); });
  }

  /** Completes the upgrade of `req` on `socket`; null when it is not a WebSocket request. */
  static accept(req: IncomingMessage, socket: Duplex, onText: (text: string) => void, onClose: () => void): ServerWebSocket | null {
    const key = req.headers['sec-websocket-key'];
    if (typeof key !== 'string' || req.headers.upgrade?.toLowerCase() !== 'websocket') return null;
    const accept = createHash('sha1').update(key + GUID).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    return new ServerWebSocket(socket, onText, onClose);
  }

  sendText(text: string): void { this.frame(OP.text, Buffer.from(text)); }
  ping(): void { this.frame(OP.ping, Buffer.from('emulator')); }

  close(): void {
    if (!this.open) return;
    this.frame(OP.close, Buffer.from([0x03, 0xe8]));
    this.socket.end();
    this.closed();
  }

  /** Drops the connection without a close frame, as a network failure would. */
  destroy(): void { this.socket.destroy(); this.closed(); }

  private closed(): void {
    if (!this.open) return;
    this.open = false;
    this.onClose();
  }

  private frame(opcode: number, payload: Buffer): void {
    if (!this.open) return;
    const len = payload.length;
    const head = len < 126 ? Buffer.from([0x80 | opcode, len])
      : len < 65536 ? Buffer.from([0x80 | opcode, 126, len >> 8, len & 0xff])
        : Buffer.concat([Buffer.from([0x80 | opcode, 127]), bigLength(len)]);
    this.socket.write(Buffer.concat([head, payload]));
  }

  private drain(): void {
    for (;;) {
      const parsed = parseFrame(this.buffer);
      if (!parsed) return;
      this.buffer = this.buffer.subarray(parsed.consumed);
      this.handle(parsed.fin, parsed.opcode, parsed.payload);
    }
  }

  private handle(fin: boolean, opcode: number, payload: Buffer): void {
    if (opcode === OP.ping) return this.frame(OP.pong, payload);
    if (opcode === OP.pong) return;
    if (opcode === OP.close) return this.close();
    this.fragments.push(payload);
    if (!fin) return;
    const message = Buffer.concat(this.fragments);
    this.fragments = [];
    this.onText(message.toString('utf8'));
  }
}

function bigLength(len: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(len));
  return b;
}

function parseFrame(buf: Buffer): { fin: boolean; opcode: number; payload: Buffer; consumed: number } | null {
  if (buf.length < 2) return null;
  const fin = (buf[0]! & 0x80) !== 0;
  const opcode = buf[0]! & 0x0f;
  const masked = (buf[1]! & 0x80) !== 0;
  let len = buf[1]! & 0x7f;
  let offset = 2;
  if (len === 126) {
    if (buf.length < 4) return null;
    len = buf.readUInt16BE(2);
    offset = 4;
  } else if (len === 127) {
    if (buf.length < 10) return null;
    len = Number(buf.readBigUInt64BE(2));
    offset = 10;
  }
  const maskAt = offset;
  if (masked) offset += 4;
  if (buf.length < offset + len) return null;
  const payload = Buffer.from(buf.subarray(offset, offset + len));
  if (masked) for (let i = 0; i < payload.length; i++) payload[i] = payload[i]! ^ buf[maskAt + (i % 4)]!;
  return { fin, opcode, payload, consumed: offset + len };
}
