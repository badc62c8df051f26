import type { DatelineServer, DatelineSocket } from './types';

/** Bytes this socket has queued but not yet written: engine.io's packet buffer plus the WebSocket's send buffer. */
export function queuedBytes(socket: DatelineSocket): number {
  const conn = socket.conn as unknown as {
    writeBuffer?: Array<{ data?: unknown }>;
    transport?: { socket?: { bufferedAmount?: number } };
  };
  let bytes = conn.transport?.socket?.bufferedAmount ?? 0;
  for (const packet of conn.writeBuffer ?? []) {
    const data = packet.data;
    bytes += typeof data === 'string' ? data.length : data instanceof Buffer ? data.length : 64;
  }
  return bytes;
}

/** Tells a socket why, then drops it; its client can reconnect and resume from its cursor. */
export function kickSocket(socket: DatelineSocket, message: string): void {
  if (!socket.connected) return;
  socket.emit('kicked', { code: 'SLOW_CONSUMER', message });
  socket.disconnect(true);
}

/**
 * Drops sockets whose unsent data passes `maxBytes`: a client that stops reading must not make the server hold
 * an unbounded queue for it. Checked every `intervalMs`; between checks one socket can exceed the bound by at most
 * what is published in that interval.
 */
export function watchSlowConsumers(io: DatelineServer, maxBytes: number, intervalMs = 250): () => void {
  const timer = setInterval(() => {
    for (const socket of io.of('/').sockets.values()) {
      const queued = queuedBytes(socket);
      if (queued > maxBytes) kickSocket(socket, `more than ${maxBytes} bytes waiting to be read (${queued})`);
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
