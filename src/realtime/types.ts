import type { Server, Socket } from 'socket.io';
import type { Principal } from '../auth/tokens';
import type { ClientToServerEvents, ServerToClientEvents } from '../contract/socket';

export interface SocketData {
  /** Undefined for an anonymous reader. */
  principal?: Principal;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- no server-to-server events
export type DatelineServer = Server<ClientToServerEvents, ServerToClientEvents, {}, SocketData>;
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export type DatelineSocket = Socket<ClientToServerEvents, ServerToClientEvents, {}, SocketData>;

export interface RealtimeLimits {
  /** Bytes queued for one socket (unsent frames) before it is dropped as a slow consumer. */
  maxSocketBufferBytes: number;
  /** Events held for one socket while its replay runs, before it is dropped. */
  maxReplayBuffer: number;
  /** Client events (subscribe, unsubscribe) one socket may send: a burst, refilled per second. */
  eventBurst: number;
  eventsPerSecond: number;
}
