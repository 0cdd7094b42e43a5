import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Role } from '../../shared/contract';
import type { HostCore } from './hostCore';
import { TokenBucket } from '../core/queue/resilience/tokenBucket';
import { moneyFor } from '../core/policy/moneyForRole';
import type { TokenTable } from './auth';
import { hearsEvent } from './reviewAccess';

/**
 * A spend notice is per member: a filmmaker hears its own crossings only; those who watch the team's
 * spend (owner, admin, producer) hear every member's. (The role's table decides the rest.)
 */
function isTheirs(c: SocketSession, event: string, payload: unknown): boolean {
  if (event !== 'credits.thresholdCrossed' || c.role !== 'filmmaker') return true;
  return c.memberId !== undefined && (payload as { userId?: string }).userId === c.memberId;
}

/** What the events socket needs to know about the session that opened it. */
export interface SocketSession {
  role: Role;
  token: string;
  linkId?: string;
  /** A studio member's session: its sockets close when an admin revokes a token of theirs, disables them or changes their role. */
  memberId?: string;
}

export interface EventsSocketOptions {
  core: Pick<HostCore, 'events' | 'ports'>;
  tokens: TokenTable;
  maxConnections: number;
  wsLimit: { burst: number; perSecond: number };
  clock: { now(): number };
}

/**
 * The one WebSocket (/events): every event core emits (in this process, or in any process on the same
 * studio database through its change feed) goes to each open socket whose role hears it, with the money
 * taken out for roles that see none. Clients never send; a flood closes the socket (1008).
 */
export function eventsSocket(o: EventsSocketOptions) {
  const { core } = o;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  const clients = new Map<WebSocket, SocketSession>();
  // A revoked token's sockets close at once (1008), as its HTTP calls start getting 401.
  const offRevoke = o.tokens.onRevoke((token) => {
    for (const [ws, c] of clients) if (c.token === token) ws.close(1008, 'token revoked');
  });
  const unsubscribe = core.events.subscribeLive((event, payload) => {
    // A link revoked in any process: its sockets here close at once, as its calls start getting 401.
    if (event === 'review.changed' && (payload as { kind: string }).kind === 'revoked') {
      const id = (payload as { link: { id: string } }).link.id;
      for (const [ws, c] of clients) if (c.linkId === id) ws.close(1008, 'link revoked');
    }
    // A member's access changed in any process (a token revoked, disabled, a new role): their sockets close
    // at once; a member still allowed reconnects with what they may hear now.
    if (event === 'studio.changed') {
      const { kind, memberId } = payload as { kind: string; memberId: string | null };
      if (memberId && (kind === 'tokenRevoked' || kind === 'disabled' || kind === 'roleChanged')) {
        for (const [ws, c] of clients) if (c.memberId === memberId) ws.close(1008, `access changed: ${kind}`);
      }
    }
    // One message per role that hears it (a reviewer's carries no money), built once per event.
    const msgs = new Map<Role, string>();
    for (const [ws, c] of clients) {
      if (ws.readyState !== ws.OPEN || !hearsEvent(c.role, event) || !isTheirs(c, event, payload)) continue;
      let msg = msgs.get(c.role);
      if (msg === undefined) msgs.set(c.role, (msg = JSON.stringify({ event, payload: moneyFor(c.role, payload) })));
      ws.send(msg);
    }
  });

  return {
    get isFull() {
      return clients.size >= o.maxConnections;
    },
    accept(req: IncomingMessage, socket: Duplex, head: Buffer, session: SocketSession): void {
      wss.handleUpgrade(req, socket, head, (ws) => {
        clients.set(ws, session);
        ws.on('close', () => clients.delete(ws));
        // Anything a client sends is ignored; a flood closes the socket (1008). A message over maxPayload is closed by ws itself (1009).
        const bucket = new TokenBucket({ capacity: o.wsLimit.burst, refillPerSec: o.wsLimit.perSecond }, o.clock);
        // ws reports a protocol violation (e.g. over maxPayload) as an error before closing; unheard it would crash the host.
        ws.on('error', (e) => core.ports.logger.log('warn', 'events socket closed on a protocol error', { error: e.message }));
        ws.on('message', () => {
          if (!bucket.tryTake() && ws.readyState === ws.OPEN) ws.close(1008, 'too many messages');
        });
      });
    },
    close(): void {
      unsubscribe();
      offRevoke();
      for (const ws of clients.keys()) ws.terminate();
      wss.close();
    },
  };
}
