/**
 * One `kubectl port-forward` connection: the `portforward.k8s.io` protocol over SPDY/3.1 (spdy.ts) tunnelled in an
 * accepted WebSocket. For every local connection kubectl opens two streams with the same `requestid` header: an
 * `error` stream and a `data` stream, both naming the pod `port`. Once both exist, a TCP connection to the pod's
 * IP and that port carries the data stream's bytes both ways; a failure to connect is written as text on the error
 * stream (kubectl prints it). When either side ends, the other is ended too. Pods listen on their own loopback IP,
 * so the connection stays on this host.
 */
import { connect, type Socket } from 'node:net';
import type { WebSocket } from 'ws';
import {
  dataFrame,
  goawayFrame,
  HeaderCodec,
  MAX_FRAME,
  pingFrame,
  RST,
  rstStreamFrame,
  SpdyError,
  synReplyFrame,
  takeFrame,
  type Frame,
} from './spdy.js';

/** Options of a session. */
export interface PortForwardOptions {
  readonly socket: WebSocket;
  /** The pod's IP (a loopback address). */
  readonly podIP: string;
  readonly onEnd: () => void;
}

/** Streams one connection may hold open (kubectl uses two per forwarded connection). */
export const MAX_STREAMS = 256;
/** Largest TCP chunk sent in one DATA frame. */
const CHUNK = 32 * 1024;

interface Pair {
  error?: number;
  data?: number;
  port: number;
  tcp?: Socket;
}

/** Serves the port-forward protocol on an accepted WebSocket until either side closes it. */
export function runPortForwardSession(options: PortForwardOptions): void {
  const { socket, podIP } = options;
  const codec = new HeaderCodec();
  const pairs = new Map<string, Pair>();
  const streamRequest = new Map<number, string>();
  let pending: Buffer = Buffer.alloc(0);
  let queue = Promise.resolve();
  let ended = false;

  const send = (bytes: Buffer): void => {
    if (socket.readyState === socket.OPEN) socket.send(bytes);
  };
  const end = (): void => {
    if (ended) return;
    ended = true;
    for (const p of pairs.values()) p.tcp?.destroy();
    pairs.clear();
    codec.close();
    options.onEnd();
    if (socket.readyState === socket.OPEN) socket.close(1000);
  };
  const protocolError = (reason: string): void => {
    send(goawayFrame(0));
    socket.close(1002, reason.slice(0, 100));
    end();
  };

  const finish = (pair: Pair, id: string): void => {
    if (pair.data !== undefined) send(dataFrame(pair.data, Buffer.alloc(0), true));
    if (pair.error !== undefined) send(dataFrame(pair.error, Buffer.alloc(0), true));
    for (const stream of [pair.data, pair.error]) if (stream !== undefined) streamRequest.delete(stream);
    pairs.delete(id);
  };

  const start = (id: string, pair: Pair): void => {
    const dataId = pair.data as number;
    const tcp = connect({ host: podIP, port: pair.port });
    pair.tcp = tcp;
    let connected = false;
    tcp.on('connect', () => (connected = true));
    tcp.on('data', (chunk: Buffer) => {
      for (let at = 0; at < chunk.length; at += CHUNK) send(dataFrame(dataId, chunk.subarray(at, at + CHUNK)));
    });
    tcp.on('error', (err: NodeJS.ErrnoException) => {
      if (!connected && pair.error !== undefined) {
        const message = `an error occurred forwarding ${pair.port} -> ${pair.port}: dial tcp4 ${podIP}:${pair.port}: ${err.code ?? err.message}`;
        send(dataFrame(pair.error, Buffer.from(message)));
      }
    });
    tcp.on('close', () => {
      if (pairs.get(id) === pair) finish(pair, id);
    });
  };

  const onSynStream = async (frame: Extract<Frame, { kind: 'syn_stream' }>): Promise<void> => {
    const headers = await codec.decode(frame.headerBlock);
    const type = headers.get('streamtype');
    const port = Number(headers.get('port'));
    const id = headers.get('requestid') ?? '';
    if ((type !== 'error' && type !== 'data') || !Number.isInteger(port) || port < 1 || port > 65535) {
      send(rstStreamFrame(frame.streamId, RST.protocolError));
      return;
    }
    if (streamRequest.size >= MAX_STREAMS) {
      send(rstStreamFrame(frame.streamId, RST.refusedStream));
      return;
    }
    const pair = pairs.get(id) ?? { port };
    if (pair.port !== port || pair[type] !== undefined) {
      send(rstStreamFrame(frame.streamId, RST.protocolError));
      return;
    }
    pair[type] = frame.streamId;
    pairs.set(id, pair);
    streamRequest.set(frame.streamId, id);
    send(synReplyFrame(frame.streamId, await codec.encode(new Map())));
    if (pair.error !== undefined && pair.data !== undefined) start(id, pair);
  };

  const onFrame = async (frame: Frame): Promise<void> => {
    switch (frame.kind) {
      case 'syn_stream':
        return onSynStream(frame);
      case 'data': {
        const id = streamRequest.get(frame.streamId);
        const pair = id === undefined ? undefined : pairs.get(id);
        if (!pair || pair.data !== frame.streamId) return; // the error stream carries nothing from the client
        if (frame.data.length > 0) pair.tcp?.write(frame.data);
        if (frame.fin) pair.tcp?.end();
        return;
      }
      case 'rst_stream': {
        const id = streamRequest.get(frame.streamId);
        streamRequest.delete(frame.streamId);
        const pair = id === undefined ? undefined : pairs.get(id);
        if (pair && id !== undefined) {
          pairs.delete(id);
          for (const stream of [pair.data, pair.error]) if (stream !== undefined) streamRequest.delete(stream);
          pair.tcp?.destroy();
        }
        return;
      }
      case 'ping':
        send(pingFrame(frame.id));
        return;
      case 'goaway':
        end();
        return;
      case 'other':
        return;
    }
  };

  socket.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary) return protocolError('port-forward messages are binary');
    pending = Buffer.concat([pending, data]);
    if (pending.length > 2 * MAX_FRAME) return protocolError('frame too large');
    const frames: Frame[] = [];
    try {
      for (let next = takeFrame(pending); next; next = takeFrame(pending)) {
        frames.push(next.frame);
        pending = next.rest;
      }
    } catch (err) {
      return protocolError(err instanceof SpdyError ? err.message : 'malformed frame');
    }
    // Header blocks share one zlib context, and a stream's data follows its SYN_STREAM: handle frames in order.
    for (const f of frames) {
      queue = queue
        .then(() => (ended ? undefined : onFrame(f)))
        .catch((err: unknown) => {
          protocolError(err instanceof Error ? err.message : String(err));
        });
    }
  });
  socket.on('close', end);
  socket.on('error', end);
}
