import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { DomainError } from '../common/domain-error';
import { reasonPhrase, toProblem } from '../common/problem.filter';
import { MAX_FRAME_BYTES, parseFrame } from './live-frames';
import { LIVE_SOCKET_PATH, LiveEvent, LiveSessionsService } from './live-sessions.service';

/** Close codes the page reads: 1000 normal end, 4400 a bad frame, 4409 refused (emergency). */
const CLOSE_BAD_FRAME = 4400;
const CLOSE_REFUSED = 4409;

/**
 * The speaker's socket (`ws`, on the API's HTTP server): `GET /api/v1/live/socket?ticket=…`
 * upgrades when the ticket from `POST /communes/:commune/live` is valid (else a 401 JSON
 * problem). Binary frames are speech (s16le mono 48 kHz), `{"type":"stop"}` ends the session;
 * the server sends `{"type":"on-air"}`, then `{"type":"ended",…}` or `{"type":"error",…}` (a
 * problem with `statusCode` and `code`) before it closes.
 */
@Injectable()
export class LiveSocket implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LiveSocket.name);
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES * 2 });
  private server: Server | null = null;
  private readonly onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void =>
    this.upgrade(request, socket, head);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly sessions: LiveSessionsService,
  ) {}

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server) return;
    this.server = server;
    server.on('upgrade', this.onUpgrade);
  }

  onApplicationShutdown(): void {
    this.server?.off('upgrade', this.onUpgrade);
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== LIVE_SOCKET_PATH) return;
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      let sessionId: string;
      try {
        sessionId = this.sessions.connect(url.searchParams.get('ticket') ?? '', (event) =>
          this.send(ws, event),
        );
      } catch (error) {
        this.refuse(ws, error, CLOSE_REFUSED);
        return;
      }
      this.attach(ws, sessionId);
    });
  }

  private attach(ws: WebSocket, sessionId: string): void {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const frame = parseFrame(data, isBinary);
      if (typeof frame === 'string') {
        this.refuse(ws, new DomainError('LIVE_BAD_FRAME', frame), CLOSE_BAD_FRAME);
        void this.sessions.end(sessionId, 'bad-frame');
        return;
      }
      if (frame.kind === 'stop') {
        void this.sessions.end(sessionId, 'stopped').then(() => ws.close(1000));
        return;
      }
      try {
        this.sessions.audio(sessionId, frame.pcm);
      } catch (error) {
        this.refuse(ws, error, CLOSE_REFUSED);
        void this.sessions.end(sessionId, 'stopped');
      }
    });
    ws.on('close', () => void this.sessions.end(sessionId, 'connection-lost'));
    ws.on('error', (error) => this.logger.warn(`Live socket: ${error.message}`));
  }

  private send(ws: WebSocket, event: LiveEvent): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    ws.send(JSON.stringify(event));
    if (event.type === 'ended') ws.close(1000);
  }

  /** Sends the problem (as the HTTP API would) and closes. */
  private refuse(ws: WebSocket, error: unknown, code: number): void {
    const problem = toProblem(error);
    if (ws.readyState === WebSocket.OPEN) {
      ws.send(
        JSON.stringify({
          type: 'error',
          ...problem,
          error: problem.error ?? reasonPhrase(problem.statusCode),
        }),
      );
      ws.close(code, problem.code ?? 'refused');
    }
  }
}
